import { describe, expect, it } from 'vitest';
import { inferShapes } from './shapes';
import { summaryTable } from './summary';
import { layer, type LayerInit, type LayerSpec } from './spec';

/** Layers with readable ids: a0, a1, ... */
const make = (...inits: LayerInit[]): LayerSpec[] => inits.map((l, i) => layer({ ...l, id: `a${i}` }));
const mnist = { task: 'classification' as const, numClasses: 10 };

function onlyError(layers: LayerSpec[], input: number[], target?: Parameters<typeof inferShapes>[2]) {
  const report = inferShapes(layers, input, target);
  expect(report.ok).toBe(false);
  expect(report.errors).toHaveLength(1);
  return report.errors[0]!;
}

describe('inferShapes: shapes, parameters and FLOPs', () => {
  it('follows an MLP on MNIST layer by layer', () => {
    const r = inferShapes(make({ kind: 'flatten' }, { kind: 'dense', units: 128, activation: 'relu' }, { kind: 'dropout', rate: 0.2 }, { kind: 'dense', units: 10 }), [28, 28, 1], mnist);
    expect(r.errors).toEqual([]);
    expect(r.layers.map((l) => l.outputShape)).toEqual([[784], [128], [128], [10]]);
    expect(r.layers.map((l) => l.params)).toEqual([0, 100480, 0, 1290]);
    expect(r.totalParams).toBe(101770);
    expect(r.sizeMB).toBeCloseTo((101770 * 4) / 1e6, 9);
    // 2·784·128 + 128 (relu) + 2·128·10
    expect(r.flops).toBe(2 * 784 * 128 + 128 + 2 * 128 * 10);
  });

  it('computes conv and pool output sizes for same/valid padding and strides', () => {
    const r = inferShapes(
      make(
        { kind: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'same' },
        { kind: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'valid' },
        { kind: 'maxPool2d', poolSize: 2 },
        { kind: 'avgPool2d', poolSize: 3, strides: 1, padding: 'same' },
        { kind: 'globalAvgPool2d' },
      ),
      [15, 15, 3],
    );
    expect(r.layers.map((l) => l.outputShape)).toEqual([[8, 8, 8], [6, 6, 4], [3, 3, 4], [3, 3, 4], [4]]);
    expect(r.layers[0]!.params).toBe(3 * 3 * 3 * 8 + 8);
    expect(r.layers[0]!.flops).toBe(2 * 9 * 3 * 8 * 64);
  });

  it('counts batch-norm statistics as non-trainable', () => {
    const r = inferShapes(make({ kind: 'dense', units: 16 }, { kind: 'batchNorm' }, { kind: 'dense', units: 1 }), [4], { task: 'regression' });
    expect(r.layers[1]!.params).toBe(64);
    expect(r.trainableParams).toBe(80 + 32 + 17);
    expect(r.nonTrainableParams).toBe(32);
  });

  it('changes the shape of a residual block only through its filters and strides', () => {
    const r = inferShapes(make({ kind: 'residualBlock', filters: 16, strides: 1 }, { kind: 'residualBlock', filters: 32, strides: 2 }), [16, 16, 16]);
    expect(r.layers.map((l) => l.outputShape)).toEqual([[16, 16, 16], [8, 8, 32]]);
    // identity shortcut: two 3×3 convs without bias + two batch norms
    expect(r.layers[0]!.params).toBe(2 * 9 * 16 * 16 + 2 * 4 * 16);
  });
});

describe('inferShapes: invalid specs are caught on the offending layer', () => {
  it('a kernel larger than its input', () => {
    const layers = make({ kind: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'valid' }, { kind: 'conv2d', filters: 4, kernelSize: 5, strides: 1, padding: 'valid' }, { kind: 'flatten' }, { kind: 'dense', units: 10 });
    const e = onlyError(layers, [6, 6, 1], mnist);
    expect(e).toEqual({ layerId: 'a1', field: 'kernelSize', message: "`kernelSize` 5 is larger than its input 4×4 (padding 'valid'); use a smaller kernel or padding 'same'" });
    const r = inferShapes(layers, [6, 6, 1], mnist);
    expect(r.layers.slice(1).map((l) => l.outputShape)).toEqual([null, null, null]);
  });

  it('a pool larger than its input', () => {
    const e = onlyError(make({ kind: 'maxPool2d', poolSize: 2 }, { kind: 'maxPool2d', poolSize: 2 }, { kind: 'flatten' }), [3, 3, 1]);
    expect(e).toMatchObject({ layerId: 'a1', field: 'poolSize', message: "`poolSize` 2 is larger than its input 1×1 (padding 'valid')" });
  });

  it('a convolution or pooling on tabular input without a reshape', () => {
    const e = onlyError(make({ kind: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'same' }), [784]);
    expect(e).toEqual({ layerId: 'a0', message: 'Conv2D needs an image input [height, width, channels], but its input is tabular [784]; add a Reshape before it (e.g. to [28, 28, 1])' });
    expect(onlyError(make({ kind: 'dense', units: 8 }, { kind: 'avgPool2d', poolSize: 2 }), [6]).message).toBe(
      'AvgPool2D needs an image input [height, width, channels], but its input is tabular [8]; add a Reshape to [height, width, channels] before it',
    );
    expect(onlyError(make({ kind: 'globalAvgPool2d' }), [10]).layerId).toBe('a0');
  });

  it('zero or negative sizes', () => {
    expect(onlyError(make({ kind: 'dense', units: 0 }), [4])).toEqual({ layerId: 'a0', field: 'units', message: '`units` must be a positive integer, got 0' });
    expect(onlyError(make({ kind: 'dense', units: 3 }, { kind: 'conv2d', filters: -2, kernelSize: 3, strides: 1, padding: 'same' }), [27, 27, 1], undefined).message).toBe(
      'Dense needs a flat input, got [27, 27, 1]; add a Flatten or GlobalAvgPool2D before it',
    );
    const conv = inferShapes(make({ kind: 'conv2d', filters: -2, kernelSize: 0, strides: 1.5, padding: 'same' }), [8, 8, 1]);
    expect(conv.errors.map((e) => [e.layerId, e.field, e.message])).toEqual([
      ['a0', 'filters', '`filters` must be a positive integer, got -2'],
      ['a0', 'kernelSize', '`kernelSize` must be a positive integer, got 0'],
      ['a0', 'strides', '`strides` must be a positive integer, got 1.5'],
    ]);
    expect(onlyError(make({ kind: 'reshape', targetShape: [0, 4] }), [4])).toMatchObject({ layerId: 'a0', field: 'targetShape', message: '`targetShape` must be a list of positive integers, got [0, 4]' });
    expect(onlyError(make({ kind: 'reshape', targetShape: [28, 28, 1] }), [4]).message).toBe('`targetShape` [28, 28, 1] holds 784 values but its input [4] has 4');
    expect(onlyError(make({ kind: 'dense', units: 1 }), [0]).message).toBe('`inputShape` must be a non-empty list of positive integers, got [0]');
  });

  it('a dropout rate outside [0, 1)', () => {
    for (const rate of [1, -0.1, 1.5]) {
      expect(onlyError(make({ kind: 'dense', units: 2 }, { kind: 'dropout', rate }), [2])).toEqual({ layerId: 'a1', field: 'rate', message: `\`rate\` must be a number in [0, 1), got ${rate}` });
    }
    expect(inferShapes(make({ kind: 'dropout', rate: 0 }), [2]).ok).toBe(true);
  });

  it('an output that does not match the task', () => {
    const iris = { task: 'classification' as const, numClasses: 3 };
    expect(onlyError(make({ kind: 'dense', units: 8, activation: 'relu' }, { kind: 'dense', units: 5 }), [4], iris)).toEqual({
      layerId: 'a1',
      field: 'units',
      message: "The output has 5 values but the task has 3 classes; set the last Dense layer's `units` to 3",
    });
    expect(onlyError(make({ kind: 'dense', units: 2 }, { kind: 'dropout', rate: 0.1 }), [6], { task: 'regression' })).toEqual({
      layerId: 'a0',
      field: 'units',
      message: "The output has 2 values but regression needs 1 output value; set the last Dense layer's `units` to 1",
    });
    expect(onlyError(make({ kind: 'conv2d', filters: 10, kernelSize: 3, strides: 1, padding: 'same' }), [7, 7, 1], mnist)).toEqual({
      layerId: 'a0',
      message: 'The output has shape [7, 7, 10] but the task has 10 classes; add a Flatten (or GlobalAvgPool2D) and a Dense(10) at the end',
    });
    expect(onlyError(make({ kind: 'dense', units: 2 }), [2], { task: 'classification', numClasses: 2, loss: 'binaryCrossEntropy' }).message).toBe(
      "The output has 2 values but loss 'binaryCrossEntropy' needs 1 output value (the positive class's logit); set the last Dense layer's `units` to 1",
    );
  });

  it('an empty model, duplicate ids and unknown activations', () => {
    expect(onlyError([], [4], mnist)).toEqual({ layerId: null, message: 'The model has no layers; add at least one (e.g. a Dense layer for the output)' });
    const dup = [layer({ kind: 'dense', units: 3, id: 'x' }), layer({ kind: 'dense', units: 3, id: 'x' })];
    expect(onlyError(dup, [4])).toEqual({ layerId: 'x', field: 'id', message: '`id` "x" is used by an earlier layer too' });
    expect(onlyError(make({ kind: 'activation', activation: 'sine' as 'relu' }), [4]).message).toBe(
      '`activation` must be one of relu, tanh, sigmoid, gelu, softmax, leakyRelu, elu, selu, swish, softplus, linear, got "sine"',
    );
  });

  it('warns, without failing, about a softmax before the cross-entropy loss', () => {
    const r = inferShapes(make({ kind: 'dense', units: 3, activation: 'softmax' }), [4], { task: 'classification', numClasses: 3 });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([{ layerId: 'a0', field: 'activation', message: "The last layer applies softmax, but the loss 'crossEntropy' works on raw outputs (logits); remove it unless you mean it" }]);
  });
});

describe('summaryTable', () => {
  it("lists each layer like Lightning's ModelSummary, with totals", () => {
    const s = summaryTable(make({ kind: 'reshape', targetShape: [28, 28, 1] }, { kind: 'conv2d', filters: 6, kernelSize: 5, strides: 1, padding: 'same' }, { kind: 'flatten' }, { kind: 'dense', units: 10 }), [784]);
    expect(s.rows).toEqual([
      { index: 0, name: 'layers.0', type: 'Reshape', outputShape: '[28, 28, 1]', params: 0 },
      { index: 1, name: 'layers.1', type: 'Conv2D', outputShape: '[28, 28, 6]', params: 156 },
      { index: 2, name: 'layers.2', type: 'Flatten', outputShape: '[4704]', params: 0 },
      { index: 3, name: 'layers.3', type: 'Dense', outputShape: '[10]', params: 47050 },
    ]);
    expect(s.totalParams).toBe(47206);
    expect(s.text).toContain('| layers.1 | Conv2D  | [28, 28, 6] | 156');
    expect(s.text).toContain('47.2 K   Total params');
    expect(s.text).toContain('0.189    Total estimated model params size (MB)');
  });
});
