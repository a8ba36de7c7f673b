// The fit loop's progress: what a checkpoint saves of it, and what a resume restores.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Callback } from '../callbacks/callback';
import { MemoryCheckpointStorage, type Checkpoint } from '../checkpoint/checkpoint';
import type { Batch } from '../data';
import type { LightningModule } from '../module';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';
import type { Trainer } from '../trainer/trainer';
import { FitProgress } from './progress';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('FitProgress', () => {
  it('saves its position in the checkpoint fields, a pending step counted as taken', () => {
    const p = new FitProgress();
    Object.assign(p, { epoch: 2, batchesDone: 3, steps: 7, batchesThatStepped: 6, stepPending: true });
    expect(p.stateDict()).toEqual({ epoch: 2, globalStep: 7, loops: { epoch: 2, batchesDone: 3 }, batchesThatStepped: 7 });
    p.stepPending = false;
    expect(p.stateDict().batchesThatStepped).toBe(6);
  });

  it('restores what it saved, and marks the next fit as a restart', () => {
    const a = new FitProgress();
    Object.assign(a, { epoch: 1, batchesDone: 4, steps: 10, batchesThatStepped: 9, stepPending: true });
    const b = new FitProgress();
    b.loadStateDict(structuredClone(a.stateDict()));
    expect({ ...b }).toEqual({ epoch: 1, batchesDone: 4, steps: 10, batchesThatStepped: 10, stepPending: false, restarting: true });
  });

  it('loads old checkpoints: with epochFinished, without batchesThatStepped', () => {
    const p = new FitProgress();
    p.loadStateDict({ globalStep: 5, loops: { epoch: 2, batchesDone: 0, epochFinished: true } });
    expect([p.epoch, p.batchesDone, p.steps, p.batchesThatStepped]).toEqual([2, 0, 5, 5]);
  });
});

/** Records the index of every training batch, as `epoch:batch`. */
class BatchIds extends Callback {
  readonly ids: string[] = [];
  override onTrainBatchStart(trainer: Trainer, _m: LightningModule, _b: Batch, batchIdx: number): void {
    this.ids.push(`${trainer.currentEpoch}:${batchIdx}`);
  }
}

describe('the fit loop and checkpoints', () => {
  it('a checkpoint taken after a step records the step; the resumed fit continues after that batch', async () => {
    const storage = new MemoryCheckpointStorage();
    class SaveAtBatch2 extends Callback {
      override async onTrainBatchEnd(trainer: Trainer, _m: LightningModule, _o: unknown, _b: Batch, batchIdx: number): Promise<void> {
        if (trainer.currentEpoch === 1 && batchIdx === 1) await trainer.saveCheckpoint('mid.ckpt');
      }
    }
    const t1 = quietTrainer({ maxEpochs: 2, checkpointStorage: storage, callbacks: [new SaveAtBatch2()] });
    await t1.fit(new BoringModel(), { trainDataloaders: boringLoader(8) }); // 4 batches per epoch
    const ckpt = await storage.load('mid.ckpt');
    expect([ckpt.epoch, ckpt.globalStep, ckpt.batchesThatStepped, ckpt.loops.batchesDone]).toEqual([1, 6, 6, 2]);

    const ids = new BatchIds();
    const t2 = quietTrainer({ maxEpochs: 2, checkpointStorage: storage, callbacks: [ids] });
    await t2.fit(new BoringModel(), { trainDataloaders: boringLoader(8), ckptPath: 'mid.ckpt' });
    expect(ids.ids).toEqual(['1:2', '1:3']);
    expect([t2.currentEpoch, t2.globalStep, t2.batchesThatStepped, t2.batchesDoneInEpoch]).toEqual([2, 8, 8, 0]);
  });

  it('an old checkpoint with epochFinished and no batchesThatStepped still resumes', async () => {
    const t1 = quietTrainer({ maxEpochs: 1 });
    const model = new BoringModel();
    await t1.fit(model, { trainDataloaders: boringLoader(8) });
    const ckpt = await t1.dumpCheckpoint();
    const old = { ...ckpt, loops: { epoch: 1, batchesDone: 0, epochFinished: true } } as Checkpoint;
    delete old.batchesThatStepped;
    const ids = new BatchIds();
    const t2 = quietTrainer({ maxEpochs: 2, callbacks: [ids] });
    await t2.fit(new BoringModel(), { trainDataloaders: boringLoader(8), ckptPath: old });
    expect(ids.ids).toEqual(['1:0', '1:1', '1:2', '1:3']);
    expect([t2.globalStep, t2.batchesThatStepped]).toEqual([8, 8]);
  });

  it('a fit that failed mid-epoch leaves no position behind: the next fit starts the epoch at batch 0', async () => {
    class FailOnce extends Callback {
      failed = false;
      override onTrainBatchStart(_t: Trainer, _m: LightningModule, _b: Batch, batchIdx: number): void {
        if (batchIdx === 2 && !this.failed) {
          this.failed = true;
          throw new Error('boom');
        }
      }
    }
    const ids = new BatchIds();
    const trainer = quietTrainer({ maxEpochs: 1, callbacks: [new FailOnce(), ids] });
    const model = new BoringModel();
    await expect(trainer.fit(model, { trainDataloaders: boringLoader(8) })).rejects.toThrow('boom');
    expect(trainer.batchesDoneInEpoch).toBe(2);
    ids.ids.length = 0;
    await trainer.fit(model, { trainDataloaders: boringLoader(8) });
    expect(ids.ids).toEqual(['0:0', '0:1', '0:2', '0:3']);
  });

  it('the stage is the loop that runs: sanity check, train, validate inside train, train again after it', async () => {
    const seen: Array<[string, string | null]> = [];
    class Stages extends Callback {
      override onSanityCheckStart(t: Trainer): void {
        seen.push(['onSanityCheckStart', t.state.stage]);
      }
      override onTrainEpochStart(t: Trainer): void {
        seen.push(['onTrainEpochStart', t.state.stage]);
      }
      override onValidationStart(t: Trainer): void {
        seen.push(['onValidationStart', t.state.stage]);
      }
      override onTrainBatchStart(t: Trainer): void {
        seen.push(['onTrainBatchStart', t.state.stage]);
      }
      override onTrainEnd(t: Trainer): void {
        seen.push(['onTrainEnd', t.state.stage]);
      }
    }
    const trainer = quietTrainer({ maxEpochs: 1, numSanityValSteps: 1, valCheckInterval: 0.5, callbacks: [new Stages()] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4), valDataloaders: boringLoader(2) });
    expect(seen).toEqual([
      ['onSanityCheckStart', 'sanity_check'],
      ['onValidationStart', 'sanity_check'],
      ['onTrainEpochStart', 'train'],
      ['onTrainBatchStart', 'train'],
      ['onValidationStart', 'validate'],
      ['onTrainBatchStart', 'train'],
      ['onValidationStart', 'validate'],
      ['onTrainEnd', 'train'],
    ]);
    expect(trainer.state.stage).toBeNull();
  });
});
