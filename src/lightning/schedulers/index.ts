export { LRScheduler } from './scheduler';
export {
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  LambdaLR,
  type StepLROptions,
  type MultiStepLROptions,
  type ExponentialLROptions,
  type CosineAnnealingLROptions,
  type LinearLROptions,
  type LambdaLROptions,
  type LrLambda,
} from './basic';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau';
