/**
 * The training recipe: defaults that train well on the built-in datasets,
 * and validation of a recipe someone edited (or pasted in a link).
 */
import type { SpecIssue } from './shapes';
import {
  LOSSES,
  OPTIMIZERS,
  SCHEDULES,
  defaultLossFor,
  type OptimizerName,
  type RecipeSpec,
  type ScheduleSpec,
  type Task,
  type TaskInfo,
} from './spec';

/** Optimizer hyperparameters someone switching optimizer in the UI would expect. */
export function defaultOptimizer(type: OptimizerName, lr?: number): RecipeSpec['optimizer'] {
  switch (type) {
    case 'sgd':
      return { type, lr: lr ?? 0.05, weightDecay: 0, momentum: 0 };
    case 'sgdMomentum':
    case 'nesterov':
      return { type, lr: lr ?? 0.01, weightDecay: 0, momentum: 0.9 };
    case 'adamw':
      // AdamW's decay is decoupled from the gradient; 0.01 is PyTorch's default.
      return { type, lr: lr ?? 1e-3, weightDecay: 0.01, momentum: 0 };
    case 'rmsprop':
      return { type, lr: lr ?? 1e-3, weightDecay: 0, momentum: 0 };
    default:
      return { type: 'adam', lr: lr ?? 1e-3, weightDecay: 0, momentum: 0 };
  }
}

/** Default parameters of each schedule, so switching type in the UI gives a sensible one. */
export function defaultSchedule(type: ScheduleSpec['type'], epochs = 10): ScheduleSpec {
  switch (type) {
    case 'step':
      return { type, stepSize: Math.max(1, Math.round(epochs / 3)), gamma: 0.1 };
    case 'multiStep':
      return { type, milestones: [Math.round(epochs / 2), Math.round((3 * epochs) / 4)].filter((m, i, a) => m > 0 && a.indexOf(m) === i), gamma: 0.1 };
    case 'exponential':
      return { type, gamma: 0.95 };
    case 'cosine':
      return { type, etaMin: 0 };
    case 'oneCycle':
      return { type, pctStart: 0.3 };
    case 'linearWarmup':
      return { type, warmupEpochs: Math.max(1, Math.round(epochs / 10)), startFactor: 0.1 };
    case 'reduceOnPlateau':
      return { type, monitor: 'val_loss', mode: 'min', factor: 0.1, patience: 3 };
    default:
      return { type: 'none' };
  }
}

/** Whether a preset is a convolutional one (they need fewer epochs on images). */
const CONV_PRESETS = new Set(['lenet5', 'vgg', 'resnet']);

/**
 * A recipe that trains the given preset well on the given data. The numbers
 * come from runs on the built-ins (see recipe.test.ts and mnist.test.ts):
 * - images: batch 64. The MNIST MLP (784 → 256 → 10) with Adam 2e-3 ends
 *   its 12 epochs at 95.7% validation accuracy (seed 42; 95.3% with seed 7),
 *   where Adam 1e-3 stalls near 94.5–95%. CNNs: Adam 1e-3, 5 epochs.
 * - small tables and the 2-D toys (hundreds of rows): Adam 1e-2, batch 32,
 *   more epochs, because an epoch is only a handful of steps.
 */
export function defaultRecipeFor(info: Pick<TaskInfo, 'task' | 'inputShape' | 'name'> & { numExamples?: number }, presetId?: string): RecipeSpec {
  const isImage = info.inputShape.length === 3 || info.name === 'mnist';
  const conv = presetId !== undefined && CONV_PRESETS.has(presetId);
  const small = !isImage && (info.numExamples ?? 1000) <= 2000;
  const lr = isImage ? (conv ? 1e-3 : 2e-3) : small ? 1e-2 : 1e-3;
  const base: RecipeSpec = {
    loss: defaultLossFor(info.task),
    optimizer: defaultOptimizer('adam', lr),
    lrSchedule: { type: 'none' },
    batchSize: isImage ? 64 : 32,
    epochs: isImage ? (conv ? 5 : 12) : small ? 100 : 30,
    earlyStopping: null,
    gradientClipVal: null,
    seed: 42,
  };
  if (!isImage) base.earlyStopping = { monitor: 'val_loss', patience: small ? 20 : 5, mode: 'min' };
  return base;
}

const isPosInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isNonNeg = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const fmt = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/**
 * Problems of a recipe, each naming its field (`recipe.optimizer.lr`) and
 * the bad value. With `task`, also checks that the loss suits the task.
 */
export function validateRecipe(recipe: RecipeSpec, task?: { task: Task; numClasses?: number }): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const bad = (field: string, what: string, v: unknown) => issues.push({ layerId: null, field: `recipe.${field}`, message: `\`${field}\` must be ${what}, got ${fmt(v)}` });
  if (!LOSSES.includes(recipe.loss)) bad('loss', `one of ${LOSSES.join(', ')}`, recipe.loss);
  else if (task) {
    const classLoss = recipe.loss === 'crossEntropy' || recipe.loss === 'binaryCrossEntropy';
    if (task.task === 'regression' && classLoss) bad('loss', "'mse', 'mae' or 'huber' for a regression task", recipe.loss);
    if (task.task === 'classification' && !classLoss) bad('loss', "'crossEntropy' or 'binaryCrossEntropy' for a classification task", recipe.loss);
    if (task.task === 'classification' && recipe.loss === 'binaryCrossEntropy' && (task.numClasses ?? 2) !== 2) {
      bad('loss', `'crossEntropy' for ${task.numClasses} classes ('binaryCrossEntropy' needs exactly 2)`, recipe.loss);
    }
  }
  const o = recipe.optimizer;
  if (!o || !OPTIMIZERS.includes(o.type)) bad('optimizer.type', `one of ${OPTIMIZERS.join(', ')}`, o?.type);
  if (!(isNonNeg(o?.lr) && o.lr > 0)) bad('optimizer.lr', 'a positive number', o?.lr);
  if (!isNonNeg(o?.weightDecay)) bad('optimizer.weightDecay', 'a non-negative number', o?.weightDecay);
  if (!(isNonNeg(o?.momentum) && o.momentum < 1)) bad('optimizer.momentum', 'a number in [0, 1)', o?.momentum);
  if (o?.type === 'nesterov' && !(o.momentum > 0)) bad('optimizer.momentum', "greater than 0 for 'nesterov'", o.momentum);
  if (!isPosInt(recipe.batchSize)) bad('batchSize', 'a positive integer', recipe.batchSize);
  if (!isPosInt(recipe.epochs)) bad('epochs', 'a positive integer', recipe.epochs);
  if (recipe.gradientClipVal !== null && !isNonNeg(recipe.gradientClipVal)) bad('gradientClipVal', 'a non-negative number or null', recipe.gradientClipVal);
  if (recipe.seed !== null && !(Number.isInteger(recipe.seed) && recipe.seed >= 0)) bad('seed', 'a non-negative integer or null', recipe.seed);
  const es = recipe.earlyStopping;
  if (es !== null) {
    if (typeof es?.monitor !== 'string' || es.monitor === '') bad('earlyStopping.monitor', 'a metric name such as "val_loss"', es?.monitor);
    if (!(Number.isInteger(es?.patience) && es.patience >= 0)) bad('earlyStopping.patience', 'a non-negative integer', es?.patience);
    if (es?.mode !== 'min' && es?.mode !== 'max') bad('earlyStopping.mode', "'min' or 'max'", es?.mode);
  }
  validateSchedule(recipe.lrSchedule, bad);
  return issues;
}

function validateSchedule(s: ScheduleSpec, bad: (field: string, what: string, v: unknown) => void): void {
  if (!s || !SCHEDULES.includes(s.type)) {
    bad('lrSchedule.type', `one of ${SCHEDULES.join(', ')}`, s?.type);
    return;
  }
  const gammaOk = (g: number) => isNonNeg(g) && g > 0 && g <= 1;
  switch (s.type) {
    case 'step':
      if (!isPosInt(s.stepSize)) bad('lrSchedule.stepSize', 'a positive integer', s.stepSize);
      if (!gammaOk(s.gamma)) bad('lrSchedule.gamma', 'a number in (0, 1]', s.gamma);
      break;
    case 'multiStep':
      if (!Array.isArray(s.milestones) || !s.milestones.every(isPosInt)) bad('lrSchedule.milestones', 'a list of positive integers', s.milestones);
      if (!gammaOk(s.gamma)) bad('lrSchedule.gamma', 'a number in (0, 1]', s.gamma);
      break;
    case 'exponential':
      if (!gammaOk(s.gamma)) bad('lrSchedule.gamma', 'a number in (0, 1]', s.gamma);
      break;
    case 'cosine':
      if (s.tMax !== undefined && !isPosInt(s.tMax)) bad('lrSchedule.tMax', 'a positive integer', s.tMax);
      if (!isNonNeg(s.etaMin)) bad('lrSchedule.etaMin', 'a non-negative number', s.etaMin);
      break;
    case 'oneCycle':
      if (s.maxLr !== undefined && !(isNonNeg(s.maxLr) && s.maxLr > 0)) bad('lrSchedule.maxLr', 'a positive number', s.maxLr);
      if (!(isNonNeg(s.pctStart) && s.pctStart > 0 && s.pctStart < 1)) bad('lrSchedule.pctStart', 'a number in (0, 1)', s.pctStart);
      break;
    case 'linearWarmup':
      if (!isPosInt(s.warmupEpochs)) bad('lrSchedule.warmupEpochs', 'a positive integer', s.warmupEpochs);
      if (!(isNonNeg(s.startFactor) && s.startFactor > 0 && s.startFactor <= 1)) bad('lrSchedule.startFactor', 'a number in (0, 1]', s.startFactor);
      break;
    case 'reduceOnPlateau':
      if (typeof s.monitor !== 'string' || s.monitor === '') bad('lrSchedule.monitor', 'a metric name such as "val_loss"', s.monitor);
      if (s.mode !== 'min' && s.mode !== 'max') bad('lrSchedule.mode', "'min' or 'max'", s.mode);
      if (!(isNonNeg(s.factor) && s.factor > 0 && s.factor < 1)) bad('lrSchedule.factor', 'a number in (0, 1)', s.factor);
      if (!(Number.isInteger(s.patience) && s.patience >= 0)) bad('lrSchedule.patience', 'a non-negative integer', s.patience);
      break;
    default:
      break;
  }
}

/** The Model step's labels of the recipe fields, for messages in the page's words. */
const RECIPE_LABELS: Record<string, string> = {
  loss: 'Loss',
  'optimizer.type': 'Optimizer',
  'optimizer.lr': 'Learning rate',
  'optimizer.weightDecay': 'Weight decay',
  'optimizer.momentum': 'Momentum',
  batchSize: 'Batch size',
  epochs: 'Epochs',
  gradientClipVal: 'Gradient clipping (norm)',
  seed: 'Seed',
  'earlyStopping.monitor': 'Early stopping metric',
  'earlyStopping.patience': 'Early stopping (patience)',
  'earlyStopping.mode': 'Early stopping mode',
};

export interface RecipeProblem {
  /** The recipe field (`optimizer.lr`), as in `validateRecipe`. */
  field: string;
  /** The label the page shows for it ("Learning rate"). */
  label: string;
  /** "Learning rate must be a positive number, got -1". */
  message: string;
}

/** `validateRecipe`'s problems, each named by the label the Model step shows. */
export function recipeProblems(recipe: RecipeSpec, task?: { task: Task; numClasses?: number }): RecipeProblem[] {
  return validateRecipe(recipe, task).map((issue) => {
    const field = (issue.field ?? 'recipe').replace(/^recipe\./, '');
    const label = RECIPE_LABELS[field] ?? (field.startsWith('lrSchedule.') ? `LR schedule ${field.slice('lrSchedule.'.length)}` : field);
    return { field, label, message: issue.message.replace(/^`[^`]+` must be/, `${label} must be`) };
  });
}
