/**
 * A tf.LayersModel as the standard TensorFlow.js Layers files (`model.json`
 * plus binary weight shards), and back. The files are what `model.save` to
 * a folder writes, so `tf.loadLayersModel('…/model.json')` reads them in a
 * browser and in Node, with quantised weights dequantised by tfjs itself.
 */
import * as tf from '@tensorflow/tfjs';
import { concatBytes, quantizeWeights, type Quantization } from './quantize';

export type ModelFiles = Record<string, Uint8Array>;

/** tfjs's converter splits weights into 4 MB shards (a size browsers cache well). */
export const SHARD_BYTES = 4 * 1024 * 1024;
export const MODEL_JSON = 'model.json';

export interface ExportModelOptions {
  quantize?: Quantization;
  /** Largest shard, in bytes (default 4 MB). */
  shardBytes?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function textFile(text: string): Uint8Array {
  return encoder.encode(text);
}

export function readText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function weightBytes(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? (concatBytes(data.map((b) => new Uint8Array(b))).buffer as ArrayBuffer) : data;
}

/** The model's topology, weight specs and weights as `model.save` hands them over. */
async function captureArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (captured === null) throw new Error('model.save did not hand over any artifacts');
  return captured;
}

/** Shard file names as tfjs writes them: group1-shard1of3.bin, … */
function shardNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
}

/** The model as Layers-format files: `model.json` and `group1-shardNofM.bin`. */
export async function exportLayersModel(model: tf.LayersModel, options: ExportModelOptions = {}): Promise<ModelFiles> {
  const shardBytes = options.shardBytes ?? SHARD_BYTES;
  if (!(Number.isInteger(shardBytes) && shardBytes > 0)) throw new Error(`\`shardBytes\` must be a positive integer, got ${shardBytes}`);
  const artifacts = await captureArtifacts(model);
  let specs = artifacts.weightSpecs ?? [];
  let data = weightBytes(artifacts.weightData);
  if (options.quantize !== undefined) ({ specs, data } = quantizeWeights(specs, data, options.quantize));
  const bytes = new Uint8Array(data);
  const count = Math.max(1, Math.ceil(bytes.byteLength / shardBytes));
  const names = shardNames(count);
  const files: ModelFiles = {};
  // A weight may straddle two shards: tfjs concatenates a group's shards before slicing weights.
  names.forEach((name, i) => {
    files[name] = bytes.slice(i * shardBytes, Math.min(bytes.byteLength, (i + 1) * shardBytes));
  });
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: options.quantize ? `Volt Studio export (${options.quantize} quantisation)` : null,
    weightsManifest: [{ paths: names, weights: specs }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  files[MODEL_JSON] = textFile(JSON.stringify(json));
  return files;
}

/** Total size of a set of files in bytes. */
export function filesBytes(files: ModelFiles): number {
  return Object.values(files).reduce((n, f) => n + f.byteLength, 0);
}

function baseName(path: string): string {
  return path.replace(/^\.\//, '').split('/').pop() ?? path;
}

/** Parses `model.json` and collects its shards, naming any file that is missing. */
export function modelArtifactsFromFiles(files: ModelFiles): tf.io.ModelArtifacts {
  const jsonBytes = files[MODEL_JSON];
  if (!jsonBytes) {
    throw new Error(`\`${MODEL_JSON}\` is missing; got ${Object.keys(files).map((n) => JSON.stringify(n)).join(', ') || 'no files'}`);
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(readText(jsonBytes)) as tf.io.ModelJSON;
  } catch (e) {
    throw new Error(`\`${MODEL_JSON}\` is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new Error(`\`${MODEL_JSON}\` has no \`modelTopology\`; it is not a TensorFlow.js model`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new Error(`\`${MODEL_JSON}\` must be a Layers model (format "layers-model"), got format ${JSON.stringify(json.format)}`);
  }
  const manifest = json.weightsManifest ?? [];
  const parts: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const shard = files[baseName(path)];
      if (!shard) throw new Error(`weight shard \`${baseName(path)}\` (listed in ${MODEL_JSON}) is missing`);
      parts.push(shard);
    }
    specs.push(...group.weights);
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData: concatBytes(parts).buffer as ArrayBuffer,
  };
  if (json.trainingConfig) artifacts.trainingConfig = json.trainingConfig;
  return artifacts;
}

/** Loads Layers-format files held in memory (`model.json` and its shards). */
export async function loadLayersModelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(modelArtifactsFromFiles(files)));
}
