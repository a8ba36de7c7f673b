export {
  Optimizer,
  serializeTensor,
  deserializeTensor,
  type SerializedTensor,
  type ParamGroup,
  type ParamGroupInit,
  type OptimizerState,
} from './optimizer';
export { SlotOptimizer, type ParamState } from './slot-optimizer';
export { SGD, type SGDOptions, type SGDParamGroup } from './sgd';
export { Adam, AdamW, type AdamOptions, type AdamParamGroup } from './adam';
export { fusedAdamAvailable, registerFusedAdamKernels, FUSED_ADAM_BACKENDS } from './fused-adam';
export { RMSprop, type RMSpropOptions, type RMSpropParamGroup } from './rmsprop';
export { clipGradNorm, clipGradValue, gradNorm, type ClippedGrads } from './clip';
