/**
 * A drawing made the way MNIST's digits were: the ink's bounding box fitted
 * into 20×20 keeping its aspect, placed in a 28×28 image with its centre of
 * mass at the centre. Downscaling the whole pad instead leaves a thin, small,
 * off-centre digit the model has never seen (a clean 7 read as "2").
 */

/** A grayscale image, values 0..255, row-major. */
export interface Gray {
  width: number;
  height: number;
  data: Float32Array;
}

const SIDE = 28;
const BOX = 20;
/** Ink is any pixel brighter than this (the pad is black, strokes white). */
const INK = 16;
/** Samples per target pixel and axis when resampling (4×4 = 16 per pixel). */
const SUPER = 4;

/** The red channel of white-on-black RGBA (all channels are equal on the pad). */
export function grayOf(rgba: Uint8ClampedArray, width: number, height: number): Gray {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4]!;
  return { width, height, data };
}

/** The ink's bounding box, or null when nothing was drawn. */
export function inkBox(g: Gray): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = g.width, y0 = g.height, x1 = -1, y1 = -1;
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      if (g.data[y * g.width + x]! <= INK) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** The intensity-weighted centre of an image, in pixel units (pixel i's centre is i + 0.5). */
export function centreOfMass(g: Gray): { x: number; y: number } {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const v = g.data[y * g.width + x]!;
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : { x: g.width / 2, y: g.height / 2 };
}

/** MNIST's preparation of a drawing: a 28×28 grayscale image (all zeros when nothing was drawn). */
export function mnistFromDrawing(g: Gray): Gray {
  const out: Gray = { width: SIDE, height: SIDE, data: new Float32Array(SIDE * SIDE) };
  const box = inkBox(g);
  if (!box) return out;
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const scale = BOX / Math.max(bw, bh);
  const w = Math.max(1, Math.round(bw * scale));
  const h = Math.max(1, Math.round(bh * scale));
  // Resample the box into w×h by averaging SUPER² nearest samples per target pixel (an area filter when shrinking).
  const fitted: Gray = { width: w, height: h, data: new Float32Array(w * h) };
  for (let ty = 0; ty < h; ty++) {
    for (let tx = 0; tx < w; tx++) {
      let sum = 0;
      for (let sy = 0; sy < SUPER; sy++) {
        for (let sx = 0; sx < SUPER; sx++) {
          const x = Math.min(g.width - 1, Math.floor(box.x0 + ((tx + (sx + 0.5) / SUPER) * bw) / w));
          const y = Math.min(g.height - 1, Math.floor(box.y0 + ((ty + (sy + 0.5) / SUPER) * bh) / h));
          sum += g.data[y * g.width + x]!;
        }
      }
      fitted.data[ty * w + tx] = sum / (SUPER * SUPER);
    }
  }
  // Shift so the centre of mass lands on the image's centre, keeping the digit inside the frame.
  const c = centreOfMass(fitted);
  const ox = Math.min(SIDE - w, Math.max(0, Math.round(SIDE / 2 - c.x)));
  const oy = Math.min(SIDE - h, Math.max(0, Math.round(SIDE / 2 - c.y)));
  for (let y = 0; y < h; y++) out.data.set(fitted.data.subarray(y * w, (y + 1) * w), (oy + y) * SIDE + ox);
  return out;
}

/** A grayscale image as opaque RGBA (what the worker's `pixels` input takes). */
export function rgbaOf(g: Gray): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(g.width * g.height * 4);
  for (let i = 0; i < g.data.length; i++) {
    const v = g.data[i]!;
    rgba[i * 4] = v;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}
