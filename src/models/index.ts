// Architecture specs → shapes, presets, links, tf models and LightningModules.
export {
  SPEC_VERSION,
  ACTIVATIONS,
  LAYER_KINDS,
  LAYER_TYPE_NAMES,
  LOSSES,
  OPTIMIZERS,
  SCHEDULES,
  defaultLossFor,
  formatShape,
  layer,
  newLayerId,
  outputUnitsFor,
  shapeSize,
  taskInfoOf,
  type ActivationName,
  type EarlyStoppingSpec,
  type LayerInit,
  type LayerKind,
  type LayerSpec,
  type LossName,
  type ModelSpec,
  type OptimizerName,
  type OptimizerSpec,
  type Padding,
  type RecipeSpec,
  type ScheduleName,
  type ScheduleSpec,
  type Task,
  type TaskInfo,
} from './spec';
export { inferShapes, type LayerReport, type OutputTarget, type ShapeReport, type SpecIssue } from './shapes';
export { summaryTable, formatCount, type SpecSummary, type SpecSummaryRow } from './summary';
export { defaultOptimizer, defaultRecipeFor, defaultSchedule, validateRecipe } from './recipe';
export {
  PRESETS,
  MIN_IMAGE_SIDE,
  buildPreset,
  defaultMlpOptions,
  defaultPresetFor,
  listPresets,
  presetAvailability,
  presetLayers,
  type Availability,
  type MlpOptions,
  type PresetId,
  type PresetInfo,
} from './presets';
export { parseModelSpec, specFromJson, specFromUrl, specToJson, specToUrl } from './codec';
export { buildLayersModel } from './build';
export { buildOptimizer, buildScheduler, callbacksFor, dataLoaderOptionsFor, trainerOptionsFor, type ScheduleContext } from './training';
export { SpecModule, assertTrainable, computeLoss, createModule } from './module';
