/**
 * tfjs weights → PyTorch layout, written as one float32 little-endian
 * `weights.bin` and a `weights.json` manifest (name, shape, offset), so the
 * Python side needs neither pickles nor numpy to load them.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WeightMapping } from './network';

export interface NamedWeight {
  shape: number[];
  values: Float32Array;
}
/** Weights by their tfjs name (as in model.json), e.g. `l0_dense/kernel`. */
export type NamedWeights = Record<string, NamedWeight>;

interface TorchWeightEntry {
  name: string;
  /** The tfjs weight it came from. */
  source: string;
  shape: number[];
  size: number;
  /** Byte offset in weights.bin. */
  offset: number;
}

interface TorchWeightsManifest {
  format: 'volt-torch-weights';
  version: 1;
  file: string;
  dtype: 'float32';
  byteOrder: 'little';
  tensors: TorchWeightEntry[];
}

/** Every weight of a tf model by its saved name (reads the values back, so call it once, not per step). */
export async function namedWeights(model: tf.LayersModel): Promise<NamedWeights> {
  const out: NamedWeights = {};
  for (const w of model.weights) {
    const data = await w.read().data();
    out[w.originalName] = { shape: w.shape.map((d) => d ?? 1), values: Float32Array.from(data as Float32Array) };
  }
  return out;
}

/** [in, out] → [out, in]. */
function transposeDense(w: NamedWeight): NamedWeight {
  const [rows, cols] = w.shape as [number, number];
  const out = new Float32Array(w.values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = w.values[i * cols + j]!;
  return { shape: [cols, rows], values: out };
}

/** [h, w, in, out] → [out, in, h, w]. */
function transposeConv(w: NamedWeight): NamedWeight {
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = w.values[((y * kw + x) * ci + i) * co + o]!;
  return { shape: [co, ci, kh, kw], values: out };
}

function convert(w: NamedWeight, m: WeightMapping): NamedWeight {
  const rank = m.layout === 'dense' ? 2 : m.layout === 'conv' ? 4 : w.shape.length;
  if (w.shape.length !== rank) throw new Error(`weight \`${m.tf}\` must have rank ${rank} for ${m.torch}, got shape [${w.shape.join(', ')}]`);
  if (m.layout === 'dense') return transposeDense(w);
  if (m.layout === 'conv') return transposeConv(w);
  return { shape: w.shape.slice(), values: w.values };
}

/** The weights.bin bytes and weights.json manifest for a network's mappings. */
export function torchWeights(weights: NamedWeights, mappings: readonly WeightMapping[], file = 'weights.bin'): { bin: Uint8Array; manifest: TorchWeightsManifest } {
  const used = new Set<string>();
  const tensors: TorchWeightEntry[] = [];
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const m of mappings) {
    const w = weights[m.tf];
    if (!w) throw new Error(`weight \`${m.tf}\` (for ${m.torch}) is missing from the model; got ${Object.keys(weights).join(', ') || 'no weights'}`);
    used.add(m.tf);
    const t = convert(w, m);
    tensors.push({ name: m.torch, source: m.tf, shape: t.shape, size: t.values.length, offset });
    parts.push(t.values);
    offset += t.values.byteLength;
  }
  const extra = Object.keys(weights).filter((n) => !used.has(n));
  if (extra.length > 0) throw new Error(`the model has weights the spec does not explain: ${extra.join(', ')}; was it built from this spec?`);
  const bin = new Uint8Array(offset);
  const view = new DataView(bin.buffer);
  let at = 0;
  for (const p of parts) for (const v of p) (view.setFloat32(at, v, true), (at += 4));
  return { bin, manifest: { format: 'volt-torch-weights', version: 1, file, dtype: 'float32', byteOrder: 'little', tensors } };
}
