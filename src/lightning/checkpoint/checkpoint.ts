import type { OptimizerState, SerializedTensor } from '../optim/optimizer';

/** Everything needed to resume a run exactly; plain data (structured-clone safe). */
export interface Checkpoint {
  formatVersion: 1;
  epoch: number;
  globalStep: number;
  /**
   * Where the fit loop was: `batchesDone` batches of `epoch` had run when this was saved.
   * (Checkpoints written before the loop classes also hold an `epochFinished` flag, always false
   * in practice; it is ignored on load.)
   */
  loops: { epoch: number; batchesDone: number; epochFinished?: boolean };
  stateDict: Record<string, SerializedTensor>;
  optimizerStates: OptimizerState[];
  lrSchedulers: Array<Record<string, unknown>>;
  callbacks: Record<string, Record<string, unknown>>;
  datamodule?: Record<string, unknown>;
  hyperParameters: Record<string, unknown>;
  /** State of the seeded Math.random (null when unseeded). */
  rngState: number | null;
  /** Free-form extras added by onSaveCheckpoint hooks. */
  [extra: string]: unknown;
}

/** Where checkpoints go: in memory now, IndexedDB in the browser later. */
export interface CheckpointStorage {
  save(path: string, checkpoint: Checkpoint): Promise<void>;
  load(path: string): Promise<Checkpoint>;
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  list(): Promise<string[]>;
}

/** Keeps checkpoints in a Map (structured clones, so later mutation cannot change them). */
export class MemoryCheckpointStorage implements CheckpointStorage {
  private readonly items = new Map<string, Checkpoint>();

  async save(path: string, checkpoint: Checkpoint): Promise<void> {
    this.items.set(path, structuredClone(checkpoint));
  }
  async load(path: string): Promise<Checkpoint> {
    const c = this.items.get(path);
    if (!c) throw new Error(`Checkpoint not found: "${path}" (stored: ${[...this.items.keys()].join(', ') || 'none'})`);
    return structuredClone(c);
  }
  async remove(path: string): Promise<void> {
    this.items.delete(path);
  }
  async exists(path: string): Promise<boolean> {
    return this.items.has(path);
  }
  async list(): Promise<string[]> {
    return [...this.items.keys()];
  }
}
