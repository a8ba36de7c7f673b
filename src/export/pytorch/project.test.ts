import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../models';
import { buildSeeded, cnnSpec, mlpSpec, reshapeCnnSpec, sampleInputs } from '../fixtures/models';
import { imageSpec, tableSpec } from '../fixtures/specs';
import { readText } from '../model-files';
import { PYTORCH_FILES, exportPyTorchProject } from './project';
import { needPython, runPython, writeFiles } from './torch-env';
import { namedWeights, torchWeights } from './weights';

const CHECK_SCRIPT = join(process.cwd(), 'scripts/export/check_torch.py');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function exportCase(spec: ModelSpec, inputShape: number[], task: 'classification' | 'regression', seed: number) {
  const model = buildSeeded(spec, inputShape, seed);
  const files = exportPyTorchProject({
    spec,
    inputShape,
    task,
    numClasses: 3,
    preprocessing: inputShape.length === 3 ? imageSpec() : tableSpec(),
    weights: await namedWeights(model),
    dataset: 'fixture',
  });
  return { model, files };
}

describe('exportPyTorchProject', () => {
  it('writes every project file, and each Python file compiles', async (ctx) => {
    needPython(ctx, 'python');
    const { model, files } = await exportCase(mlpSpec(), [4], 'classification', 1);
    model.dispose();
    for (const name of [...PYTORCH_FILES, 'weights.bin', 'weights.json']) expect(Object.keys(files)).toContain(name);
    const dir = writeFiles(files);
    const pyFiles = Object.keys(files).filter((n) => n.endsWith('.py'));
    expect(pyFiles).toHaveLength(5);
    const r = runPython(['-m', 'py_compile', ...pyFiles], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const train = readText(files['train.py']!);
    expect(train).toContain('accelerator="auto"');
    expect(train).toContain('strategy="ddp" if many else "auto"');
    expect(train).toContain('load_exported_weights(module.net, HERE)');
    const experiment = JSON.parse(readText(files['experiment.json']!));
    expect(experiment.recipe).toEqual(mlpSpec().recipe);
    expect(readText(files['model.py']!)).toContain('nn.BatchNorm1d(16, eps=1e-3, momentum=0.01)');
  });

  it('compiles the CNN project too (residual blocks, pooling, reshape)', async (ctx) => {
    needPython(ctx, 'python');
    for (const [spec, shape, task] of [[cnnSpec(), [10, 10, 2], 'classification'], [reshapeCnnSpec(), [36], 'regression']] as const) {
      const { model, files } = await exportCase(spec, [...shape], task, 2);
      model.dispose();
      const r = runPython(['-m', 'py_compile', 'model.py'], writeFiles(files));
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it("writes the studio's split to splits.json for a table only: image rows are in upload order", () => {
    const splits = { train: [0, 1, 2], validation: [3], test: [4] };
    const table = exportPyTorchProject({ spec: mlpSpec(), inputShape: [4], task: 'classification', numClasses: 3, preprocessing: tableSpec(), splits });
    expect(JSON.parse(readText(table['splits.json']!))).toEqual({ rows: 5, ...splits });
    const images = exportPyTorchProject({ spec: cnnSpec(), inputShape: [10, 10, 2], task: 'classification', numClasses: 3, preprocessing: imageSpec(), splits });
    expect(images['splits.json']).toBeUndefined();
    expect(readText(images['README.md']!)).toContain('follows the upload order');
  });

  it('writes no weights without them, and names the model weight it cannot place', async () => {
    const bare = exportPyTorchProject({ spec: mlpSpec(), inputShape: [4], task: 'classification', numClasses: 3, preprocessing: tableSpec() });
    expect(bare['weights.bin']).toBeUndefined();
    expect(readText(bare['README.md']!)).toContain('starts from random weights');
    const model = buildSeeded(mlpSpec(), [4]);
    const weights = await namedWeights(model);
    model.dispose();
    delete weights['l3_dense/kernel'];
    expect(() => exportPyTorchProject({ spec: mlpSpec(), inputShape: [4], task: 'classification', preprocessing: tableSpec(), weights })).toThrow(
      'weight `l3_dense/kernel` (for layers.3.linear.weight) is missing from the model',
    );
  });
});

describe('torch weight layout', () => {
  it('transposes dense kernels to [out, in] and conv kernels to [out, in, h, w]', () => {
    const dense = { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const conv = { shape: [1, 2, 1, 2], values: Float32Array.from([1, 2, 3, 4]) };
    const { bin, manifest } = torchWeights({ d: dense, c: conv, b: { shape: [2], values: Float32Array.from([7, 8]) } }, [
      { tf: 'd', torch: 'a.weight', layout: 'dense' },
      { tf: 'c', torch: 'c.weight', layout: 'conv' },
      { tf: 'b', torch: 'c.bias', layout: 'copy' },
    ]);
    expect(manifest.tensors.map((t) => [t.name, t.shape, t.offset])).toEqual([
      ['a.weight', [3, 2], 0],
      ['c.weight', [2, 1, 1, 2], 24],
      ['c.bias', [2], 40],
    ]);
    // kernel[h=0][w][in=0][out] → weight[out][in=0][h=0][w]: out 0 gets w0=1, w1=3.
    expect(Array.from(new Float32Array(bin.buffer))).toEqual([1, 4, 2, 5, 3, 6, 1, 3, 2, 4, 7, 8]);
  });
});

describe('exported network in PyTorch', () => {
  const cases: Array<[string, () => ModelSpec, number[], 'classification' | 'regression']> = [
    ['an MLP with batch norm', mlpSpec, [4], 'classification'],
    ['a CNN with batch norm, residual blocks and same padding', cnnSpec, [10, 10, 2], 'classification'],
    ['a flat input reshaped for a CNN', reshapeCnnSpec, [36], 'regression'],
  ];
  for (const [name, makeSpec, inputShape, task] of cases) {
    it(`matches tfjs within 1e-4 for ${name} (eval mode)`, async (ctx) => {
      needPython(ctx, 'torch');
      const { model, files } = await exportCase(makeSpec(), inputShape, task, 3);
      const x = sampleInputs(inputShape, 6, 17);
      const y = model.predict(x) as tf.Tensor;
      const dir = writeFiles(files);
      const casePath = join(dir, 'case.json');
      writeFileSync(casePath, JSON.stringify({ input_shape: inputShape, inputs: Array.from(await x.data()), expected: Array.from(await y.data()) }));
      tf.dispose([x, y]);
      model.dispose();
      const r = runPython([CHECK_SCRIPT, dir, casePath, '1e-4']);
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as { max_abs_diff: number; outputs: number };
      expect(report.outputs).toBe(6 * (task === 'regression' ? 1 : 3));
      expect(report.max_abs_diff).toBeLessThan(1e-4);
      expect(r.status).toBe(0);
    });
  }
});
