import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, encodeImage, encodeTargetCell, type ImageSpec, type TableSpec } from '../../data';
import { dateSpec, DATE_ROWS, imageSpec, markerSpec, MARKER_ROWS, rgbaPattern, tableSpec, TABLE_ROWS } from '../fixtures/specs';
import { PREPROCESSING_PY } from './python-preprocessing';
import { needPython, runPython, writeFiles } from './torch-env';

function runPort(script: string, input: unknown): unknown {
  const dir = writeFiles({ 'preprocessing.py': PREPROCESSING_PY, 'input.json': JSON.stringify(input) }, 'volt-prep-');
  writeFileSync(join(dir, 'run.py'), `import json, math\nfrom preprocessing import *\ncase = json.load(open("input.json"))\n${script}`);
  const r = runPython(['run.py'], dir);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e)) expect(a, `index ${i}`).toBeNaN();
    else expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)));
  }
}

/** `rows` (in the spec's column order) through the port's encode_row and, with a target, encode_target. */
function encodeInPython(spec: TableSpec, cells: string[][]): { x: number[][]; y: number[] } {
  const rows = cells.map((r) => Object.fromEntries(spec.columns.map((c, j) => [c, r[j]!])));
  return runPort(
    `rows = case["rows"]; spec = case["spec"]
x = [encode_row(spec, r) for r in rows]
y = [encode_target(spec["target"], r.get(spec["target"]["column"])) for r in rows]
print(json.dumps({"x": x, "y": y}))`,
    { spec, rows },
  ) as { x: number[][]; y: number[] };
}

describe('preprocessing.py (the Python port of the data layer)', () => {
  it('encodes table rows and targets as applyPreprocessing does', (ctx) => {
    needPython(ctx, 'python');
    const spec = tableSpec();
    const out = encodeInPython(spec, TABLE_ROWS);
    const ts = applyPreprocessing(spec, TABLE_ROWS);
    expectClose(out.x.flat(), ts.x, 1e-6);
    expect(out.y).toEqual(Array.from(ts.y!));
    // The awkward cells matter: a missing age, a day-first date, a decimal comma, an unseen city.
    expect(ts.x[1 * ts.width + 1]).toBe(1);
    expect(out.x[2]![8]).toBe(1);
  });

  it('reads missing-value words as the spec lists them, as applyPreprocessing does', (ctx) => {
    needPython(ctx, 'python');
    const spec = markerSpec();
    const out = encodeInPython(spec, MARKER_ROWS);
    const ts = applyPreprocessing(spec, MARKER_ROWS);
    expectClose(out.x.flat(), ts.x, 0);
    expect(out.y).toEqual(Array.from(ts.y!));
  });

  it('encodes dates with their calendar parts as applyPreprocessing does', (ctx) => {
    needPython(ctx, 'python');
    const spec = dateSpec();
    const rows = DATE_ROWS.map((r) => Object.fromEntries(spec.columns.map((c, j) => [c, r[j] ?? ''])));
    const out = runPort(
      `rows = case["rows"]; spec = case["spec"]
print(json.dumps({"x": [encode_row(spec, r) for r in rows]}))`,
      { spec, rows },
    ) as { x: number[][] };
    expectClose(out.x.flat(), applyPreprocessing(spec, DATE_ROWS).x, 1e-6);
  });

  it('reads regression targets, dates and decimal commas the same way', (ctx) => {
    needPython(ctx, 'python');
    const target = { column: 'v', task: 'regression' as const, mean: 10, std: 4, decimalComma: true };
    const cells = ['12,5', '-3', '', 'x', '1e2'];
    const dateTarget = { column: 'd', task: 'regression' as const, mean: 0, std: 1, read: 'date' as const, dayFirst: true };
    const dates = ['2021-03-09T10:30:00Z', '03/04/2020', '31/02/2020', '2020/1/2'];
    const out = runPort(
      `def clean(v): return None if isinstance(v, float) and math.isnan(v) else v
print(json.dumps({"v": [clean(encode_target(case["t"], c)) for c in case["cells"]], "d": [clean(encode_target(case["dt"], c)) for c in case["dates"]]}))`,
      { t: target, cells, dt: dateTarget, dates },
    ) as { v: Array<number | null>; d: Array<number | null> };
    const nanToNull = (v: number) => (Number.isNaN(v) ? null : v);
    expect(out.v).toEqual(cells.map((c) => nanToNull(encodeTargetCell(target, c))));
    expect(out.d).toEqual(dates.map((c) => nanToNull(encodeTargetCell(dateTarget, c))));
  });

  it('encodes images as encodeImage does (area when shrinking, bilinear when enlarging, grey and RGB)', (ctx) => {
    needPython(ctx, 'numpy');
    const cases: Array<{ spec: ImageSpec; w: number; h: number }> = [
      { spec: imageSpec(1), w: 15, h: 9 },
      { spec: imageSpec(3), w: 4, h: 5 },
      { spec: { ...imageSpec(3), resize: 'bilinear', background: 0 }, w: 13, h: 7 },
    ];
    const images = cases.map((c, i) => rgbaPattern(c.w, c.h, i + 3));
    const out = runPort(
      `import numpy as np
res = []
for c in case:
    rgba = np.array(c["data"], dtype=np.uint8).reshape(c["h"], c["w"], 4)
    res.append(encode_image(c["spec"], rgba).reshape(-1).tolist())
print(json.dumps(res))`,
      cases.map((c, i) => ({ ...c, data: Array.from(images[i]!.data) })),
    ) as number[][];
    cases.forEach((c, i) => {
      const ts = encodeImage(c.spec, images[i]!);
      expect(ts.length).toBe(c.spec.width * c.spec.height * c.spec.channels);
      expectClose(out[i]!, ts, 1e-5);
    });
  });
});
