import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { resizeImage, toChannels, toRgbaBytes } from './resize';
import { imageFormat, imageSize } from './sniff';
import { encodePng, solid } from '../fixtures/png';

describe('resizeImage', () => {
  it('bilinear: enlarges a 2×2 image with pixel centres aligned', () => {
    const out = resizeImage(Float32Array.from([0, 100, 200, 300]), 2, 2, 1, 4, 4, 'bilinear');
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 25, 75, 100]);
    expect(Array.from(out.subarray(12, 16))).toEqual([200, 225, 275, 300]);
  });

  it('bilinear matches tf.image.resizeBilinear(halfPixelCenters) when enlarging and shrinking', async () => {
    await tf.setBackend('cpu');
    const src = Float32Array.from({ length: 5 * 7 * 3 }, (_, i) => (i * 37) % 255);
    for (const [ow, oh] of [[13, 11], [4, 3]] as const) {
      const ours = resizeImage(src, 7, 5, 3, ow, oh, 'bilinear');
      const theirs = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(src, [5, 7, 3]), [oh, ow], false, true).dataSync());
      expect(ours.length).toBe(theirs.length);
      ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i] as number, 3));
    }
  });

  it('area: averages whole blocks and weights partial pixels, keeping the mean', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(Array.from(resizeImage(src, 4, 4, 1, 2, 2, 'area'))).toEqual([3.5, 5.5, 11.5, 13.5]);
    // 3 → 2 columns: each output covers 1.5 source pixels.
    const row = resizeImage(Float32Array.from([0, 30, 60]), 3, 1, 1, 2, 1, 'area');
    expect(row[0]).toBeCloseTo((0 * 1 + 30 * 0.5) / 1.5);
    expect(row[1]).toBeCloseTo((30 * 0.5 + 60 * 1) / 1.5);
    const big = Float32Array.from({ length: 9 * 9 }, (_, i) => (i * 13) % 17);
    const small = resizeImage(big, 9, 9, 1, 4, 4, 'area');
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(small)).toBeCloseTo(mean(big), 4);
  });

  it('auto picks area to shrink and bilinear to enlarge; same size is a copy', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(Array.from(resizeImage(src, 4, 4, 1, 2, 2))).toEqual([3.5, 5.5, 11.5, 13.5]);
    const same = resizeImage(src, 4, 4, 1, 4, 4);
    expect(same).not.toBe(src);
    expect(Array.from(same)).toEqual(Array.from(src));
    expect(() => resizeImage(src, 3, 3, 1, 2, 2)).toThrow('`src` must hold width × height × channels = 9 values, got 16');
  });
});

describe('toChannels', () => {
  it('converts to grey with luma weights and composites transparency over the background', () => {
    const img = { width: 2, height: 1, data: Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 0, 0]) };
    const grey = toChannels(img, 1);
    expect(grey[0]).toBeCloseTo(0.299 * 255, 3);
    expect(grey[1]).toBeCloseTo(255, 3); // fully transparent → white background
    expect(toChannels(img, 1, 0)[1]).toBe(0);
    expect(Array.from(toChannels(img, 3).subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(toRgbaBytes(Float32Array.from([0.5]), 1, 1, 1))).toEqual([128, 128, 128, 255]);
  });
});

describe('sniffing', () => {
  it('reads the size of PNG, GIF, BMP and JPEG headers', () => {
    const png = encodePng(3, 2, solid(3, 2, [1, 2, 3, 255]));
    expect(imageFormat(png)).toBe('png');
    expect(imageSize(png)).toEqual({ width: 3, height: 2 });
    const gif = Uint8Array.from([...'GIF89a'].map((c) => c.charCodeAt(0)).concat([0x40, 0x01, 0xf0, 0x00]));
    expect(imageSize(gif)).toEqual({ width: 320, height: 240 });
    const bmp = new Uint8Array(30);
    bmp.set([0x42, 0x4d]);
    new DataView(bmp.buffer).setInt32(18, 640, true);
    new DataView(bmp.buffer).setInt32(22, -480, true);
    expect(imageSize(bmp)).toEqual({ width: 640, height: 480 });
    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 600 and width 800.
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...new Array(14).fill(0), 0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03]);
    expect(imageSize(jpeg)).toEqual({ width: 800, height: 600 });
    expect(imageFormat(new TextEncoder().encode('hello'))).toBeNull();
  });
});
