import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayersModel } from './build';
import {
  PRESETS,
  buildPreset,
  defaultPresetFor,
  listPresets,
  presetAvailability,
  presetLayers,
  type PresetId,
} from './presets';
import { inferShapes } from './shapes';
import { validateRecipe } from './recipe';
import type { TaskInfo } from './spec';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The shapes of the built-in datasets (src/data/builtins). */
const DATASETS: Record<string, TaskInfo> = {
  mnistFlat: { inputShape: [784], task: 'classification', numClasses: 10, name: 'mnist' },
  mnistImage: { inputShape: [28, 28, 1], task: 'classification', numClasses: 10, name: 'mnist' },
  iris: { inputShape: [4], task: 'classification', numClasses: 3, name: 'iris' },
  carsRegression: { inputShape: [6], task: 'regression', name: 'cars' },
  toy2d: { inputShape: [2], task: 'classification', numClasses: 2, name: 'circle' },
  yEquals2x: { inputShape: [1], task: 'regression', name: 'regression' },
};

const CONV: PresetId[] = ['lenet5', 'vgg', 'resnet'];

describe('every preset on every built-in dataset', () => {
  for (const [dataset, info] of Object.entries(DATASETS)) {
    for (const preset of PRESETS) {
      const availability = presetAvailability(preset.id, info);
      const isImage = dataset.startsWith('mnist');
      it(`${preset.id} on ${dataset}: ${availability.available ? 'builds with the inferred shapes' : 'is unavailable with a reason'}`, () => {
        if (!availability.available) {
          // CNNs need an image: only the 1-to-6-feature tables are refused, and they say why.
          expect(isImage).toBe(false);
          expect(CONV).toContain(preset.id);
          expect(availability.reason).toMatch(/^(LeNet-5|Small VGG|Small ResNet) needs an image/);
          expect(() => presetLayers(preset.id, info)).toThrow(availability.reason);
          return;
        }
        const spec = buildPreset(preset.id, info);
        const report = inferShapes(spec, info.inputShape, info);
        expect(report.errors).toEqual([]);
        expect(validateRecipe(spec.recipe, info)).toEqual([]);
        const model = buildLayersModel(spec, info.inputShape);
        try {
          const units = info.task === 'classification' ? info.numClasses : 1;
          expect(model.outputs[0]!.shape).toEqual([null, units]);
          expect(report.outputShape).toEqual([units]);
          expect(model.countParams()).toBe(report.totalParams);
          const trainable = model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
          expect(trainable).toBe(report.trainableParams);
          // Each spec layer's output and parameters match the tf layers built for it (named l<i>_...).
          report.layers.forEach((l, i) => {
            const built = model.layers.filter((t) => t.name.startsWith(`l${i}_`));
            expect(built.at(-1)!.outputShape, `${l.type} at ${i}`).toEqual([null, ...l.outputShape!]);
            expect(built.reduce((n, t) => n + t.countParams(), 0), `${l.type} at ${i}`).toBe(l.params);
          });
          const out = tf.tidy(() => (model.predict(tf.zeros([2, ...info.inputShape])) as tf.Tensor).shape);
          expect(out).toEqual([2, units]);
        } finally {
          model.dispose();
        }
      });
    }
  }
});

describe('preset details', () => {
  it('inserts a Reshape to [28, 28, 1] before a CNN on flat MNIST, and none on image MNIST', () => {
    const flat = presetLayers('lenet5', DATASETS.mnistFlat!);
    expect(flat[0]).toMatchObject({ kind: 'reshape', targetShape: [28, 28, 1] });
    expect(presetLayers('lenet5', DATASETS.mnistImage!)[0]!.kind).toBe('conv2d');
  });

  it('LeNet-5 on MNIST has the classic 61,706 parameters and a 5×5×16 feature map', () => {
    const report = inferShapes(presetLayers('lenet5', DATASETS.mnistImage!), [28, 28, 1]);
    expect(report.totalParams).toBe(61706);
    expect(report.layers.find((l) => l.index === 3)!.outputShape).toEqual([5, 5, 16]);
  });

  it("MyModel is the Lightning guide's 1 → 128 → ReLU → 1", () => {
    const layers = presetLayers('myModel', DATASETS.yEquals2x!);
    expect(layers.map((l) => l.kind)).toEqual(['dense', 'activation', 'dense']);
    expect(inferShapes(layers, [1]).totalParams).toBe(1 * 128 + 128 + 128 + 1);
  });

  it('MLP options set depth, width, activation, dropout and batch norm', () => {
    const layers = presetLayers('mlp', DATASETS.iris!, { depth: 3, width: 16, activation: 'tanh', dropout: 0.2, batchNorm: true });
    expect(layers.filter((l) => l.kind === 'dense').map((l) => (l.kind === 'dense' ? l.units : 0))).toEqual([16, 16, 16, 3]);
    expect(layers.filter((l) => l.kind === 'batchNorm')).toHaveLength(3);
    expect(layers.filter((l) => l.kind === 'dropout')).toHaveLength(3);
    expect(layers.filter((l) => l.kind === 'activation').every((l) => l.kind === 'activation' && l.activation === 'tanh')).toBe(true);
  });

  it('gives every layer a distinct id', () => {
    const ids = presetLayers('resnet', DATASETS.mnistImage!).map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('explains why a CNN does not fit a flat non-square input or a tiny square one', () => {
    expect(presetAvailability('vgg', { inputShape: [6], task: 'regression' })).toEqual({
      available: false,
      reason: 'Small VGG needs an image; the input has 6 features, which is not a square number of pixels',
    });
    expect(presetAvailability('lenet5', DATASETS.iris!)).toEqual({
      available: false,
      reason: "LeNet-5 needs an image of at least 8×8; the input's 4 features would make a 2×2 image",
    });
    const small = presetAvailability('lenet5', { inputShape: [8, 8, 1], task: 'classification', numClasses: 10 });
    expect(small.available).toBe(false);
    expect(!small.available && small.reason).toContain('`kernelSize` 5 is larger than its input 4×4');
  });

  it('lists presets with availability, and picks a default per dataset', () => {
    const list = listPresets(DATASETS.iris!);
    expect(list.map((p) => p.id)).toEqual(PRESETS.map((p) => p.id));
    expect(list.filter((p) => p.available).map((p) => p.id)).toEqual(['linear', 'mlp', 'myModel']);
    expect(defaultPresetFor(DATASETS.mnistImage!)).toBe('lenet5');
    expect(defaultPresetFor(DATASETS.iris!)).toBe('mlp');
    expect(defaultPresetFor(DATASETS.mnistFlat!)).toBe('mlp');
    expect(defaultPresetFor(DATASETS.yEquals2x!)).toBe('myModel');
  });

  it('rejects bad task info naming the field', () => {
    expect(() => presetLayers('mlp', { inputShape: [0], task: 'classification', numClasses: 3 })).toThrow('`inputShape` must be a non-empty list of positive integers, got [0]');
    expect(() => presetLayers('mlp', { inputShape: [4], task: 'classification', numClasses: 1 })).toThrow('`numClasses` must be an integer ≥ 2 for classification, got 1');
    expect(() => presetLayers('alexnet' as PresetId, DATASETS.iris!)).toThrow('`preset` must be one of linear, mlp, myModel, lenet5, vgg, resnet, got "alexnet"');
  });
});
