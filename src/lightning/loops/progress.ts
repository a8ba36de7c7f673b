import type { Checkpoint } from '../checkpoint/checkpoint';

/** The part of a checkpoint that records where the fit loop was. */
type FitProgressState = Pick<Checkpoint, 'epoch' | 'globalStep' | 'loops'> & { batchesThatStepped: number };

/**
 * Where the fit loop is (Lightning's loop progress trackers, reduced to what a
 * resume needs). Owned by the FitLoop, advanced by its epoch loop and the
 * optimisation step; a checkpoint saves it and a resume restores it.
 */
export class FitProgress {
  /** Epochs completed, i.e. the index of the running epoch (`trainer.currentEpoch`). */
  epoch = 0;
  /** Training batches finished in the running epoch: a checkpoint saved now resumes after them. */
  batchesDone = 0;
  /** Optimizer steps taken (`trainer.globalStep`). */
  steps = 0;
  /** Batches on which the optimizer stepped: the logging step (Lightning's `_batches_that_stepped`). */
  batchesThatStepped = 0;
  /** True between an optimizer step and the increment of batchesThatStepped (validation runs in between). */
  stepPending = false;
  /** Set by loadStateDict: the next fit continues at `batchesDone` instead of starting the epoch over. */
  restarting = false;

  /** What a checkpoint records. A pending step counts as taken: the resumed run continues after it. */
  stateDict(): FitProgressState {
    return {
      epoch: this.epoch,
      globalStep: this.steps,
      loops: { epoch: this.epoch, batchesDone: this.batchesDone },
      batchesThatStepped: this.batchesThatStepped + (this.stepPending ? 1 : 0),
    };
  }

  /** Restores the position of a checkpoint (old ones without `batchesThatStepped` log from globalStep). */
  loadStateDict(ckpt: Pick<Checkpoint, 'globalStep' | 'loops'> & { batchesThatStepped?: unknown }): void {
    this.epoch = ckpt.loops.epoch;
    this.batchesDone = ckpt.loops.batchesDone;
    this.steps = ckpt.globalStep;
    this.batchesThatStepped = Number(ckpt.batchesThatStepped ?? ckpt.globalStep);
    this.stepPending = false;
    this.restarting = true;
  }
}

/** Where an evaluation or prediction loop is; reset at the start of every run. */
export class BatchProgress {
  /** The dataloader being run. */
  dataloaderIdx = 0;
  /** Batches finished in that dataloader. */
  batchesDone = 0;
  /** Batches finished over all dataloaders of this run. */
  total = 0;

  reset(): void {
    this.dataloaderIdx = 0;
    this.batchesDone = 0;
    this.total = 0;
  }
}
