/**
 * Weight quantisation in the format of tfjs's converter: each float32 weight
 * is stored as float16, or as uint8 with a per-tensor affine map
 * value ≈ q · scale + min, and the manifest entry carries
 * `quantization: { dtype, min, scale }`, so `tf.loadLayersModel`
 * dequantises on load with no code of ours.
 */
import type * as tf from '@tensorflow/tfjs';
import { toFloat16Array } from './float16';

export type Quantization = 'float16' | 'uint8';
export const QUANTIZATIONS: readonly Quantization[] = ['float16', 'uint8'];

type WeightSpec = tf.io.WeightsManifestEntry;

interface AffineRange {
  min: number;
  scale: number;
}

/**
 * The uint8 map for values in [lo, hi]. When the range holds 0 it is nudged
 * so that 0 maps to an integer exactly (as the converter does), which keeps
 * zero biases and zero padding exact.
 */
export function affineRange(lo: number, hi: number, levels = 255): AffineRange {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new Error(`weights must be finite to quantise, got range [${lo}, ${hi}]`);
  if (hi === lo) return { min: lo, scale: 1 };
  const scale = (hi - lo) / levels;
  if (lo <= 0 && hi >= 0) {
    const zero = Math.round(-lo / scale);
    return { min: -zero * scale, scale };
  }
  return { min: lo, scale };
}

export function quantizeUint8(values: Float32Array): { bytes: Uint8Array; range: AffineRange } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) return { bytes: new Uint8Array(0), range: { min: 0, scale: 1 } };
  const range = affineRange(lo, hi);
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i]! - range.min) / range.scale);
    bytes[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return { bytes, range };
}

function sizeOf(spec: WeightSpec): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

/**
 * Rewrites float32 weights (specs in order, data concatenated) in the given
 * quantisation; weights of other dtypes are kept as they are.
 */
export function quantizeWeights(specs: readonly WeightSpec[], data: ArrayBuffer, dtype: Quantization): { specs: WeightSpec[]; data: ArrayBuffer } {
  if (!QUANTIZATIONS.includes(dtype)) throw new Error(`\`quantize\` must be one of ${QUANTIZATIONS.join(', ')}, got ${JSON.stringify(dtype)}`);
  const parts: Uint8Array[] = [];
  const out: WeightSpec[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization) throw new Error(`weight ${spec.name} is already quantised (${spec.quantization.dtype})`);
    const bytesPer = spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : spec.dtype === 'bool' ? 1 : NaN;
    if (Number.isNaN(bytesPer)) throw new Error(`weight ${spec.name} has dtype ${spec.dtype}, which cannot be exported`);
    const length = sizeOf(spec) * bytesPer;
    const raw = new Uint8Array(data, offset, length);
    offset += length;
    if (spec.dtype !== 'float32') {
      parts.push(raw.slice());
      out.push({ ...spec });
      continue;
    }
    const values = new Float32Array(raw.slice().buffer);
    if (dtype === 'float16') {
      parts.push(new Uint8Array(toFloat16Array(values).buffer));
      out.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      const { bytes, range } = quantizeUint8(values);
      parts.push(bytes);
      out.push({ ...spec, quantization: { dtype: 'uint8', min: range.min, scale: range.scale } });
    }
  }
  if (offset !== data.byteLength) throw new Error(`weight data holds ${data.byteLength} bytes but the specs describe ${offset}`);
  return { specs: out, data: concatBytes(parts).buffer as ArrayBuffer };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
