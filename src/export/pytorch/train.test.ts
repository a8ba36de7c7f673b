/**
 * Runs the exported project's train.py (with lit_module.py and datamodule.py)
 * on the data a user would put next to it, under a Lightning stand-in
 * (fixtures/lightning_stub: the real package cannot be installed here), and
 * checks that it resumes from the browser's weights: the first training loss
 * and the sanity validation loss equal the tfjs model's on the same rows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImages, parseCsvText, prepareTable, type EncodedDataset } from '../../data';
import { decodeTestPng } from '../../data/fixtures/png';
import { layer, type ModelSpec, type RecipeSpec } from '../../models';
import { buildSeeded, specOf } from '../fixtures/models';
import { num, rowsOf, runWithStub, tfLoss, trainTf, type RunRecord } from './fixtures/lightning-run';
import { IMAGE_CLASSES, imageEntries, tableCsv } from './fixtures/training-data';
import { exportPyTorchProject } from './project';
import { needPython, writeFiles } from './torch-env';
import { namedWeights } from './weights';


beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Batch size above every split, so each epoch is one step and the first loss does not depend on the shuffle. */
const FULL_BATCH = '100000';

interface Trained {
  ds: EncodedDataset;
  model: tf.LayersModel;
  dir: string;
  files: ReturnType<typeof exportPyTorchProject>;
}

/** Trains the spec on the dataset's training rows in tfjs and exports the project into a temp folder. */
async function trainAndExport(ds: EncodedDataset, spec: ModelSpec, steps: number, lr: number): Promise<Trained> {
  const model = buildSeeded(spec, ds.inputShape, 7);
  const train = rowsOf(ds, ds.splits.train);
  trainTf(model, spec.recipe.loss, train.x, train.y, steps, lr);
  tf.dispose([train.x, train.y]);
  const files = exportPyTorchProject({
    spec,
    inputShape: ds.inputShape,
    task: ds.task,
    numClasses: ds.labelNames.length,
    preprocessing: ds.spec,
    weights: await namedWeights(model),
    dataset: ds.name,
    split: { validation: 0.2, test: 0.1, seed: 42 },
    splits: ds.splits,
  });
  return { ds, model, files, dir: writeFiles(files, 'volt-train-') };
}

/** The tfjs losses the Python run must start from: train mode on the train rows, eval mode on the validation rows. */
async function browserLosses(t: Trained, train: ArrayLike<number>, validation: ArrayLike<number>, spec: ModelSpec) {
  const v = rowsOf(t.ds, validation);
  const val = await tfLoss(t.model, spec.recipe.loss, v.x, v.y, false);
  const tr = rowsOf(t.ds, train);
  const first = await tfLoss(t.model, spec.recipe.loss, tr.x, tr.y, true);
  tf.dispose([v.x, v.y, tr.x, tr.y]);
  return { first, val };
}

function expectRan(r: ReturnType<typeof runWithStub>): RunRecord {
  expect(r.status, `train.py failed:\n${r.stderr}`).toBe(0);
  expect(r.stdout).toContain('Resuming from the weights trained in the browser');
  expect(r.record).not.toBeNull();
  const rec = r.record!;
  expect(rec.calls).toEqual(['fit', 'prepare_data', 'setup:fit', 'configure_optimizers', 'setup:test']);
  for (const s of rec.steps) expect(Number.isFinite(num(s.loss)), `step ${s.step} loss ${s.loss}`).toBe(true);
  for (const e of rec.epochs) {
    expect(Number.isFinite(num(e.metrics.val_loss)), `epoch ${e.epoch} val_loss`).toBe(true);
    expect(num(e.metrics.val_acc)).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(num(e.metrics.train_loss_epoch))).toBe(true);
  }
  expect(Number.isFinite(num(rec.test?.test_loss))).toBe(true);
  return rec;
}

/** float32 sums in a different order: equal to about 1e-6 relative; 1e-4 leaves room, yet a changed weight or row shows. */
function expectSameLoss(python: number | string | undefined, browser: number): void {
  expect(Math.abs(num(python) - browser), `PyTorch ${python} vs tfjs ${browser}`).toBeLessThanOrEqual(1e-6 + 1e-4 * browser);
}

function withRecipe(spec: ModelSpec, recipe: Partial<RecipeSpec>): ModelSpec {
  return { ...spec, recipe: { ...spec.recipe, ...recipe } };
}

describe('exported train.py, run under a Lightning stand-in', () => {
  it('resumes an MLP on a CSV table from the browser loss, steps the LR per epoch and validates', async (ctx) => {
    needPython(ctx, 'torch');
    const csv = tableCsv(160);
    const ds = prepareTable(parseCsvText(csv, { file: 'people.csv' }).table, { target: 'label', name: 'people.csv' });
    const spec = withRecipe(
      specOf([layer({ kind: 'dense', units: 12, activation: 'relu' }), layer({ kind: 'batchNorm' }), layer({ kind: 'dense', units: 3 })], ds.inputShape),
      { lrSchedule: { type: 'step', stepSize: 1, gamma: 0.5 } },
    );
    const t = await trainAndExport(ds, spec, 60, 0.02);
    expect(t.files['splits.json']).toBeDefined();
    writeFileSync(join(t.dir, 'people.csv'), csv);
    const r = runWithStub(t.dir, ['train.py', 'people.csv', '--epochs', '3', '--batch-size', FULL_BATCH]);
    const rec = expectRan(r);
    // splits.json is the studio's split, so the rows are the same on both sides.
    const ref = await browserLosses(t, ds.splits.train, ds.splits.validation, spec);
    t.model.dispose();
    expect(ref.first).toBeLessThan(0.5 * Math.log(3)); // trained: well under chance level
    expectSameLoss(rec.steps[0]!.loss, ref.first);
    expectSameLoss(rec.sanity.val_loss, ref.val);
    expect(rec.trainer).toMatchObject({ accelerator: 'auto', strategy: 'auto', devices: 'auto', max_epochs: 3, callbacks: ['EarlyStopping'] });
    expect(rec.steps.map((s) => s.lr[0])).toEqual([0.01, 0.005, 0.0025]);
    expect(rec.epochs).toHaveLength(3);
    expect(rec.test!.test_loss).toBeDefined();
  });

  it('resumes a CNN on a folder of PNGs (one subfolder per class), with --devices 0,1 and a one-cycle LR', async (ctx) => {
    needPython(ctx, 'torch');
    const entries = imageEntries(8, 16);
    const loaded = await loadImages(entries, { decode: decodeTestPng, size: 8, channels: 3, source: 'shapes' });
    const ds = loaded.dataset;
    expect(ds.labelNames).toEqual([...IMAGE_CLASSES]);
    const spec = withRecipe(
      specOf(
        [
          layer({ kind: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }),
          layer({ kind: 'batchNorm' }),
          layer({ kind: 'maxPool2d', poolSize: 2 }),
          layer({ kind: 'flatten' }),
          layer({ kind: 'dense', units: 3 }),
        ],
        ds.inputShape,
      ),
      { lrSchedule: { type: 'oneCycle', pctStart: 0.3 } },
    );
    const t = await trainAndExport(ds, spec, 20, 0.005);
    // The studio's image rows are in upload order, which a folder on disk does not keep: no splits.json.
    expect(t.files['splits.json']).toBeUndefined();
    for (const e of entries) {
      mkdirSync(join(t.dir, 'shapes', dirname(e.path)), { recursive: true });
      writeFileSync(join(t.dir, 'shapes', e.path), e.bytes);
    }
    const r = runWithStub(t.dir, ['train.py', 'shapes', '--epochs', '4', '--batch-size', FULL_BATCH, '--devices', '0,1']);
    const rec = expectRan(r);
    // datamodule.py's own seeded split, over the rows in the order it reads them (= the entries' order here).
    const split = runWithStub(t.dir, ['-c', `import json, datamodule; print(json.dumps({k: v.tolist() for k, v in datamodule.split_indices(${ds.y.length}, 0.2, 0.1, 42).items()}))`]);
    expect(split.status, split.stderr).toBe(0);
    const rows = JSON.parse(split.stdout) as { train: number[]; validation: number[] };
    const ref = await browserLosses(t, rows.train, rows.validation, spec);
    t.model.dispose();
    expect(ref.first).toBeLessThan(0.5 * Math.log(3));
    expectSameLoss(rec.steps[0]!.loss, ref.first);
    expectSameLoss(rec.sanity.val_loss, ref.val);
    // Two GPUs given as a list still mean DistributedDataParallel (the stand-in records and ignores it).
    expect(rec.trainer).toMatchObject({ strategy: 'ddp', devices: '0,1', max_epochs: 4 });
    // One cycle over exactly the 4 steps: starts at lr / 25, peaks, comes down.
    const lrs = rec.steps.map((s) => s.lr[0]!);
    expect(lrs).toHaveLength(4);
    expect(lrs[0]).toBeCloseTo(spec.recipe.optimizer.lr / 25, 8);
    expect(Math.max(...lrs)).toBeGreaterThan(lrs[0]!);
    expect(lrs[3]!).toBeLessThan(Math.max(...lrs));
  });
});
