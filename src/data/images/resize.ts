/**
 * Pixel work in plain TypeScript (no canvas), so it runs in a worker and in
 * Node tests: alpha compositing, grey or RGB, bilinear and area resizing.
 * Images are interleaved (height × width × channels), row-major.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, not premultiplied. */
  data: Uint8ClampedArray;
}

export type ResizeMethod = 'bilinear' | 'area' | 'auto';

/**
 * RGBA → 1 or 3 channels as floats in 0..255, transparent pixels composited
 * over `background` (a grey level). Grey uses the Rec. 601 luma weights.
 */
export function toChannels(img: RgbaImage, channels: 1 | 3, background = 255): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  const d = img.data;
  for (let p = 0; p < n; p++) {
    const a = (d[p * 4 + 3] as number) / 255;
    const bg = (1 - a) * background;
    const r = (d[p * 4] as number) * a + bg;
    const g = (d[p * 4 + 1] as number) * a + bg;
    const b = (d[p * 4 + 2] as number) * a + bg;
    if (channels === 1) out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    else {
      out[p * 3] = r;
      out[p * 3 + 1] = g;
      out[p * 3 + 2] = b;
    }
  }
  return out;
}

/** Bilinear with pixel centres aligned (as tf.image.resizeBilinear with halfPixelCenters). */
function bilinear(src: Float32Array, w: number, h: number, c: number, ow: number, oh: number): Float32Array {
  const out = new Float32Array(ow * oh * c);
  const sx = w / ow;
  const sy = h / oh;
  for (let y = 0; y < oh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const top = (src[(y0 * w + x0) * c + k] as number) * (1 - wx) + (src[(y0 * w + x1) * c + k] as number) * wx;
        const bottom = (src[(y1 * w + x0) * c + k] as number) * (1 - wx) + (src[(y1 * w + x1) * c + k] as number) * wx;
        out[(y * ow + x) * c + k] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/** Source spans [start, end) covered by each output cell along one axis, with overlap weights. */
function areaWeights(size: number, outSize: number): Array<Array<[number, number]>> {
  const scale = size / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const start = o * scale;
    const end = (o + 1) * scale;
    const cells: Array<[number, number]> = [];
    for (let i = Math.floor(start); i < Math.min(Math.ceil(end), size); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 1e-9) cells.push([i, overlap / scale]);
    }
    return cells;
  });
}

/** Area averaging: each output pixel is the mean of the source area it covers. Best for shrinking. */
function area(src: Float32Array, w: number, h: number, c: number, ow: number, oh: number): Float32Array {
  const out = new Float32Array(ow * oh * c);
  const xs = areaWeights(w, ow);
  const ys = areaWeights(h, oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (const [sy, wy] of ys[y] as Array<[number, number]>) {
        for (const [sx, wx] of xs[x] as Array<[number, number]>) {
          const weight = wx * wy;
          const from = (sy * w + sx) * c;
          const to = (y * ow + x) * c;
          for (let k = 0; k < c; k++) out[to + k] = (out[to + k] as number) + weight * (src[from + k] as number);
        }
      }
    }
  }
  return out;
}

/** Resizes an interleaved float image; 'auto' uses area when shrinking and bilinear otherwise. */
export function resizeImage(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  method: ResizeMethod = 'auto',
): Float32Array {
  if (src.length !== width * height * channels) {
    throw new Error(`\`src\` must hold width × height × channels = ${width * height * channels} values, got ${src.length}`);
  }
  if (width === outWidth && height === outHeight) return src.slice();
  const chosen = method === 'auto' ? (outWidth <= width && outHeight <= height ? 'area' : 'bilinear') : method;
  return chosen === 'area' ? area(src, width, height, channels, outWidth, outHeight) : bilinear(src, width, height, channels, outWidth, outHeight);
}

/** A float image (0..1) as RGBA bytes for display (e.g. a thumbnail in an ImageData). */
export function toRgbaBytes(src: Float32Array, width: number, height: number, channels: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) out[p * 4 + k] = Math.round((src[p * channels + (channels === 1 ? 0 : k)] as number) * 255);
    out[p * 4 + 3] = 255;
  }
  return out;
}
