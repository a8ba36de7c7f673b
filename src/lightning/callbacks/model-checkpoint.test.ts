// ModelCheckpoint: which checkpoints are kept, how they are named, and what they hold.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelCheckpoint, SGD, StepLR, type ModelCheckpointOptions } from '../index';
import { BoringModel, boringLoader, paramValues, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Fits one epoch per script value (2 batches each) with `val_metric` following the script. */
async function runScript(script: number[], options: ModelCheckpointOptions, model = new BoringModel({ valScript: script, log: false })) {
  const ckpt = new ModelCheckpoint(options);
  const trainer = quietTrainer({ maxEpochs: script.length, callbacks: [ckpt] });
  await trainer.fit(model, { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
  const saved = (await trainer.checkpointStorage.list()).sort();
  return { ckpt, trainer, saved, model };
}

const SCRIPT = [5, 3, 4, 1, 2];

describe('ModelCheckpoint: what is kept', () => {
  it('saveTopK 2 (min) keeps the two lowest scores and tracks the best', async () => {
    const { ckpt, saved } = await runScript(SCRIPT, { monitor: 'val_metric', saveTopK: 2 });
    expect(saved).toEqual(['checkpoints/epoch=3-step=8.ckpt', 'checkpoints/epoch=4-step=10.ckpt']);
    expect(ckpt.bestModelPath).toBe('checkpoints/epoch=3-step=8.ckpt');
    expect(ckpt.bestModelScore).toBe(1);
    expect(ckpt.bestKModels).toEqual({ 'checkpoints/epoch=3-step=8.ckpt': 1, 'checkpoints/epoch=4-step=10.ckpt': 2 });
    expect(ckpt.kthValue).toBe(2);
  });

  it("saveTopK 2 in mode 'max' keeps the two highest", async () => {
    const { ckpt, saved } = await runScript(SCRIPT, { monitor: 'val_metric', saveTopK: 2, mode: 'max' });
    expect(saved).toEqual(['checkpoints/epoch=0-step=2.ckpt', 'checkpoints/epoch=2-step=6.ckpt']);
    expect(ckpt.bestModelPath).toBe('checkpoints/epoch=0-step=2.ckpt');
    expect(ckpt.bestModelScore).toBe(5);
  });

  it('saveTopK 1 keeps only the best; -1 keeps every one; 0 saves none', async () => {
    expect((await runScript(SCRIPT, { monitor: 'val_metric' })).saved).toEqual(['checkpoints/epoch=3-step=8.ckpt']);
    expect((await runScript(SCRIPT, { monitor: 'val_metric', saveTopK: -1 })).saved).toHaveLength(5);
    expect((await runScript(SCRIPT, { monitor: 'val_metric', saveTopK: 0 })).saved).toEqual([]);
  });

  it('a NaN score ranks worst and is replaced by the next real one', async () => {
    const { ckpt, saved } = await runScript([NaN, 2, 1], { monitor: 'val_metric' });
    expect(saved).toEqual(['checkpoints/epoch=2-step=6.ckpt']);
    expect(ckpt.bestModelScore).toBe(1);
    const max = await runScript([NaN, 2, 1], { monitor: 'val_metric', mode: 'max' });
    expect(max.saved).toEqual(['checkpoints/epoch=1-step=4.ckpt']);
  });

  it('saveLast also writes last.ckpt with the final state', async () => {
    const { ckpt, saved, trainer, model } = await runScript(SCRIPT, { monitor: 'val_metric', saveLast: true });
    expect(saved).toEqual(['checkpoints/epoch=3-step=8.ckpt', 'checkpoints/last.ckpt']);
    expect(ckpt.lastModelPath).toBe('checkpoints/last.ckpt');
    const last = await trainer.checkpointStorage.load('checkpoints/last.ckpt');
    expect(last.globalStep).toBe(10);
    expect(Object.values(last.stateDict).flatMap((s) => Array.from(s.data))).toEqual(paramValues(model));
  });

  it('without a monitor keeps the latest checkpoint only', async () => {
    const { ckpt, saved } = await runScript(SCRIPT, {});
    expect(saved).toEqual(['checkpoints/epoch=4-step=10.ckpt']);
    expect(ckpt.bestModelPath).toBe('checkpoints/epoch=4-step=10.ckpt');
  });

  it('everyNTrainSteps 3 saves every 3 optimizer steps, not at epoch ends', async () => {
    const ckpt = new ModelCheckpoint({ everyNTrainSteps: 3, saveTopK: -1 });
    const trainer = quietTrainer({ maxEpochs: 2, callbacks: [ckpt] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
    expect((await trainer.checkpointStorage.list()).sort()).toEqual(['checkpoints/epoch=0-step=3.ckpt', 'checkpoints/epoch=1-step=6.ckpt']);
  });

  it('everyNEpochs 2 saves at the end of every second epoch', async () => {
    const { saved } = await runScript(SCRIPT, { everyNEpochs: 2, saveTopK: -1 });
    expect(saved).toEqual(['checkpoints/epoch=1-step=4.ckpt', 'checkpoints/epoch=3-step=8.ckpt']);
  });
});

describe('ModelCheckpoint: names', () => {
  it('fills filename templates with epoch, step and metrics, inserting the names', async () => {
    const { saved } = await runScript(SCRIPT, { dirpath: 'runs/a', filename: '{epoch}-{val_metric:.2f}', monitor: 'val_metric' });
    expect(saved).toEqual(['runs/a/epoch=3-val_metric=1.00.ckpt']);
    const plain = await runScript(SCRIPT, { filename: 'best-{epoch}-{step}' });
    expect(plain.saved).toEqual(['checkpoints/best-epoch=4-step=10.ckpt']);
  });

  it('supports zero-padded integers, and shows a metric that is not available as 0 (as Lightning)', async () => {
    const { saved } = await runScript(SCRIPT, { filename: '{epoch:03d}-{step:4d}-{val_metric:06.1f}-{other}', monitor: 'val_metric' });
    expect(saved).toEqual(['checkpoints/epoch=003-step=   8-val_metric=0001.0-other=0.ckpt']);
  });

  it('rejects an unsupported format spec when constructed', () => {
    expect(() => new ModelCheckpoint({ filename: '{epoch:x}' })).toThrow(/unsupported format spec ":x" in `filename`/);
  });
});

describe('ModelCheckpoint: contents', () => {
  it('a checkpoint holds weights, optimizer state, epoch, global step, callback state, LR scheduler state and hparams', async () => {
    const model = new BoringModel({
      valScript: [3, 2, 1],
      log: false,
      optimizer: (params) => {
        const optimizer = new SGD(params, { lr: 0.1, momentum: 0.9 });
        return { optimizer, lrScheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }) };
      },
    });
    model.saveHyperparameters({ lr: 0.1, hidden: [32, 2], name: 'boring' });
    const { ckpt, trainer } = await runScript([3, 2, 1], { monitor: 'val_metric' }, model);
    const c = await trainer.checkpointStorage.load(ckpt.bestModelPath);

    expect(c.epoch).toBe(2);
    expect(c.globalStep).toBe(6);
    expect(Object.keys(c.stateDict)).toEqual(['layer.0', 'layer.1']);
    expect(c.stateDict['layer.0']!.shape).toEqual([32, 2]);
    expect(Object.values(c.stateDict).flatMap((s) => Array.from(s.data))).toEqual(paramValues(model));

    expect(c.optimizerStates).toHaveLength(1);
    const slots = Object.values(c.optimizerStates[0]!.state);
    expect(slots).toHaveLength(2);
    for (const s of slots) expect(s).toHaveProperty('momentum_buffer');
    expect(c.optimizerStates[0]!.paramGroups[0]).toMatchObject({ lr: model.optimizers()[0]!.paramGroups[0]!.lr, momentum: 0.9 });

    expect(c.lrSchedulers).toEqual([model.lrSchedulers()[0]!.stateDict()]);
    expect(c.lrSchedulers[0]).toMatchObject({ lastEpoch: 3 });

    const cbState = c.callbacks[ckpt.stateKey]!;
    expect(cbState).toMatchObject({ monitor: 'val_metric', bestModelScore: 1, bestModelPath: ckpt.bestModelPath });
    expect(c.hyperParameters).toEqual({ lr: 0.1, hidden: [32, 2], name: 'boring' });
  });

  it('the best checkpoint keeps the weights of its epoch, not the final ones', async () => {
    const { ckpt, trainer, model } = await runScript([1, 2, 3], { monitor: 'val_metric' });
    expect(ckpt.bestModelPath).toBe('checkpoints/epoch=0-step=2.ckpt');
    const best = await trainer.checkpointStorage.load(ckpt.bestModelPath);
    const fresh = new BoringModel();
    fresh.loadStateDict(best.stateDict);
    expect(paramValues(fresh)).not.toEqual(paramValues(model));
    expect(best.globalStep).toBe(2);
  });
});

describe('ModelCheckpoint: errors', () => {
  it('a monitor that is never logged is an error naming it and the available keys', async () => {
    await expect(runScript([1, 2], { monitor: 'val_acc' })).rejects.toThrow(/`ModelCheckpoint\(monitor="val_acc"\)` could not find the monitored key.*val_metric/);
  });

  it('rejects invalid configurations by name', () => {
    expect(() => new ModelCheckpoint({ saveTopK: 2 })).toThrow(/saveTopK=2, monitor=undefined/);
    expect(() => new ModelCheckpoint({ saveTopK: -2, monitor: 'x' })).toThrow(/`saveTopK` must be an integer >= -1, got -2/);
    expect(() => new ModelCheckpoint({ mode: 'best' as never })).toThrow(/`mode` must be 'min' or 'max', got "best"/);
  });
});
