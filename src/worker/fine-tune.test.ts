// Continue training a re-imported bundle (fine-tuning) through the session, in Node.
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuntimeNode } from '../export/runtime-node';
import { commandResult, Harness, tinyConfig } from './session-fixture';
import { encodingDifferences } from '../data/encode/reencode';
import type { ExportedFile, ImportReport } from './protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const result = commandResult;

const exported = (h: Harness, kind: 'bundle' | 'tfjs'): Promise<ExportedFile> => result(h, { type: 'export', request: { kind } });
const imported = (h: Harness, files: Array<{ path: string; bytes: ArrayBuffer }>): Promise<ImportReport> => result(h, { type: 'importModel', files });

const firstLoss = (h: Harness, runId: string) => h.points(runId).find((p) => p.name === 'train_loss')!.value;
const errorOf = (h: Harness, runId: string) => h.runError(runId)?.message;

describe('continue training an imported bundle', () => {
  it('starts from the bundle’s weights: same metrics at lr≈0, a low first loss, and a card that says so', async () => {
    const h = new Harness({ loadRuntime: async () => loadRuntimeNode() });
    await h.run('r1', { ...tinyConfig, maxSteps: 30 });
    const bundle = await exported(h, 'bundle');
    const imp = await imported(h, [{ path: bundle.fileName, bytes: bundle.bytes }]);
    expect(imp.learningRate).toBe(0.05);

    // A run with a negligible learning rate scores what the imported model scores.
    await h.run('still', { ...tinyConfig, maxSteps: 2, learningRate: 1e-12, initFrom: 'imported' });
    expect(h.statuses('still').at(-1)).toBe('finished');
    const still = h.result('still')!.evaluation!.metrics;
    for (const [k, v] of Object.entries(imp.evaluation!.metrics)) expect(still[k]).toBeCloseTo(v, 4);
    expect(h.ofType('log', 'still').map((l) => l.message).join('\n')).toContain(`starts from the weights of ${bundle.fileName}`);

    // A real fine-tuning run starts where the bundle stopped, far below a fresh model's first loss.
    await h.run('ft', { ...tinyConfig, maxSteps: 10, learningRate: 0.01, initFrom: 'imported' });
    expect(h.statuses('ft').at(-1)).toBe('finished');
    expect(firstLoss(h, 'ft')).toBeLessThan(firstLoss(h, 'r1') * 0.5);

    // Its own bundle names where it started.
    const again = await exported(h, 'bundle');
    const card = new TextDecoder().decode(unzipSync(new Uint8Array(again.bytes))['model-card.md']);
    expect(card).toContain(`Started from the weights of ${bundle.fileName} (fine-tuning).`);
  });

  it('fails the run with a clear reason when nothing fits, and the worker trains the next run', async () => {
    const h = new Harness({ loadRuntime: async () => loadRuntimeNode() });
    await h.run('none', { ...tinyConfig, initFrom: 'imported' });
    expect(h.statuses('none').at(-1)).toBe('failed');
    expect(errorOf(h, 'none')).toBe('`initFrom: "imported"` needs an imported model; load a bundle in the Export step first');

    await h.run('r1', { ...tinyConfig, maxSteps: 20 });
    const files = unzipSync(new Uint8Array((await exported(h, 'tfjs')).bytes));
    const bundle = await exported(h, 'bundle');
    await imported(h, Object.entries(files).map(([path, bytes]) => ({ path, bytes: bytes.slice().buffer })));
    await h.run('bare', { ...tinyConfig, initFrom: 'imported' });
    expect(errorOf(h, 'bare')).toBe('`initFrom: "imported"` needs a bundle .zip (it carries the architecture and recipe); model.json alone can be evaluated and predicted with, not trained further');

    // The run that could not start left the trained model in place: "Try it" still answers.
    const p = await result(h, { type: 'predict', input: { kind: 'features', values: { x1: '1', x2: '1' } } });
    expect(p.probabilities).toHaveLength(2);
    await result(h, { type: 'loadBuiltin', request: { name: 'iris' } });
    await imported(h, [{ path: 'blobs.zip', bytes: bundle.bytes }]);
    await h.run('iris', { ...tinyConfig, dataset: 'iris', initFrom: 'imported' });
    expect(errorOf(h, 'iris')).toMatch(/^the imported model blobs\.zip does not fit iris: x1: column "x1" is missing from the dataset/);

    await h.run('after', { ...tinyConfig, dataset: 'iris', maxSteps: 3 });
    expect(h.statuses('after').at(-1)).toBe('finished');
  });

  it('rejects an unknown initFrom, naming the field', async () => {
    const h = new Harness();
    await h.run('bad', { ...tinyConfig, initFrom: 'checkpoint' as 'imported' });
    expect(errorOf(h, 'bad')).toBe('`initFrom` must be "imported" or absent, got "checkpoint"');
  });
});

describe('encodingDifferences', () => {
  const image = { kind: 'image', version: 1, width: 28, height: 28, channels: 1, resize: 'auto', background: 255, scale: 'unit', labelNames: ['a'] } as const;
  it('names each image setting that differs, and none when the arrays can be reused', () => {
    expect(encodingDifferences(image as never, { ...image } as never)).toEqual([]);
    expect(encodingDifferences(image as never, { ...image, channels: 3, resize: 'area' } as never)).toEqual(['channels: 1 vs 3', 'resize: "auto" vs "area"']);
    expect(encodingDifferences(image as never, { kind: 'table' } as never)).toEqual(['kind: image vs table']);
  });
});
