// Hook order, compared with Lightning 2.x's documented order (tests/tests_pytorch/models/test_hooks.py).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Callback, DataLoader, LightningModule, SGD, TensorDataset, type Batch } from '../index';
import { quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const NOT_HOOKS = new Set([
  'constructor', 'log', 'logDict', 'saveHyperparameters', 'namedVariables', 'parameters', 'stateDict', 'loadStateDict',
  'train', 'eval', 'clipGradients', 'lrSchedulers', 'optimizers', 'forward', 'currentEpoch', 'globalStep',
]);

/** Records every module hook (and step) it receives, then defers to the default. */
class RecordingModule extends LightningModule {
  calls: string[] = [];
  dense = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  constructor() {
    super();
    const proto = LightningModule.prototype as unknown as Record<string, unknown>;
    const own = ['trainingStep', 'validationStep', 'testStep', 'predictStep', 'configureOptimizers'];
    for (const name of [...Object.getOwnPropertyNames(LightningModule.prototype), ...own]) {
      if (NOT_HOOKS.has(name)) continue;
      const impl = (RecordingModule.prototype as unknown as Record<string, unknown>)[name] ?? proto[name];
      if (typeof impl !== 'function') continue;
      (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        this.calls.push(name);
        return (impl as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
  }
  override forward(x: tf.Tensor) {
    return this.dense.apply(x) as tf.Tensor;
  }
  trainingStep(batch: Batch) {
    const [x, y] = batch as tf.Tensor[];
    return tf.losses.meanSquaredError(y!, this.forward(x!)) as tf.Scalar;
  }
  override validationStep(batch: Batch) {
    const [x, y] = batch as tf.Tensor[];
    this.log('val_loss', tf.losses.meanSquaredError(y!, this.forward(x!)));
  }
  override testStep(batch: Batch) {
    const [x, y] = batch as tf.Tensor[];
    this.log('test_loss', tf.losses.meanSquaredError(y!, this.forward(x!)));
  }
  override configureOptimizers() {
    return new SGD(this.parameters(), { lr: 0.1 });
  }
}

/** Records every Callback hook as `Callback.<name>`. */
function recordingCallback(calls: string[]): Callback {
  class Recorder extends Callback {}
  const cb = new Recorder();
  for (const name of Object.getOwnPropertyNames(Callback.prototype)) {
    if (name === 'constructor' || name === 'stateKey' || name === 'stateDict' || name === 'loadStateDict') continue;
    (cb as unknown as Record<string, unknown>)[name] = () => {
      calls.push(`Callback.${name}`);
    };
  }
  return cb;
}

const loader = (n: number) => new DataLoader(new TensorDataset(tf.randomNormal([n, 2]), tf.randomNormal([n, 1])), { batchSize: 1 });

const batchTransfer = ['onBeforeBatchTransfer', 'transferBatchToDevice', 'onAfterBatchTransfer'];

function evalEpoch(noun: 'Validation' | 'Test', batches: number, stepName: string): string[] {
  const out = [`Callback.on${noun}EpochStart`, `on${noun}EpochStart`];
  for (let i = 0; i < batches; i++) {
    out.push(...batchTransfer, `Callback.on${noun}BatchStart`, `on${noun}BatchStart`, stepName, `Callback.on${noun}BatchEnd`, `on${noun}BatchEnd`);
  }
  out.push(`Callback.on${noun}EpochEnd`, `on${noun}EpochEnd`);
  return out;
}

function evalLoop(noun: 'Validation' | 'Test', batches: number, stepName: string, zeroGrad = false): string[] {
  return [
    ...(zeroGrad ? ['onValidationModelZeroGrad'] : []),
    `on${noun}ModelEval`,
    `Callback.on${noun}Start`,
    `on${noun}Start`,
    ...evalEpoch(noun, batches, stepName),
    `Callback.on${noun}End`,
    `on${noun}End`,
    `on${noun}ModelTrain`,
  ];
}

function trainBatches(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      ...batchTransfer,
      'Callback.onTrainBatchStart', 'onTrainBatchStart',
      'trainingStep',
      'Callback.onBeforeZeroGrad', 'onBeforeZeroGrad', 'optimizerZeroGrad',
      'Callback.onBeforeBackward', 'onBeforeBackward',
      'Callback.onAfterBackward', 'onAfterBackward',
      'Callback.onBeforeOptimizerStep', 'onBeforeOptimizerStep',
      'configureGradientClipping', 'optimizerStep',
      'Callback.onTrainBatchEnd', 'onTrainBatchEnd',
    );
  }
  return out;
}

describe('hook order', () => {
  it('fit: 2 train batches, 2 val batches and the sanity check, in Lightning order', async () => {
    const calls: string[] = [];
    const model = new RecordingModule();
    model.calls = calls;
    const trainer = quietTrainer({ maxEpochs: 1, numSanityValSteps: 2, callbacks: [recordingCallback(calls)] });
    await trainer.fit(model, { trainDataloaders: loader(2), valDataloaders: loader(2) });
    const expected = [
      'configureCallbacks',
      'prepareData',
      'Callback.setup', 'setup',
      'configureModel',
      'configureOptimizers',
      'Callback.onFitStart', 'onFitStart',
      'Callback.onSanityCheckStart', 'onSanityCheckStart',
      ...evalLoop('Validation', 2, 'validationStep'),
      'Callback.onSanityCheckEnd', 'onSanityCheckEnd',
      'Callback.onTrainStart', 'onTrainStart',
      'Callback.onTrainEpochStart', 'onTrainEpochStart',
      ...trainBatches(2),
      ...evalLoop('Validation', 2, 'validationStep', true),
      'Callback.onTrainEpochEnd', 'onTrainEpochEnd',
      'Callback.onTrainEnd', 'onTrainEnd',
      'Callback.onFitEnd', 'onFitEnd',
      'Callback.teardown', 'teardown',
    ];
    expect(calls).toEqual(expected);
  });

  it('validate and test: setup, the evaluation loop, teardown', async () => {
    for (const [verb, noun, step] of [
      ['validate', 'Validation', 'validationStep'],
      ['test', 'Test', 'testStep'],
    ] as const) {
      const calls: string[] = [];
      const model = new RecordingModule();
      model.calls = calls;
      const trainer = quietTrainer({ callbacks: [recordingCallback(calls)] });
      await trainer[verb](model, { dataloaders: loader(2) });
      expect(calls, verb).toEqual([
        'configureCallbacks', 'prepareData', 'Callback.setup', 'setup', 'configureModel',
        ...evalLoop(noun, 2, step),
        'Callback.teardown', 'teardown',
      ]);
    }
  });

  it('predict: setup, the predict loop, teardown', async () => {
    const calls: string[] = [];
    const model = new RecordingModule();
    model.calls = calls;
    const trainer = quietTrainer({ callbacks: [recordingCallback(calls)] });
    const preds = (await trainer.predict(model, { dataloaders: loader(2) })) as tf.Tensor[];
    const perBatch = [...batchTransfer, 'Callback.onPredictBatchStart', 'onPredictBatchStart', 'predictStep', 'Callback.onPredictBatchEnd', 'onPredictBatchEnd'];
    expect(calls).toEqual([
      'configureCallbacks', 'prepareData', 'Callback.setup', 'setup', 'configureModel',
      'onPredictModelEval', 'Callback.onPredictStart', 'onPredictStart', 'Callback.onPredictEpochStart', 'onPredictEpochStart',
      ...perBatch, ...perBatch,
      'Callback.onPredictEpochEnd', 'onPredictEpochEnd', 'Callback.onPredictEnd', 'onPredictEnd',
      'Callback.teardown', 'teardown',
    ]);
    expect(preds.map((p) => p.shape)).toEqual([[1, 1], [1, 1]]);
    preds.forEach((p) => p.dispose());
  });

  it('an exception calls onException on callbacks and the module, and rejects', async () => {
    const calls: string[] = [];
    const model = new RecordingModule();
    model.calls = calls;
    model.trainingStep = () => {
      throw new Error('boom');
    };
    const trainer = quietTrainer({ maxEpochs: 1, callbacks: [recordingCallback(calls)] });
    await expect(trainer.fit(model, { trainDataloaders: loader(2) })).rejects.toThrow('boom');
    expect(calls.slice(-2)).toEqual(['Callback.onException', 'onException']);
    expect(trainer.state.status).toBe('interrupted');
  });
});
