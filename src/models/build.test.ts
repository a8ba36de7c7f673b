import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayersModel } from './build';
import { inferShapes } from './shapes';
import { ACTIVATIONS, layer, type LayerInit, type LayerSpec } from './spec';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const make = (...inits: LayerInit[]): LayerSpec[] => inits.map((l) => layer(l));

function checkAgainstInference(layers: LayerSpec[], input: number[]): void {
  const report = inferShapes(layers, input);
  expect(report.errors).toEqual([]);
  const model = buildLayersModel(layers, input);
  try {
    expect(model.countParams()).toBe(report.totalParams);
    const y = tf.tidy(() => {
      const out = model.predict(tf.randomNormal([3, ...input])) as tf.Tensor;
      return [out.shape, tf.all(tf.isFinite(out)).dataSync()[0]] as const;
    });
    expect(y[0]).toEqual([3, ...report.outputShape!]);
    expect(y[1]).toBe(1);
  } finally {
    model.dispose();
  }
}

describe('buildLayersModel', () => {
  it('builds every activation, fused into Dense/Conv2D or as a layer', () => {
    for (const activation of ACTIVATIONS) {
      checkAgainstInference(
        make(
          { kind: 'conv2d', filters: 2, kernelSize: 3, strides: 1, padding: 'same', activation },
          { kind: 'flatten' },
          { kind: 'dense', units: 4, activation },
          { kind: 'activation', activation },
        ),
        [5, 5, 1],
      );
    }
  });

  it('builds every layer kind, with strides, padding and a residual block without batch norm', () => {
    checkAgainstInference(
      make(
        { kind: 'reshape', targetShape: [12, 12, 1] },
        { kind: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'valid' },
        { kind: 'batchNorm' },
        { kind: 'maxPool2d', poolSize: 2, strides: 1, padding: 'same' },
        { kind: 'avgPool2d', poolSize: 2 },
        { kind: 'residualBlock', filters: 4, strides: 1, batchNorm: false },
        { kind: 'residualBlock', filters: 6, strides: 2, kernelSize: 1 },
        { kind: 'globalAvgPool2d' },
        { kind: 'dropout', rate: 0.3 },
        { kind: 'dense', units: 3 },
      ),
      [144],
    );
  });

  it('builds the same spec twice without name clashes', () => {
    const layers = make({ kind: 'dense', units: 2 });
    const a = buildLayersModel(layers, [3]);
    const b = buildLayersModel(layers, [3]);
    expect(a.countParams()).toBe(b.countParams());
    a.dispose();
    b.dispose();
  });

  it('refuses an invalid spec with the problems listed', () => {
    expect(() => buildLayersModel(make({ kind: 'conv2d', filters: 4, kernelSize: 3, strides: 1, padding: 'same' }), [9])).toThrow(
      'The model cannot be built: Conv2D needs an image input [height, width, channels], but its input is tabular [9]; add a Reshape before it (e.g. to [3, 3, 1])',
    );
  });
});
