import { describe, expect, it } from 'vitest';
import { centreOfMass, inkBox, mnistFromDrawing, rgbaOf, type Gray } from './mnist-draw';

/** A 196×196 black pad with white rectangles drawn on it. */
function pad(rects: Array<[number, number, number, number]>): Gray {
  const g: Gray = { width: 196, height: 196, data: new Float32Array(196 * 196) };
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) g.data[y * 196 + x] = 255;
  return g;
}

describe('a drawing prepared as MNIST digits were', () => {
  it('fits the ink into 20×20 keeping its aspect, centred by mass in 28×28', () => {
    // A "1" drawn small in the top-left corner: a bar 8 px wide, 60 px tall.
    const out = mnistFromDrawing(pad([[10, 10, 18, 70]]));
    expect([out.width, out.height]).toEqual([28, 28]);
    const box = inkBox(out)!;
    expect(box.y1 - box.y0).toBe(20);
    expect(box.x1 - box.x0).toBe(3); // 8 × 20/60, rounded
    const c = centreOfMass(out);
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(1);
  });

  it('a "7" anywhere on the pad becomes the same 28×28 image', () => {
    const seven = (dx: number, dy: number): Array<[number, number, number, number]> => [
      [20 + dx, 20 + dy, 100 + dx, 32 + dy], // the top bar
      [86 + dx, 20 + dy, 100 + dx, 120 + dy], // the stem
    ];
    const a = mnistFromDrawing(pad(seven(0, 0)));
    const b = mnistFromDrawing(pad(seven(60, 50)));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    // The centre of mass sits at the centre, not the bounding box's: the stem is heavy on the right, so the
    // 16-px-wide box starts left of where centring the box would put it (x = 6).
    const c = centreOfMass(a);
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(1);
    expect(inkBox(a)!.x1 - inkBox(a)!.x0).toBe(16);
    expect(inkBox(a)!.x0).toBeLessThan(6);
  });

  it('an empty pad gives an empty image; RGBA is opaque gray', () => {
    const out = mnistFromDrawing(pad([]));
    expect(out.data.every((v) => v === 0)).toBe(true);
    const rgba = rgbaOf({ width: 1, height: 1, data: Float32Array.of(200) });
    expect(Array.from(rgba)).toEqual([200, 200, 200, 255]);
  });
});
