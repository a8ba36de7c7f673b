import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScratch } from './wasm-scratch';

/*
 * Shape helpers shared by the composed WASM convolution gradients. Notation
 * per spatial axis: input size H, filter size fh, stride s, dilation d,
 * padding top pt, output size Ho. The forward pass reads x_padded[o*s + i*d]
 * for output o and filter tap i.
 */

export type Shape4 = [number, number, number, number];
type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

export function explicitPad(top: number, bottom: number, left: number, right: number): ExplicitPad {
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

/** Inserts s-1 zeros after every row (axis 1) of a [B,H,W,C] tensor. */
export function spreadRows(s: KernelScratch, t: TensorInfo, stride: number): TensorInfo {
  if (stride === 1) return t;
  const [b, h, w, c] = t.shape;
  const padded = s.run('PadV2', { x: s.reshape(t, [b, h, 1, w * c]) }, {
    paddings: [[0, 0], [0, 0], [0, stride - 1], [0, 0]],
    constantValue: 0,
  });
  return s.reshape(padded, [b, h * stride, w, c]);
}

/** Inserts s-1 zeros after every column (axis 2) of a [B,H,W,C] tensor. */
export function spreadColumns(s: KernelScratch, t: TensorInfo, stride: number): TensorInfo {
  if (stride === 1) return t;
  const [b, h, w, c] = t.shape;
  const padded = s.run('PadV2', { x: s.reshape(t, [b * h, w, 1, c]) }, {
    paddings: [[0, 0], [0, 0], [0, stride - 1], [0, 0]],
    constantValue: 0,
  });
  return s.reshape(padded, [b, h, w * stride, c]);
}

/**
 * Trailing padding that makes a correlation of x_padded with dy (dy's taps
 * spaced `tapSpacing` apart, outputs spaced `outSpacing` apart) yield at least
 * `filterSize` outputs. Never negative: when the forward pass ignored a tail
 * of the input, the result is one or more rows too long and gets cropped.
 */
export function gradPadEnd(
  inSize: number, padStart: number, outSize: number, filterSize: number, tapSpacing: number, outSpacing: number,
): number {
  const needed = (filterSize - 1) * outSpacing + (outSize - 1) * tapSpacing + 1;
  return Math.max(0, needed - inSize - padStart);
}

interface AxisAlignment {
  padStart: number;
  padEnd: number;
  cropStart: number;
  keep: number;
}

/**
 * How to line the zero-spread dy (length `spread`) up for a valid
 * correlation with the flipped filter: dx[h] = sum_i' v[h + i'*d] W[fh-1-i'],
 * where v is the spread dy shifted right by (fh-1)*d - pt. Positive shifts
 * become conv padding; negative ones (padding wider than the filter) crop.
 * The tail that the forward pass ignored gets no contribution, which the
 * trailing padding (or crop) accounts for.
 */
export function alignAxis(inSize: number, padStart: number, spread: number, filterSize: number, dilation: number): AxisAlignment {
  const lead = (filterSize - 1) * dilation - padStart;
  const trail = inSize + (filterSize - 1) * dilation - lead - spread;
  const cropStart = Math.max(0, -lead);
  const keep = spread - cropStart - Math.max(0, -trail);
  return { padStart: Math.max(0, lead), padEnd: Math.max(0, trail), cropStart, keep };
}
