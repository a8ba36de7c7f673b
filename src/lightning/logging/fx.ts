/** Where `this.log` may be called and with which defaults (Lightning's _FxValidator, in camelCase). */
interface FxRule {
  /** Default for onStep / onEpoch. */
  defaults: [onStep: boolean, onEpoch: boolean];
  /** Whether onStep=true is allowed. */
  allowStep: boolean;
}

const stepLike: FxRule = { defaults: [true, false], allowStep: true };
const evalStep: FxRule = { defaults: [false, true], allowStep: true };
const epochOnly: FxRule = { defaults: [false, true], allowStep: false };

export const FX_RULES: Record<string, FxRule> = {
  trainingStep: stepLike,
  onTrainBatchStart: stepLike,
  onTrainBatchEnd: stepLike,
  onBeforeBackward: stepLike,
  onAfterBackward: stepLike,
  onBeforeOptimizerStep: stepLike,
  onBeforeZeroGrad: stepLike,
  optimizerStep: stepLike,
  configureGradientClipping: stepLike,
  validationStep: evalStep,
  testStep: evalStep,
  onValidationBatchStart: evalStep,
  onValidationBatchEnd: evalStep,
  onTestBatchStart: evalStep,
  onTestBatchEnd: evalStep,
  onTrainStart: epochOnly,
  onTrainEpochStart: epochOnly,
  onTrainEpochEnd: epochOnly,
  onValidationStart: epochOnly,
  onValidationEpochStart: epochOnly,
  onValidationEpochEnd: epochOnly,
  onTestStart: epochOnly,
  onTestEpochStart: epochOnly,
  onTestEpochEnd: epochOnly,
};
