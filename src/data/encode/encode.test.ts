import { describe, expect, it } from 'vitest';
import { fitPreprocessing } from './fit';
import { applyPreprocessing, decodeRegression, unreadableCell } from './apply';
import { checkSpec, type CategoricalFeature, type NumericFeature } from './spec';
import type { RawTable } from '../types';

function table(columns: string[], rows: string[][]): RawTable {
  return { file: 't.csv', columns, rows, rowNumbers: rows.map((_, i) => i + 2) };
}

const numericTable = table(
  ['a', 'const', 'y'],
  [
    ['1', '7', 'p'],
    ['3', '7', 'q'],
    ['', '7', 'p'],
    ['100', '7', 'q'], // only in validation: must not move the mean
  ],
);

describe('fitPreprocessing', () => {
  it('standardises with training statistics only and imputes the training mean', () => {
    const spec = fitPreprocessing(numericTable, { target: 'y' }, [0, 1, 2]);
    const a = spec.features[0] as NumericFeature;
    expect(a.mean).toBe(2);
    expect(a.std).toBe(1);
    expect(a.fill).toBe(2);
    const { x } = applyPreprocessing(spec, numericTable.rows);
    expect(Array.from(x)).toEqual([-1, 1, 0, 98]);
  });

  it('drops a constant column with a note', () => {
    const spec = fitPreprocessing(numericTable, { target: 'y' }, [0, 1, 2]);
    expect(spec.features.map((f) => f.column)).toEqual(['a']);
    expect(spec.dropped).toEqual([{ column: 'const', reason: 'the same value (7) in every training row' }]);
    expect(spec.notes.join(' ')).toContain('"const" left out');
  });

  it('adds missing indicators when asked, and imputes the median when asked', () => {
    const spec = fitPreprocessing(numericTable, { target: 'y', missingIndicators: true, numericImpute: 'median', standardize: false }, [0, 1, 2]);
    expect(spec.featureNames).toEqual(['a', 'a (missing)']);
    const { x, width } = applyPreprocessing(spec, numericTable.rows);
    expect(width).toBe(2);
    expect(Array.from(x)).toEqual([1, 0, 3, 0, 2, 1, 100, 0]);
  });

  it('one-hot encodes categories, buckets rare ones, and sends unseen ones to (other)', () => {
    const cities = ['Paris', 'Paris', 'Paris', 'Berlin', 'Berlin', 'Berlin', 'Rome', '', 'Oslo', 'Paris'];
    const t = table(['city', 'y'], cities.map((c, i) => [c, String(i % 2)]));
    // 10 training rows, rareFraction 0.15 → categories need 2 rows.
    const spec = fitPreprocessing(t, { target: 'y', rareFraction: 0.15 }, [...cities.keys()]);
    const city = spec.features[0] as CategoricalFeature;
    expect(city.categories).toEqual(['Berlin', 'Paris']);
    expect(city.other).toBe(true);
    expect(city.fill).toBe('Paris');
    expect(spec.featureNames).toEqual(['city=Berlin', 'city=Paris', 'city=(other)']);
    expect(spec.notes.join(' ')).toContain('2 rare categories grouped as (other)');
    const { x } = applyPreprocessing(spec, [['Berlin'], ['Rome'], [''], ['Tokyo']]);
    expect(Array.from(x)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1]);
  });

  it('keeps only training categories', () => {
    const t = table(['c', 'y'], [['a', '0'], ['b', '1'], ['a', '0'], ['zz', '1']]);
    const spec = fitPreprocessing(t, { target: 'y', rareFraction: 0 }, [0, 1, 2]);
    expect((spec.features[0] as CategoricalFeature).categories).toEqual(['a', 'b']);
    expect((spec.features[0] as CategoricalFeature).other).toBe(false);
    expect(Array.from(applyPreprocessing(spec, [['zz']]).x)).toEqual([0, 0]);
  });

  it('encodes booleans as 0/1 and dates as standardised days; leaves out text and ids', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [String(i + 1), i % 2 ? 'yes' : 'no', `2020-01-0${(i % 9) + 1}`, `free text number ${i}`, String(i % 2)]);
    const t = table(['id', 'flag', 'when', 'note', 'y'], rows);
    const spec = fitPreprocessing(t, { target: 'y' }, [...rows.keys()]);
    expect(spec.features.map((f) => [f.column, f.kind === 'numeric' ? f.read : 'cat'])).toEqual([
      ['flag', 'boolean'],
      ['when', 'date'],
    ]);
    expect(spec.dropped.map((d) => d.column)).toEqual(['id', 'note']);
    const { x } = applyPreprocessing(spec, [{ flag: 'yes', when: '2020-01-05' }]);
    expect(x[0]).toBe(1);
    const when = spec.features[1] as NumericFeature;
    expect(x[1]).toBeCloseTo((18266 - when.mean) / when.std, 4);
  });

  it('includes an excluded column as categorical when asked, and honours exclude and type overrides', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [`c${i % 3}x${i}`, String(i % 4), String(i % 2)]);
    const t = table(['code', 'level', 'y'], rows);
    const spec = fitPreprocessing(t, { target: 'y', include: ['code'], types: { level: 'categorical' }, rareFraction: 0 }, [...rows.keys()]);
    expect(spec.features.map((f) => [f.column, f.kind])).toEqual([
      ['code', 'categorical'],
      ['level', 'categorical'],
    ]);
    const excluded = fitPreprocessing(t, { target: 'y', exclude: ['level'] }, [...rows.keys()]);
    expect(excluded.dropped).toContainEqual({ column: 'level', reason: 'excluded by the user' });
    expect(() => fitPreprocessing(t, { target: 'nope' }, [0])).toThrow('`target` must name columns of the table, got "nope"');
  });

  it('encodes targets: class indices in natural order, regression optionally standardised', () => {
    const t = table(['x', 'digit', 'v'], [['1', '10', '2'], ['2', '2', '4'], ['3', '1', '6'], ['4', '2', '']]);
    const cls = fitPreprocessing(t, { target: 'digit', task: 'classification' }, [0, 1, 2, 3]);
    expect(cls.target).toEqual({ column: 'digit', task: 'classification', classes: ['1', '2', '10'], missing: ['na', 'n/a', 'nan', 'null', 'none', '?', '#n/a', 'missing'] });
    expect(Array.from(applyPreprocessing(cls, t.rows).y ?? [])).toEqual([2, 1, 0, 1]);
    const reg = fitPreprocessing(t, { target: 'v', task: 'regression', standardizeTarget: true }, [0, 1, 2]);
    const y = applyPreprocessing(reg, t.rows).y as Float32Array;
    expect(y[1]).toBeCloseTo(0);
    expect(Number.isNaN(y[3])).toBe(true);
    expect(decodeRegression(reg.target!, y[2] as number)).toBeCloseTo(6);
  });

  it('produces a JSON round-trippable spec that encodes records and arrays alike', () => {
    const spec = fitPreprocessing(numericTable, { target: 'y' }, [0, 1, 2]);
    const back = checkSpec(JSON.parse(JSON.stringify(spec)));
    expect(back).toEqual(spec);
    if (back.kind !== 'table') throw new Error('table spec expected');
    const fromRecords = applyPreprocessing(back, [{ a: 3, y: 'q' }, { a: null }]);
    expect(Array.from(fromRecords.x)).toEqual([1, 0]);
    expect(fromRecords.y).not.toBeNull();
    expect(applyPreprocessing(back, [{ a: 3 }]).y).toBeNull();
    expect(() => checkSpec({ kind: 'table', version: 9 })).toThrow('`spec.version` must be 1, got 9');
  });
});

describe('unreadableCell (what "Try it" refuses)', () => {
  const t = table(['n', 'd', 'b', 'c', 'y'], [
    ['1', '2020-01-02', 'yes', 'a', 'p'],
    ['2,5', '2020-03-04', 'no', 'b', 'q'],
    ['3', '2021-05-06', 'yes', 'a', 'p'],
  ]);
  const spec = fitPreprocessing(t, { target: 'y', types: { n: 'numeric' } }, [0, 1, 2]);

  it('names the first number, date or yes/no cell that does not read, with what was expected', () => {
    expect(unreadableCell(spec, { n: 'abc', d: '2020-01-01', b: 'yes', c: 'a' })).toEqual({ column: 'n', found: 'abc', expected: 'a number' });
    expect(unreadableCell(spec, { n: '4', d: '31/31/2020', b: 'yes' })).toEqual({ column: 'd', found: '31/31/2020', expected: 'a date such as 2020-12-31' });
    expect(unreadableCell(spec, { n: '4', d: '2020-01-01', b: 'maybe' })).toEqual({ column: 'b', found: 'maybe', expected: 'yes or no' });
  });

  it('accepts readable, blank and missing-word cells, and any category text', () => {
    expect(unreadableCell(spec, { n: '4.5', d: '2020-01-01', b: 'no', c: 'never seen' })).toBeNull();
    expect(unreadableCell(spec, { n: '', d: 'NA', b: '' })).toBeNull();
    expect(unreadableCell(spec, {})).toBeNull();
  });
});

describe('date features', () => {
  // 2024-03-04 is a Monday; 2023-12-31 a Sunday.
  const t = table(['when', 'y'], [
    ['2024-03-04', 'a'],
    ['2023-12-31', 'b'],
    ['2022-07-15', 'a'],
    ['2021-01-01', 'b'],
  ]);
  const spec = fitPreprocessing(t, { target: 'y', standardize: false }, [0, 1, 2, 3]);

  it('give days since 1970, year, month and day of week, and say so in the notes', () => {
    expect(spec.featureNames).toEqual(['when', 'when (year)', 'when (month)', 'when (day of week)']);
    expect(spec.notes).toContain('"when": a date, given to the model as days since 1970 and year, month, day of week (Monday 0 … Sunday 6)');
    const x = Array.from(applyPreprocessing(spec, [['2024-03-04', ''], ['2023-12-31', '']]).x);
    expect(x).toEqual([19786, 2024, 3, 0, 19722, 2023, 12, 6]);
  });

  it('fill each part of a missing date with its training mean', () => {
    const x = Array.from(applyPreprocessing(spec, [['', '']]).x);
    const f = spec.features[0] as NumericFeature;
    expect(x).toEqual([f.fill, ...f.dateParts!.map((p) => p.fill)].map(Math.fround));
    expect(f.dateParts!.map((p) => p.fill)).toEqual([(2024 + 2023 + 2022 + 2021) / 4, (3 + 12 + 7 + 1) / 4, (0 + 6 + 4 + 4) / 4]);
  });

  it('leave out a part that never changes (all in one year)', () => {
    const one = fitPreprocessing(table(['when', 'y'], [['2024-01-01', 'a'], ['2024-02-03', 'b'], ['2024-05-09', 'a']]), { target: 'y' }, [0, 1, 2]);
    expect(one.featureNames).toEqual(['when', 'when (month)', 'when (day of week)']);
  });
});
