// Node-only helpers (useWasmBackendInNode) live in ./node-wasm and are not
// re-exported here, because they import `node:` modules a browser bundle lacks.
export { registerWasmTrainingKernels, wasmTrainingKernelConfigs } from './wasm-kernels';
export { restoreBuiltinConv2DBackpropInput, wasmConv2DBackpropInputConfig } from './wasm-conv-input';
export {
  ACCELERATORS,
  BACKEND_ORDER,
  DETERMINISTIC_BACKENDS,
  deterministicConflict,
  selectBackend,
  type Accelerator,
  type BackendName,
  type BackendRejection,
  type BackendSelection,
  type SelectBackendOptions,
  type WasmFeatures,
} from './select';
export { isCrossOriginIsolated, type AdapterInfo } from './probes';
export { wasmKernelOverrides } from './wasm-kernels';
