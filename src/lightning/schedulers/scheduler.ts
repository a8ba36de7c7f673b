import type { Optimizer } from '../optim/optimizer';

/**
 * Base of the LR schedulers, with PyTorch's semantics: constructing one sets
 * the optimizer's LR for step 0; each `step()` advances `lastEpoch` by one and
 * writes the new LR into every param group. Whether a "step" is an epoch or a
 * batch is decided by how it is configured in `configureOptimizers`
 * (`interval: 'epoch' | 'step'`), exactly as in Lightning.
 */
export abstract class LRScheduler {
  lastEpoch = 0;
  readonly baseLrs: number[];

  constructor(readonly optimizer: Optimizer) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr);
  }

  /** LRs for the current `lastEpoch`, one per param group. */
  abstract getLr(): number[];

  /** Advance one epoch/step. `metric` is only used by ReduceLROnPlateau. */
  step(_metric?: number): void {
    this.lastEpoch += 1;
    this.applyLr();
  }

  protected applyLr(): void {
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Plain-data state for checkpoints. */
  stateDict(): Record<string, unknown> {
    return { lastEpoch: this.lastEpoch, lrs: this.getLastLr() };
  }

  loadStateDict(state: Record<string, unknown>): void {
    this.lastEpoch = Number(state.lastEpoch ?? 0);
    const lrs = state.lrs as number[] | undefined;
    if (lrs) this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i] ?? g.lr));
  }
}
