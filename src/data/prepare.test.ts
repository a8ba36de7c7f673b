import { describe, expect, it } from 'vitest';
import { prepareTable } from './prepare';
import { parseCsvText } from './csv/parse';
import { buildReport } from './csv/report';
import { DataError } from './errors';
import { fixtureBytes, fixtureText } from './fixtures/read';
import { loadCsv } from './csv/load';
import type { NumericFeature } from './encode/spec';

function load(name: string) {
  const parsed = parseCsvText(fixtureText(name), { file: name });
  return { table: parsed.table, report: buildReport(parsed.table, parsed.warnings) };
}

function thrown(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('prepareTable', () => {
  it('builds a classification dataset with encoded features, labels and a stratified split', () => {
    const { table, report } = load('people.csv');
    const ds = prepareTable(table, { target: 'plan', split: { validation: 0.25, test: 0.25, seed: 3 } }, report);
    expect(ds.task).toBe('classification');
    expect(ds.labelNames).toEqual(['basic', 'pro']);
    expect(ds.y).toBeInstanceOf(Int32Array);
    expect(ds.y.length).toBe(12);
    expect(ds.inputShape[0]).toBe(ds.spec.kind === 'table' ? ds.spec.featureNames.length : -1);
    expect(ds.x.length).toBe(12 * (ds.inputShape[0] as number));
    expect([ds.splits.train.length, ds.splits.validation.length, ds.splits.test.length]).toEqual([6, 3, 3]);
    // Standardised on training rows: training mean of a standardised column is 0.
    if (ds.spec.kind !== 'table') throw new Error('table spec expected');
    const ageAt = ds.spec.featureNames.indexOf('age');
    const width = ds.inputShape[0] as number;
    const trainAges = [...ds.splits.train].map((i) => ds.x[i * width + ageAt] as number);
    const age = ds.spec.features.find((f) => f.column === 'age') as NumericFeature;
    // Missing and unreadable ages get the training mean, i.e. 0 once standardised.
    expect(trainAges.every((v) => Number.isFinite(v))).toBe(true);
    expect(trainAges.reduce((a, b) => a + b, 0) / trainAges.length).toBeCloseTo(0, 5);
    const trainRaw = [...ds.splits.train].map((i) => Number(table.rows[i]![1])).filter((v) => Number.isFinite(v) && v > 0);
    expect(age.mean).toBeCloseTo(trainRaw.reduce((a, b) => a + b, 0) / trainRaw.length, 5);
    expect(ds.spec.dropped.map((d) => d.column).sort()).toEqual(['comment', 'id']);
    expect(ds.warnings.some((w) => w.column === 'age' && w.rows?.includes(12))).toBe(true);
  });

  it('drops rows without a regression target and lists them', () => {
    const { table, report } = load('people.csv');
    const ds = prepareTable(table, { target: 'income', split: { validation: 0.2, test: 0, seed: 1 } }, report);
    expect(ds.task).toBe('regression');
    expect(ds.y).toBeInstanceOf(Float32Array);
    expect(ds.y.length).toBe(11);
    const w = ds.warnings.find((x) => x.column === 'income');
    expect(w?.rows).toEqual([6]);
    expect(w?.message).toContain('row 6, column "income"');
  });

  it('reads decimal-comma and date regression targets the way the report read them', async () => {
    const text = 'x;price;when\n1;3,5;2020-01-02\n2;4,25;2020-01-03\n3;5;2020-01-04\n4;6,5;2020-01-05\n5;7;2020-01-06\n';
    const loaded = await loadCsv(text, { file: 'eu.csv' });
    const ds = prepareTable(loaded.table, { target: 'price', task: 'regression', split: { validation: 0.2, test: 0, seed: 1 } }, loaded.report);
    expect(Array.from(ds.y)).toEqual([3.5, 4.25, 5, 6.5, 7]);
    const byDate = prepareTable(loaded.table, { target: 'when', task: 'regression', split: { validation: 0.2, test: 0, seed: 1 } }, loaded.report);
    expect(Array.from(byDate.y)).toEqual([18263, 18264, 18265, 18266, 18267]);
  });

  it('rejects a target with one class, naming file and column', () => {
    const { table } = load('one-class.csv');
    const err = thrown(() => prepareTable(table, { target: 'label' }));
    expect(err.column).toBe('label');
    expect(err.message).toContain('file "one-class.csv", column "label": the target has only one class (found "same")');
    expect(err.expected).toContain('at least two');
  });

  it('rejects a target with more classes than the rows allow', () => {
    const { table } = load('too-many-classes.csv');
    const err = thrown(() => prepareTable(table, { target: 'label' }));
    expect(err.message).toContain('file "too-many-classes.csv", column "label": the target has 6 classes for 6 rows');
    expect(err.expected).toContain('at most 3 classes');
  });

  it('rejects a regression target without numbers', () => {
    const { table } = load('people.csv');
    const err = thrown(() => prepareTable(table, { target: 'city', task: 'regression' }));
    expect(err.row).toBe(2);
    expect(err.found).toBe('"Paris"');
    expect(err.message).toContain('column "city"');
  });

  it('rejects a table with no usable feature', () => {
    const err = thrown(() =>
      prepareTable({ file: 'f.csv', columns: ['k', 'y'], rows: [['1', 'a'], ['1', 'b'], ['1', 'a'], ['1', 'b']], rowNumbers: [2, 3, 4, 5] }, { target: 'y', split: { validation: 0.25, test: 0, seed: 1 } }),
    );
    expect(err.message).toContain('no column can be used as a feature');
    expect(err.found).toContain('"k"');
  });

  it('refuses when the encoded features would not fit the memory budget', () => {
    const { table, report } = load('people.csv');
    const err = thrown(() => prepareTable(table, { target: 'plan', memoryBudget: 100 }, report));
    expect(err.message).toMatch(/file "people.csv": encoding 12 rows into \d+ features would need about \d+ B/);
    expect(err.expected).toContain('at most 100 B');
  });

  it('loadCsv parses, reports and suggests a target in one call', async () => {
    const loaded = await loadCsv(fixtureBytes('people.csv'), { file: 'people.csv' });
    expect(loaded.report.columns).toHaveLength(8);
    expect(loaded.target?.column).toBe('plan');
    expect(loaded.target?.task).toBe('classification');
    expect(loaded.warnings.some((w) => w.column === 'age')).toBe(true);
    const ds = prepareTable(loaded.table, { target: 'plan' }, loaded.report);
    expect(ds.y.length).toBe(12);
  });

  it('names the columns when the target is unknown', () => {
    const { table } = load('tabs.tsv');
    expect(() => prepareTable(table, { target: 'z' })).toThrow('`target` must be one of the columns ("x", "y", "class"), got "z"');
  });
});

describe('missing-value words (storm-damage.csv: "None" means no damage)', () => {
  it('keeps a categorical target\'s "None" rows as a class, and says so', () => {
    const { table, report } = load('storm-damage.csv');
    const ds = prepareTable(table, { target: 'damage' }, report);
    // 400 rows, 11 with an empty damage cell: only those are dropped.
    expect(ds.y.length).toBe(389);
    expect(ds.labelNames).toEqual(['Major', 'Minor', 'None']);
    const counts = [0, 0, 0];
    for (const k of ds.y) counts[k]! += 1;
    expect(counts).toEqual([35, 81, 273]);
    const text = ds.warnings.map((w) => w.message);
    expect(text.find((m) => m.includes('no usable target value'))).toContain('11 row(s) have no usable target value (empty ×11)');
    expect(text.find((m) => m.includes('"damage"') && m.includes('kept as'))).toContain('"None" ×273 kept as a category, not as missing values');
    // In the numeric column the words are missing, quoted with their counts.
    expect(text.find((m) => m.includes('"wind_kmh"'))).toContain('20 cell(s) read as missing: "?" ×13, "NA" ×7');
  });

  it('reads the words as missing in a column the user marks', () => {
    const { table, report } = load('storm-damage.csv');
    const ds = prepareTable(table, { target: 'damage', markersAsMissing: ['damage'] }, report);
    expect(ds.y.length).toBe(116);
    expect(ds.labelNames).toEqual(['Major', 'Minor']);
    expect(ds.warnings.map((w) => w.message).find((m) => m.includes('no usable target value'))).toContain('284 row(s) have no usable target value ("None" ×273, empty ×11)');
  });

  it('one-hot encodes "None" in a categorical feature unless marked missing; old specs keep the old rule', () => {
    const csv = ['kind,color,y', ...Array.from({ length: 40 }, (_, i) => `${['None', 'None', 'scratch', 'dent'][i % 4]},${i % 2 ? 'red' : 'blue'},${i % 3 ? 'a' : 'b'}`)].join('\n');
    const parsed = parseCsvText(csv, { file: 'kinds.csv' });
    const report = buildReport(parsed.table);
    const kind = report.columns.find((c) => c.name === 'kind')!;
    expect(kind).toMatchObject({ type: 'categorical', missing: 0, unique: 3, markers: [{ value: 'None', count: 20 }], markersMissing: false });
    const ds = prepareTable(parsed.table, { target: 'y' }, report);
    const f = ds.spec.kind === 'table' ? ds.spec.features.find((x) => x.column === 'kind') : undefined;
    expect(f).toMatchObject({ kind: 'categorical', categories: ['dent', 'None', 'scratch'], missing: [] });
    const marked = prepareTable(parsed.table, { target: 'y', markersAsMissing: ['kind'] }, report);
    const g = marked.spec.kind === 'table' ? marked.spec.features.find((x) => x.column === 'kind') : undefined;
    expect(g).toMatchObject({ categories: ['dent', 'scratch'] });
    expect((g as { missing: string[] }).missing).toContain('none');
  });
});
