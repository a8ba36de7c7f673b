import type { Stage } from './callbacks/callback';
import type { DataLoader } from './data';
import type { Trainer } from './trainer/trainer';
import type { Checkpoint } from './checkpoint/checkpoint';

type Ret = void | Promise<void>;

/**
 * Groups a dataset's preparation and its dataloaders (Lightning's
 * `LightningDataModule`). `prepareData` runs once per datamodule instance
 * (Lightning: once per node); `setup(stage)` runs at the start of every
 * fit/validate/test/predict with that stage; `teardown(stage)` at the end.
 */
export class LightningDataModule {
  trainer: Trainer | null = null;
  hparams: Record<string, unknown> = {};

  prepareData(): Ret {}
  setup(_stage: Stage): Ret {}
  teardown(_stage: Stage): Ret {}
  trainDataloader(): DataLoader | undefined {
    return undefined;
  }
  valDataloader(): DataLoader | DataLoader[] | undefined {
    return undefined;
  }
  testDataloader(): DataLoader | DataLoader[] | undefined {
    return undefined;
  }
  predictDataloader(): DataLoader | DataLoader[] | undefined {
    return undefined;
  }
  /** State to put in checkpoints. */
  stateDict(): Record<string, unknown> {
    return {};
  }
  loadStateDict(_state: Record<string, unknown>): void {}
  onException(_error: unknown): Ret {}
  onSaveCheckpoint(_checkpoint: Checkpoint): Ret {}
  onLoadCheckpoint(_checkpoint: Checkpoint): Ret {}
  saveHyperparameters(hparams: Record<string, unknown>): void {
    this.hparams = { ...this.hparams, ...structuredClone(hparams) };
  }
}
