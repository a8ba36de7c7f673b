/**
 * The data layer's public API: built-in datasets, CSV parsing and reports,
 * the preprocessing spec, splits, image folders and zips, augmentation, and
 * tensors. Everything but `tensors` and `augmentBatch` is tf-free plain data
 * that can cross the worker boundary.
 */
export { DataError, isDataError, makeIssue, formatBytes, quoteValue, type DataIssue, type DataIssueParts } from './errors';
export type { Task, RawTable, Splits, EncodedDataset } from './types';
export { numRows, exampleSize } from './types';
export { makeRng, shuffleInPlace, gaussian, type Rng } from './random';
export { splitIndices, checkSplitOptions, type SplitOptions } from './split';

// CSV
export { parseCsv, parseCsvText, looksLikeHeader, describeDelimiter, CSV_MEMORY_FACTOR, DEFAULT_CSV_BUDGET, type CsvOptions, type CsvProgress, type ParsedCsv, type Delimiter } from './csv/parse';
export { loadCsv, type LoadedCsv } from './csv/load';
export { readText, readTextChunks, binaryReason, type TextSource } from './csv/text';
export { isMissing, parseNumber, parseBoolean, parseDate, MISSING_MARKERS } from './csv/cells';
export { inferColumn, type ColumnInfo, type ColumnType, type NumericSummary, type CategoryCount } from './csv/infer';
export { buildReport, defaultTask, defaultTarget, summariseTarget, findColumn, type TableReport, type TargetSummary } from './csv/report';

// Encoding
export {
  SPEC_VERSION,
  checkSpec,
  outputWidth,
  featureOutputNames,
  type PreprocessingSpec,
  type TableSpec,
  type ImageSpec,
  type FeatureSpec,
  type NumericFeature,
  type CategoricalFeature,
  type TargetSpec,
  type ClassificationTarget,
  type RegressionTarget,
  type DroppedColumn,
} from './encode/spec';
export { fitPreprocessing, sortClasses, type EncodeOptions } from './encode/fit';
export { applyPreprocessing, decodeRegression, encodeTargetCell, unreadableCell, type CellValue, type InputRows, type EncodedRows } from './encode/apply';
export { prepareTable, DEFAULT_SPLIT, type TableDatasetOptions } from './prepare';

// Images
export { collectImages, expandZips, normalisePath, type FileEntry, type LabelledImage, type IgnoredFile, type CollectedImages } from './images/entries';
export {
  loadImages,
  encodeImage,
  datasetThumbnails,
  makeThumbnail,
  estimateImageMemory,
  IMAGE_SIZES,
  DEFAULT_MEMORY_BUDGET,
  type ImageDecoder,
  type ImageLoadOptions,
  type ImageLoadResult,
  type ImageReport,
  type Thumbnail,
} from './images/load';
export { resizeImage, toChannels, toRgbaBytes, type RgbaImage, type ResizeMethod } from './images/resize';
export { imageFormat, imageSize, hasImageExtension, IMAGE_EXTENSIONS, type ImageFormat } from './images/sniff';
export { browserDecoder, canDecodeInThisEnvironment } from './images/decode-browser';
export { checkAugmentation, describeAugmentation, isNoAugmentation, NO_AUGMENTATION, MILD_AUGMENTATION, type AugmentationSpec } from './images/augment';
export { augmentBatch, rotateAndShift } from './images/augment-tf';

// Built-ins
export { loadBuiltin, readManifest, fetchReader, type ReadFile, type BuiltinOptions, type LoadedBuiltin } from './builtins/index';
export {
  parseManifest,
  listBuiltins,
  GENERATED_BUILTINS,
  MANIFEST_FILE,
  type Manifest,
  type BuiltinInfo,
  type PackedBuiltin,
  type ImageBuiltin,
  type TableBuiltin,
  type GeneratedBuiltin,
  type ToyName,
} from './builtins/manifest';
export { decodeMnist, mnistSplits, MNIST_SPLIT_SEED, MNIST_CLASSES, type MnistOptions } from './builtins/mnist';
export { makeToy, makeToyRegression, makePlayground, PLAYGROUND_SETS, type ToyOptions } from './builtins/toy';
export { loadTableBuiltin, type LoadedTable } from './builtins/tables';

// Tensors (tf)
export { toTensors, toTensorDataset, gatherSplit, type XY, type TensorOptions, type SplitName } from './tensors';
