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
  checkManifest(manifest);
  if (typeof json.modelTopology !== 'object' || Array.isArray(json.modelTopology)) throw new Error(`\`${MODEL_JSON}\`'s \`modelTopology\` must be an object, got ${JSON.stringify(json.modelTopology)?.slice(0, 40)}`);
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
  const listed = specs.reduce((n, w) => n + entryBytes(w), 0);
  const held = parts.reduce((n, p) => n + p.length, 0);
  if (listed !== held) {
    throw new Error(`the weights are ${held} bytes but ${MODEL_JSON} lists ${listed} bytes for ${specs.length} weights; a shard is truncated or from another model`);
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

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a manifest entry takes in the shards (its quantised dtype when quantised). */
function entryBytes(w: tf.io.WeightsManifestEntry): number {
  const count = w.shape.reduce((a, b) => a * b, 1);
  return count * DTYPE_BYTES[w.quantization?.dtype ?? w.dtype]!;
}

/** The manifest's shape, checked before tfjs reads it (a hand-edited file would fail inside tfjs with no name). */
function checkManifest(manifest: unknown): asserts manifest is tf.io.WeightsManifestConfig {
  const bad = (what: string, v: unknown) => new Error(`\`${MODEL_JSON}\`: ${what}, got ${JSON.stringify(v)?.slice(0, 60)}`);
  if (!Array.isArray(manifest)) throw bad('`weightsManifest` must be a list of weight groups', manifest);
  manifest.forEach((g: unknown, i) => {
    const group = g as Partial<tf.io.WeightsManifestConfig[number]> | null;
    if (!group || typeof group !== 'object') throw bad(`weight group ${i} must be an object`, g);
    if (!Array.isArray(group.paths) || !group.paths.every((p: unknown) => typeof p === 'string')) throw bad(`weight group ${i}'s \`paths\` must be a list of file names`, group.paths);
    if (!Array.isArray(group.weights)) throw bad(`weight group ${i}'s \`weights\` must be a list`, group.weights);
    group.weights.forEach((w: unknown, j: number) => {
      const e = w as Partial<tf.io.WeightsManifestEntry> | null;
      const where = `weight ${j} of group ${i}`;
      if (!e || typeof e !== 'object' || typeof e.name !== 'string') throw bad(`${where} must have a \`name\``, w);
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`${where} ("${e.name}") must have a \`shape\` of whole numbers`, e.shape);
      if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) throw bad(`${where} ("${e.name}") has an unknown \`dtype\``, e.dtype);
      const q = e.quantization as { dtype?: unknown } | undefined;
      if (q !== undefined && (q === null || typeof q !== 'object' || typeof q.dtype !== 'string' || !(q.dtype in DTYPE_BYTES))) throw bad(`${where} ("${e.name}") has an unknown quantisation`, q);
    });
  });
}

/** Internal tfjs failures on a malformed topology (a TypeError from deep inside): they name nothing a person can fix. */
const INTERNAL_ERROR = /Cannot read propert|undefined is not|is not a function|is not iterable|of undefined|of null/;

/**
 * Loads Layers-format files held in memory (`model.json` and its shards). A
 * load that fails frees the weights tfjs had already made, and a failure
 * deep inside tfjs is reported as the malformed topology it comes from.
 */
export async function loadLayersModelFromFiles(files: ModelFiles): Promise<tf.LayersModel> {
  const artifacts = modelArtifactsFromFiles(files);
  const variables = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!variables.has(name)) v.dispose();
    const message = (e as Error)?.message ?? String(e);
    if (INTERNAL_ERROR.test(message)) throw new Error(`\`${MODEL_JSON}\`'s \`modelTopology\` is not a Layers model tfjs can build (it failed with a ${(e as Error)?.name ?? 'error'} while reading it)`);
    throw e instanceof Error ? e : new Error(message);
  }
}
