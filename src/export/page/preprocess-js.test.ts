import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, encodeImage, type ImageSpec, type TableSpec } from '../../data';
import { dateSpec, DATE_ROWS, imageSpec, markerSpec, MARKER_ROWS, rgbaPattern, tableSpec, TABLE_ROWS } from '../fixtures/specs';
import { PREPROCESS_JS } from './preprocess-js';

interface PagePreprocess {
  encodeRow(spec: TableSpec, row: Record<string, string>): Float32Array;
  encodeImage(spec: ImageSpec, img: { width: number; height: number; data: Uint8ClampedArray }): Float32Array;
  decodeRegression(target: unknown, value: number): number;
}

/** Runs the page script in a bare context, as a browser would, and returns what it defines. */
function loadPageScript(): PagePreprocess {
  const context: Record<string, unknown> = {};
  context.self = context;
  runInNewContext(PREPROCESS_JS, context);
  return context.VoltPreprocess as PagePreprocess;
}

describe('preprocess.js (the bundle page\'s copy of the data layer)', () => {
  const page = loadPageScript();

  it('encodes form rows exactly as applyPreprocessing encodes the same cells', () => {
    const spec = tableSpec();
    const expected = applyPreprocessing(spec, TABLE_ROWS);
    TABLE_ROWS.forEach((cells, i) => {
      const row = Object.fromEntries(spec.columns.map((c, j) => [c, cells[j]!]));
      expect(Array.from(page.encodeRow(spec, row))).toEqual(Array.from(expected.x.subarray(i * expected.width, (i + 1) * expected.width)));
    });
  });

  it('reads missing-value words as the spec says: a category where it lists none, missing in a spec from before the list', () => {
    const spec = markerSpec();
    const expected = applyPreprocessing(spec, MARKER_ROWS);
    MARKER_ROWS.forEach((cells, i) => {
      const row = Object.fromEntries(spec.columns.map((c, j) => [c, cells[j]!]));
      expect(Array.from(page.encodeRow(spec, row)), `row ${i}`).toEqual(Array.from(expected.x.subarray(i * expected.width, (i + 1) * expected.width)));
    });
    // Row 0: "None" is damage=None (not missing) and, in the old-rule column, missing (filled with "x").
    expect(Array.from(expected.x.subarray(0, 8))).toEqual([0, 1, 0, 0, 0, 1, 0, 1]);
    // Row 2: "NA" is an unseen damage category (other), and missing for the old rule.
    expect(Array.from(expected.x.subarray(16, 24))).toEqual([0, 0, 1, 0, 0, 1, 0, 1]);
    // Row 3: a blank cell is missing everywhere.
    expect(Array.from(expected.x.subarray(24, 32))).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    // Targets: "None" is a class, "NA" (listed) and blank are no label, "null" (not listed) an unknown class.
    expect(Array.from(expected.y!)).toEqual([0, 1, -1, -1, -1, -1]);
  });

  it('encodes dates with their calendar parts as applyPreprocessing does', () => {
    const spec = dateSpec();
    const expected = applyPreprocessing(spec, DATE_ROWS);
    DATE_ROWS.forEach((cells, i) => {
      const row = Object.fromEntries(spec.columns.map((c, j) => [c, cells[j] ?? '']));
      expect(Array.from(page.encodeRow(spec, row)), `row ${i}`).toEqual(Array.from(expected.x.subarray(i * expected.width, (i + 1) * expected.width)));
    });
    // 2024-03-04: a Monday in March.
    expect(expected.x[3]).toBeCloseTo((0 - 3) / 2, 6);
    expect(expected.x[2]).toBeCloseTo((3 - 6.5) / 3.4, 6);
  });

  it('treats a column the form does not send as missing', () => {
    const spec = tableSpec();
    const expected = applyPreprocessing(spec, [{ age: '30' }]);
    expect(Array.from(page.encodeRow(spec, { age: '30' }))).toEqual(Array.from(expected.x));
  });

  it('encodes images exactly as encodeImage does', () => {
    for (const [spec, w, h] of [[imageSpec(1), 15, 9], [imageSpec(3), 4, 5], [{ ...imageSpec(3), resize: 'bilinear' as const }, 13, 7], [imageSpec(1), 6, 6]] as const) {
      const img = rgbaPattern(w, h, w * h);
      expect(Array.from(page.encodeImage(spec, img))).toEqual(Array.from(encodeImage(spec, img)));
    }
  });

  it('decodes regression outputs with the target statistics', () => {
    expect(page.decodeRegression({ task: 'regression', mean: 10, std: 2 }, 1.5)).toBe(13);
    expect(page.decodeRegression(null, 1.5)).toBe(1.5);
  });
});
