/**
 * What an augmentation does, shown before training: a few training images
 * of the loaded dataset, each as loaded and as several random draws of the
 * same `augmentBatch` the run applies.
 */
import * as tf from '@tensorflow/tfjs-core';
import { augmentBatch, checkAugmentation, makeThumbnail, type AugmentationSpec } from '../data';
import type { LoadedData } from './dataset-report';
import type { AugmentationPreview } from './protocol';

export const PREVIEW_IMAGES = 6;
export const PREVIEW_DRAWS = 4;

/** Training rows to show: the first of each class in turn, up to `count`. */
function previewRows(labels: ArrayLike<number>, train: Int32Array, count: number): number[] {
  const byClass = new Map<number, number[]>();
  for (const r of train) {
    const c = labels[r]!;
    const list = byClass.get(c) ?? [];
    if (list.length < count) list.push(r);
    byClass.set(c, list);
  }
  const out: number[] = [];
  for (let k = 0; out.length < count && k < count; k++) {
    for (const list of byClass.values()) if (list[k] !== undefined && out.length < count) out.push(list[k]!);
  }
  return out;
}

export async function augmentationPreview(data: LoadedData, spec: AugmentationSpec, seed: number): Promise<AugmentationPreview> {
  try {
    checkAugmentation(spec);
  } catch (err) {
    throw new Error(`\`augmentation\`: ${(err as Error).message}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`\`seed\` must be an integer, got ${JSON.stringify(seed)}`);
  const ds = data.dataset;
  const [height, width, channels] = ds.inputShape as [number, number, number];
  if (ds.inputShape.length !== 3 || height !== width) {
    throw new Error(`augmentation applies to image datasets; ${JSON.stringify(ds.name)} has rows of shape [${ds.inputShape.join(', ')}]`);
  }
  const rows = previewRows(ds.y, ds.splits.train, PREVIEW_IMAGES);
  if (rows.length === 0) throw new Error(`the dataset ${JSON.stringify(ds.name)} has no training rows to preview`);
  const per = height * width * channels;
  const pixels = new Float32Array(rows.length * per);
  rows.forEach((r, i) => pixels.set(ds.x.subarray(r * per, (r + 1) * per), i * per));
  const label = (r: number) => ds.labelNames[ds.y[r] as number] ?? String(ds.y[r]);
  const x = tf.tensor4d(pixels, [rows.length, height, width, channels]);
  try {
    const draws: Float32Array[] = [];
    for (let d = 0; d < PREVIEW_DRAWS; d++) {
      const out = augmentBatch(x, spec, seed * PREVIEW_DRAWS + d);
      try {
        draws.push((await out.data()) as Float32Array);
      } finally {
        out.dispose();
      }
    }
    return {
      images: rows.map((r, i) => ({
        original: makeThumbnail(pixels.subarray(i * per, (i + 1) * per), width, channels, label(r), `#${r}`),
        augmented: draws.map((v, d) => makeThumbnail(v.subarray(i * per, (i + 1) * per), width, channels, label(r), `#${r} draw ${d + 1}`)),
      })),
    };
  } finally {
    x.dispose();
  }
}
