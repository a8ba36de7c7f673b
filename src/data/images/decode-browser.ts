/**
 * The decoder the worker uses: createImageBitmap + OffscreenCanvas. Only
 * available in a browser or worker; calling it elsewhere throws a clear
 * error instead of a ReferenceError. Node tests inject their own decoder.
 */
import type { ImageDecoder } from './load';
import { extensionOf } from './sniff';

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
};

export function canDecodeInThisEnvironment(): boolean {
  return typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
}

export const browserDecoder: ImageDecoder = async (bytes, name) => {
  if (!canDecodeInThisEnvironment()) {
    throw new Error('browserDecoder needs createImageBitmap and OffscreenCanvas (a browser or a worker); pass another `decode` in Node');
  }
  const blob = new Blob([bytes.slice()], { type: MIME[extensionOf(name)] ?? '' });
  // No premultiplication and no colour conversion: the network should see the stored values.
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas has no 2d context');
    ctx.drawImage(bitmap, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width, height, data };
  } finally {
    bitmap.close();
  }
};
