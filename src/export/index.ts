/**
 * Export and re-import: TensorFlow.js model files (optionally quantised),
 * the deployable bundle with its standalone page, schema checks for a
 * re-imported model, and the PyTorch Lightning project. Worker-safe: no DOM,
 * no Node modules (the Node-only `loadRuntimeNode` lives in runtime-node.ts).
 */
export { MODEL_JSON, SHARD_BYTES, exportLayersModel, filesBytes, loadLayersModelFromFiles, modelArtifactsFromFiles, type ExportModelOptions, type ModelFiles } from './model-files';
export { QUANTIZATIONS, affineRange, quantizeWeights, type Quantization } from './quantize';
export { compareQuantization, type CompareOptions, type EvaluateFn, type Variant, type VariantReport } from './variants';
export { metricsCsv, modelCard, type CardInfo, type HistoryRow } from './card';
export {
  BUNDLE_JSON,
  PREPROCESSING_JSON,
  RUNTIME_FILE,
  buildBundle,
  bundleFileName,
  bundleFiles,
  readBundle,
  readModelFiles,
  type BundleInput,
  type BundleManifest,
  type ImportedModel,
  type OutputKind,
} from './bundle';
export { checkSchema, schemaOf, type SchemaTarget, type DatasetColumn, type ImageDatasetShape, type SchemaIssue, type SchemaIssueKind, type SchemaReport } from './schema';
export { csvCell, escapeHtml, markdownText, sanitizeFileName } from './text';
export { exportPyTorchProject, PYTORCH_FILES, type PyTorchExportInput } from './pytorch/project';
export { namedWeights, type NamedWeight, type NamedWeights } from './pytorch/weights';
