import * as tf from '@tensorflow/tfjs';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPreprocessing } from '../data';
import { layer } from '../models';
import { buildBundle, bundleFileName, bundleFiles, readBundle, type BundleInput } from './bundle';
import type { CardInfo } from './card';
import { buildSeeded, specOf } from './fixtures/models';
import { EVIL, TABLE_ROWS, tableSpec } from './fixtures/specs';
import { readText } from './model-files';
import { loadRuntimeNode } from './runtime-node';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const runtime = loadRuntimeNode();
const decode = (b: Uint8Array | undefined) => readText(b!);

function tableInput(quantize?: 'uint8'): BundleInput {
  const spec = specOf([layer({ id: 'a', kind: 'dense', units: 8, activation: 'relu' }), layer({ id: 'b', kind: 'dense', units: 3 })], [12]);
  spec.recipe.seed = 7;
  const card: CardInfo = {
    dataset: `people ${EVIL}.csv`,
    task: 'classification',
    inputShape: [12],
    numClasses: 3,
    split: { train: 70, validation: 20, test: 10 },
    testMetrics: { test_loss: 0.4321, test_acc: 0.9 },
    backend: 'webgpu',
    trainingTimeMs: 12_345,
    epochs: 4,
    createdAt: '2025-01-02T03:04:05.000Z',
  };
  const history = [
    { step: 10, epoch: 0, train_loss_step: 1.2 },
    { step: 20, epoch: 0, val_loss: 0.9, [EVIL]: 1, 'a,b': 2 },
  ];
  return { model: buildSeeded(spec, [12], 4), spec, preprocessing: tableSpec(), history, card, runtime, ...(quantize ? { quantize } : {}) };
}

async function predictRows(model: tf.LayersModel): Promise<Float32Array> {
  const enc = applyPreprocessing(tableSpec(), TABLE_ROWS);
  const x = tf.tensor(enc.x, [enc.count, enc.width]);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}

describe('buildBundle', () => {
  it('zips the model files, preprocessing, card, metrics, page, scripts and the local tfjs runtime', async () => {
    const input = tableInput();
    const { zip, fileName, files } = await buildBundle(input);
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(files);
    expect(files).toEqual(
      ['bundle.json', 'group1-shard1of1.bin', 'index.html', 'metrics.csv', 'model-card.md', 'model.json', 'predict.js', 'preprocess.js', 'preprocessing.json', 'tf-setup.js', 'tf.min.js'].sort(),
    );
    for (const name of files) expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    expect(fileName).toBe('people_img_src_x_onerror_alert_1-model.zip');
    expect(entries['tf.min.js']).toEqual(runtime);
    expect(JSON.parse(decode(entries['preprocessing.json']))).toEqual(tableSpec());
    const manifest = JSON.parse(decode(entries['bundle.json']));
    expect(manifest.model).toEqual({ inputShape: [12], task: 'classification', output: 'softmax', labels: ['basic', 'pro', '<script>alert(2)</script>'], target: 'plan', quantization: null });
    expect(manifest.files).toEqual(files);
    input.model.dispose();
  });

  it('writes a model card with the data, architecture, recipe, metrics, backend and time', async () => {
    const input = tableInput();
    const card = decode((await bundleFiles(input))['model-card.md']);
    input.model.dispose();
    expect(card).toContain('Split: 70 train / 20 validation / 10 test.');
    expect(card).toContain('| 0 | layers.0 | Dense | [8] | 104 |');
    expect(card).toContain('| 1 | layers.1 | Dense | [3] | 27 |');
    expect(card).toContain('Parameters: 131 (131), 131 trainable, 0 non-trainable');
    expect(card).toContain('Loss: crossEntropy; optimizer: adam (lr 0.01, weight decay 0).');
    expect(card).toContain('- Seed: 7.');
    expect(card).toContain('| test\\_acc | 0.9 |');
    expect(card).toContain('| test\\_loss | 0.4321 |');
    expect(card).toContain('- Backend: webgpu.');
    expect(card).toContain('- Training time: 12.3 s.');
    expect(card).toContain('Dataset: people &lt;img src=x onerror=alert\\(1\\)&gt;.csv');
    expect(card).not.toContain('<img');
    expect(card).not.toContain('<script>');
    expect(card).not.toContain('Augmentation');
  });

  it('names the training-time augmentation in the card when the run had one', async () => {
    const input = tableInput();
    input.card = { ...input.card, augmentation: { flipHorizontal: true, flipVertical: false, maxShift: 0.1, maxRotation: 15, maxBrightness: 0 } };
    const card = decode((await bundleFiles(input))['model-card.md']);
    input.model.dispose();
    expect(card).toContain('- Augmentation of training batches: horizontal flip, shift ±10%, rotation ±15°.');
  });

  it('writes the history as CSV with step and epoch first and quoted odd names', async () => {
    const input = tableInput();
    const csv = decode((await bundleFiles(input))['metrics.csv']);
    input.model.dispose();
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(`step,epoch,${EVIL},"a,b",train_loss_step,val_loss`);
    expect(lines[1]).toBe('10,0,,,1.2,');
    expect(lines[2]).toBe('20,0,1,2,,0.9');
  });

  it('puts no user string into the page or its scripts, which load only local files', async () => {
    const input = tableInput();
    const files = await bundleFiles(input);
    input.model.dispose();
    const html = decode(files['index.html']);
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('people &lt;img src=x onerror=alert(1)&gt;.csv · Volt Studio model');
    expect(html).toContain('script-src &#39;self&#39;');
    expect([...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])).toEqual(['tf-setup.js', 'tf.min.js', 'preprocess.js', 'predict.js']);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    for (const script of ['predict.js', 'preprocess.js', 'tf-setup.js']) {
      const js = decode(files[script]);
      expect(js).not.toContain('innerHTML');
      expect(js).not.toContain('insertAdjacentHTML');
      expect(js).not.toContain('document.write');
      expect(js).not.toContain('plan');
      expect(js).not.toMatch(/https?:\/\//);
    }
  });

  it('refuses preprocessing that does not fit the model, and a missing runtime', async () => {
    const input = tableInput();
    await expect(bundleFiles({ ...input, runtime: new Uint8Array(0) })).rejects.toThrow('`runtime` must hold the bytes of tf.min.js');
    const narrow = { ...tableSpec(), featureNames: ['age'] };
    await expect(bundleFiles({ ...input, preprocessing: narrow })).rejects.toThrow('`preprocessing` produces 1 values per example but the model takes [12]');
    input.model.dispose();
  });

  it('names the zip after the dataset without any folder part', () => {
    expect(bundleFileName('../../etc/passwd.csv')).toBe('passwd-model.zip');
    expect(bundleFileName('..')).toBe('volt-model.zip');
    expect(bundleFileName('MNIST')).toBe('MNIST-model.zip');
  });
});

describe('readBundle', () => {
  it('re-imports a bundle with the same predictions, spec, card and preprocessing', async () => {
    const input = tableInput();
    const { zip } = await buildBundle(input);
    const back = await readBundle(zip);
    expect(await predictRows(back.model)).toEqual(await predictRows(input.model));
    expect(back.spec).toEqual(input.spec);
    expect(back.preprocessing).toEqual(tableSpec());
    expect(back.card).toEqual(input.card);
    expect(back.manifest?.model.output).toBe('softmax');
    back.model.dispose();
    input.model.dispose();
  });

  it('reads a quantised bundle within the quantisation error, and a bundle zipped inside a folder', async () => {
    const input = tableInput('uint8');
    const files = await bundleFiles(input);
    const nested = zipSync(Object.fromEntries(Object.entries(files).map(([n, b]) => [`my-model/${n}`, b])));
    const back = await readBundle(nested);
    expect(back.manifest?.model.quantization).toBe('uint8');
    const a = await predictRows(back.model);
    const b = await predictRows(input.model);
    const err = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(0.05);
    back.model.dispose();
    input.model.dispose();
  });

  it('names what is missing', async () => {
    const input = tableInput();
    const files = await bundleFiles(input);
    input.model.dispose();
    const without = (name: string) => zipSync(Object.fromEntries(Object.entries(files).filter(([n]) => n !== name)));
    await expect(readBundle(without('preprocessing.json'))).rejects.toThrow('the bundle has no `preprocessing.json`');
    await expect(readBundle(without('bundle.json'))).rejects.toThrow('the bundle has no `bundle.json`');
    await expect(readBundle(without('group1-shard1of1.bin'))).rejects.toThrow('weight shard `group1-shard1of1.bin` (listed in model.json) is missing');
    await expect(readBundle(without('model.json'))).rejects.toThrow('the bundle has no `model.json`');
    await expect(readBundle(new Uint8Array([1, 2, 3]))).rejects.toThrow('the bundle is not a readable zip file');
  });
});
