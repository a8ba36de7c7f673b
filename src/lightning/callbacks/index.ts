export { Callback, type CallbackHook, type Stage } from './callback';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint';
export { LearningRateMonitor } from './lr-monitor';
export { ModelSummary, summarize, type Summary, type SummaryRow } from './model-summary';
export { Timer } from './timer';
export { LambdaCallback } from './lambda';
export { ThroughputMonitor } from './throughput';
export { ProgressBar, type ProgressBarOptions } from './progress-bar';
