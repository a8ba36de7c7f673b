export { Metric, type MetricValue } from './metric';
export { AccumulatedMetric, type MetricState } from './accumulated';
export type { ClassificationOptions, ClassificationTask } from './classificationInputs';
export { Accuracy, accuracy, type AccuracyOptions } from './accuracy';
export {
  F1Score,
  Precision,
  Recall,
  f1Score,
  precision,
  recall,
  type Average,
  type AveragedValue,
  type StatScoreOptions,
} from './precisionRecall';
export { ConfusionMatrix, confusionMatrix, type ConfusionMatrixOptions } from './confusionMatrix';
export {
  MeanAbsoluteError,
  MeanSquaredError,
  R2Score,
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
} from './regression';
export { MetricCollection, type CollectionValues, type ValueOfMetric } from './collection';
