// Volt Studio's Lightning: a PyTorch-Lightning-style training framework on TensorFlow.js.
export { LightningModule, type StepOutput, type LogOptions, type OptimizerConfig, type LRSchedulerConfig } from './module';
export { LightningDataModule } from './datamodule';
export { DataLoader, TensorDataset, Subset, randomSplit, defaultCollate, batchSizeOf, type Batch, type Dataset, type DataLoaderOptions } from './data';
export { Trainer, type TrainerState, type TrainerFn, type RunningStage, type FitArgs, type EvalArgs } from './trainer/trainer';
export { validateOptions, parseMaxTime, type TrainerOptions, type MaxTime } from './trainer/options';
export { clipGradients } from './trainer/clipping';
export type { BackendInfo } from './trainer/backend';
export type { EvalResult } from './loops/evaluation-loop';
export { seedEverything, getSeed, unseed, getRngState, setRngState, Generator, randperm } from './seed';
export { MemoryCheckpointStorage, type Checkpoint, type CheckpointStorage } from './checkpoint/checkpoint';
export { CSVLogger, type Logger } from './loggers/logger';
export * from './callbacks';
export * from './optim';
export * from './schedulers';
export * from './metrics';
export * from './backends';
export * from './tuner';
