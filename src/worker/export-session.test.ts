// The session's export commands in Node: files, bundle, variants, re-import and predictions with the imported model.
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuntimeNode } from '../export/runtime-node';
import { commandResult, Harness, tinyConfig } from './session-fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const result = commandResult;

function trained(): Promise<Harness> {
  const h = new Harness({ loadRuntime: async () => loadRuntimeNode() });
  return h.run('r1', { ...tinyConfig, maxSteps: 30 }).then(() => h);
}

describe('TrainingSession: export', () => {
  it('refuses to export before a run, naming the command and the status', async () => {
    const h = new Harness();
    await expect(result(h, { type: 'export', request: { kind: 'tfjs' } })).rejects.toThrow('`export` needs a finished or stopped run; the status is idle');
  });

  it('exports tfjs files that load back and predict what the studio predicts, with a sanitised name', async () => {
    const h = await trained();
    const e = await result(h, { type: 'export', request: { kind: 'tfjs', modelName: 'my model/../x' } });
    expect(e.fileName).toBe('blobs-x-tfjs.zip');
    const files = unzipSync(new Uint8Array(e.bytes));
    expect(Object.keys(files).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const json = JSON.parse(new TextDecoder().decode(files['model.json']));
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: files['group1-shard1of1.bin']!.slice().buffer }));
    const p = await result(h, { type: 'predict', input: { kind: 'features', values: { x1: '0.7', x2: '-1.2' } } });
    const logits = model.predict(tf.tensor2d([[0.7, -1.2]])) as tf.Tensor;
    const probs = Array.from(await tf.softmax(logits).data());
    expect(probs[0]).toBeCloseTo(p.probabilities[0]!, 5);
    expect(probs[1]).toBeCloseTo(p.probabilities[1]!, 5);
  });

  it('builds a bundle with card facts, and re-importing it reproduces the test metrics', async () => {
    const h = await trained();
    const evaluation = h.result('r1')!.evaluation!;
    const e = await result(h, { type: 'export', request: { kind: 'bundle', history: [{ step: 0, train_loss: 0.7 }] } });
    expect(e.files).toEqual(expect.arrayContaining(['index.html', 'model.json', 'preprocessing.json', 'model-card.md', 'metrics.csv', 'tf.min.js', 'bundle.json']));
    const card = new TextDecoder().decode(unzipSync(new Uint8Array(e.bytes))['model-card.md']);
    expect(card).toContain('Backend: cpu');
    expect(card).toMatch(/Split: 512 train \/ 128 validation \/ 0 test/);
    expect(card).toContain('## Results on the validation split (the dataset has no separate test split)');
    const imp = await result(h, { type: 'importModel', files: [{ path: e.fileName, bytes: e.bytes }] });
    expect(imp).toMatchObject({ kind: 'bundle', trainedOn: 'blobs', schema: { ok: true }, inputShape: [2], outputUnits: 2 });
    for (const [k, v] of Object.entries(evaluation.metrics)) expect(imp.evaluation!.metrics[k]).toBeCloseTo(v, 4);
    expect(imp.evaluation!.confusion).toEqual(evaluation.confusion);
    const p = await result(h, { type: 'predict', input: { kind: 'features', values: { x1: '1', x2: '1' } }, model: 'imported' });
    expect(p.labels).toEqual(['0', '1']);
    expect(p.predicted).toBe(1);
  });

  it('measures float32, float16 and uint8 variants: smaller files, metrics close to float32', async () => {
    const h = await trained();
    const e = await result(h, { type: 'compareVariants' });
    const [f32, f16, u8] = e.variants;
    expect(e.variants.map((v) => v.variant)).toEqual(['float32', 'float16', 'uint8']);
    expect(f16!.weightBytes).toBe(f32!.weightBytes / 2);
    expect(u8!.weightBytes).toBeLessThan(f16!.weightBytes);
    const evaluation = h.result('r1')!.evaluation!;
    expect(f32!.metrics.test_acc).toBeCloseTo(evaluation.metrics.test_acc!, 6);
    expect(Math.abs(u8!.metrics.test_acc! - f32!.metrics.test_acc!)).toBeLessThan(0.05);
    const d = await result(h, { type: 'export', request: { kind: 'tfjs', variant: 'uint8' } });
    expect(d.fileName).toBe('blobs-model-tfjs-uint8.zip');
    const json = JSON.parse(new TextDecoder().decode(unzipSync(new Uint8Array(d.bytes))['model.json']));
    expect(json.weightsManifest[0].weights[0].quantization.dtype).toBe('uint8');
  });

  it('reports a schema mismatch column by column and does not evaluate', async () => {
    const h = await trained();
    const e = await result(h, { type: 'export', request: { kind: 'bundle' } });
    await result(h, { type: 'loadBuiltin', request: { name: 'iris' } });
    const imp = await result(h, { type: 'importModel', files: [{ path: 'b.zip', bytes: e.bytes }] });
    expect(imp.schema!.ok).toBe(false);
    expect(imp.schema!.issues.filter((i) => i.kind === 'missing').map((i) => i.column)).toEqual(['x1', 'x2']);
    expect(imp.evaluation).toBeNull();
    await expect(result(h, { type: 'importModel', files: [{ path: 'notes.txt', bytes: new ArrayBuffer(3) }] })).rejects.toThrow(/must include model\.json/);
  });

  it('transfers an exported file\'s bytes with its reply (no copy)', async () => {
    const h = await trained();
    const id = h.send({ type: 'export', request: { kind: 'tfjs' } });
    const reply = await h.reply(id);
    const rec = h.events.find((r) => r.event === reply)!;
    expect(reply.ok && rec.transfer).toEqual([(reply as { result: { bytes: ArrayBuffer } }).result.bytes]);
  });

  it('exports the PyTorch Lightning project with the trained weights', async () => {
    const h = await trained();
    const e = await result(h, { type: 'export', request: { kind: 'pytorch' } });
    expect(e.fileName).toBe('blobs-model-pytorch.zip');
    expect(e.files).toEqual(expect.arrayContaining(['model.py', 'train.py', 'lit_module.py', 'requirements.txt']));
  });
});
