/**
 * Loading an image dataset: labelled entries → memory estimate → decode
 * (through an injected decoder) → resize → grey or RGB in [0, 1], plus class
 * counts, sample thumbnails and the lists of ignored and skipped files.
 */
import { DataError, formatBytes, makeIssue, type DataIssue } from '../errors';
import { splitIndices, type SplitOptions } from '../split';
import type { EncodedDataset } from '../types';
import { SPEC_VERSION, type ImageSpec } from '../encode/spec';
import { collectImages, type FileEntry, type IgnoredFile } from './entries';
import { imageFormat, imageSize } from './sniff';
import { resizeImage, toChannels, toRgbaBytes, type ResizeMethod, type RgbaImage } from './resize';

/** Decodes one file to RGBA; the worker passes `browserDecoder`, tests a Node one. */
export type ImageDecoder = (bytes: Uint8Array, name: string) => Promise<RgbaImage>;

export const IMAGE_SIZES = [28, 32, 64, 96, 128] as const;

export interface ImageLoadOptions {
  decode: ImageDecoder;
  /** Output side in pixels (the UI offers 28, 32, 64, 96, 128). */
  size: number;
  channels: 1 | 3;
  /** Default 'auto' (area when shrinking, bilinear when enlarging). */
  resize?: ResizeMethod;
  /** Grey level under transparent pixels (default 255, white). */
  background?: number;
  /** Refuse before decoding when the estimate exceeds this many bytes (default 1 GiB). */
  memoryBudget?: number;
  /** Name of the upload in messages (default "upload"). */
  source?: string;
  /** Thumbnails kept per class (default 4). */
  thumbnailsPerClass?: number;
  /** Default { validation: 0.2, test: 0.1, seed: 42 }, stratified. */
  split?: SplitOptions;
  onProgress?: (p: { done: number; total: number }) => void;
}

export interface Thumbnail {
  label: string;
  path: string;
  width: number;
  height: number;
  /** RGBA bytes, ready for an ImageData. */
  rgba: Uint8ClampedArray;
}

export interface ImageReport {
  classes: Array<{ name: string; count: number }>;
  /** Files that are not images or not in a class folder. */
  ignored: IgnoredFile[];
  /** Images that could not be decoded. */
  skipped: IgnoredFile[];
  thumbnails: Thumbnail[];
  /** The memory estimate made before decoding. */
  estimatedBytes: number;
  warnings: DataIssue[];
}

export interface ImageLoadResult {
  dataset: EncodedDataset;
  report: ImageReport;
}

export const DEFAULT_MEMORY_BUDGET = 1024 ** 3;
/** Assumed pixels of an image whose header could not be read (a 12-megapixel photo). */
const UNKNOWN_PIXELS = 4000 * 3000;
/**
 * Images declaring more pixels than this are broken files, not photos: no browser decodes them
 * (Chromium's canvas stops at 268 M pixels; the largest camera images are ~100 M).
 */
const MAX_DECODE_PIXELS = 200_000_000;

/** Why a file cannot be one of the dataset's images before decoding it, or null when it may be. */
function brokenHeader(bytes: Uint8Array): string | null {
  if (imageFormat(bytes) === null) return 'not a decodable image (not a PNG, JPEG, GIF, BMP or WebP file)';
  const s = imageSize(bytes);
  if (s && (s.width < 1 || s.height < 1 || s.width * s.height > MAX_DECODE_PIXELS)) {
    return `not a decodable image (its header declares ${s.width} × ${s.height} pixels)`;
  }
  return null;
}
const THUMBNAIL_MAX = 32;

function checkOptions(o: ImageLoadOptions): void {
  if (typeof o.decode !== 'function') throw new Error(`\`decode\` must be a function, got ${typeof o.decode}`);
  if (!Number.isInteger(o.size) || o.size < 1 || o.size > 1024) throw new Error(`\`size\` must be an integer from 1 to 1024, got ${o.size}`);
  if (o.channels !== 1 && o.channels !== 3) throw new Error(`\`channels\` must be 1 or 3, got ${o.channels}`);
  if (o.memoryBudget !== undefined && !(o.memoryBudget > 0)) throw new Error(`\`memoryBudget\` must be a positive number of bytes, got ${o.memoryBudget}`);
}

/**
 * Bytes needed: the float32 dataset at the *target* size (every image is
 * resized on decode), the compressed files held meanwhile, and the largest
 * decoded image with its float copy (images are decoded one at a time).
 * Files whose header is broken or absurd (see `MAX_DECODE_PIXELS`) are
 * skipped before decoding, so they count for nothing here.
 */
export function estimateImageMemory(images: ReadonlyArray<{ bytes: Uint8Array }>, size: number, channels: number): number {
  const usable = images.filter((i) => brokenHeader(i.bytes) === null);
  const dataset = usable.length * size * size * channels * 4;
  const files = images.reduce((n, i) => n + i.bytes.length, 0);
  const largest = usable.reduce((m, i) => {
    const s = imageSize(i.bytes);
    return Math.max(m, s ? s.width * s.height : UNKNOWN_PIXELS);
  }, 0);
  return dataset + files + largest * (4 + 4 * channels);
}

function specFor(o: ImageLoadOptions, labelNames: string[]): ImageSpec {
  return {
    kind: 'image',
    version: SPEC_VERSION,
    width: o.size,
    height: o.size,
    channels: o.channels,
    resize: o.resize ?? 'auto',
    background: o.background ?? 255,
    scale: 'unit',
    labelNames,
  };
}

/**
 * One decoded image → the network's input ([height, width, channels] in
 * [0, 1]) as the spec says. Training and inference both go through here.
 */
export function encodeImage(spec: ImageSpec, img: RgbaImage): Float32Array {
  const full = toChannels(img, spec.channels, spec.background);
  const pixels = resizeImage(full, img.width, img.height, spec.channels, spec.width, spec.height, spec.resize);
  for (let p = 0; p < pixels.length; p++) pixels[p] = Math.min(1, Math.max(0, (pixels[p] as number) / 255));
  return pixels;
}

/** Up to `perClass` thumbnails per class of any image dataset (e.g. MNIST), in row order. */
export function datasetThumbnails(ds: EncodedDataset, perClass = 4): Thumbnail[] {
  const [height, width, channels] = ds.inputShape as [number, number, number];
  if (ds.inputShape.length !== 3 || width !== height) throw new Error(`\`inputShape\` must be [side, side, channels] for thumbnails, got [${ds.inputShape.join(', ')}]`);
  const per = width * height * channels;
  const taken = new Map<number, number>();
  const out: Thumbnail[] = [];
  for (let i = 0; i < ds.y.length; i++) {
    const label = ds.y[i] as number;
    const n = taken.get(label) ?? 0;
    if (n >= perClass) continue;
    taken.set(label, n + 1);
    out.push(makeThumbnail(ds.x.subarray(i * per, (i + 1) * per), width, channels, ds.labelNames[label] ?? String(label), `#${i}`));
  }
  return out;
}

/** A thumbnail of one square image's [0, 1] pixels (channels last). */
export function makeThumbnail(pixels: Float32Array, size: number, channels: number, label: string, path: string): Thumbnail {
  const side = Math.min(size, THUMBNAIL_MAX);
  const small = resizeImage(pixels, size, size, channels, side, side, 'area');
  return { label, path, width: side, height: side, rgba: toRgbaBytes(small, side, side, channels) };
}

export async function loadImages(entries: readonly FileEntry[], options: ImageLoadOptions): Promise<ImageLoadResult> {
  checkOptions(options);
  const source = options.source ?? 'upload';
  const { images, classes, ignored } = collectImages(entries, source);
  const { size, channels } = options;
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const estimatedBytes = estimateImageMemory(images, size, channels);
  if (estimatedBytes > budget) {
    throw new DataError({
      file: source,
      problem: `loading ${images.length} images at ${size}×${size}×${channels} would need about ${formatBytes(estimatedBytes)}`,
      expected: `at most ${formatBytes(budget)}; pick a smaller size, grayscale, or fewer images`,
    });
  }
  const per = size * size * channels;
  const x = new Float32Array(images.length * per);
  const labels: number[] = [];
  const kept: string[] = [];
  const skipped: IgnoredFile[] = [];
  const thumbnails: Thumbnail[] = [];
  const thumbsPerClass = options.thumbnailsPerClass ?? 4;
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const encodeSpec = specFor(options, classes);
  for (let i = 0; i < images.length; i++) {
    const img = images[i]!;
    options.onProgress?.({ done: i, total: images.length });
    const broken = brokenHeader(img.bytes);
    if (broken) {
      skipped.push({ path: img.path, reason: broken });
      continue;
    }
    let decoded: RgbaImage;
    try {
      decoded = await options.decode(img.bytes, img.path);
      if (decoded.data.length !== decoded.width * decoded.height * 4 || decoded.width < 1 || decoded.height < 1) {
        throw new Error(`decoder returned ${decoded.data.length} bytes for ${decoded.width}×${decoded.height} pixels`);
      }
    } catch (e) {
      skipped.push({ path: img.path, reason: `not a decodable image (it could not be decoded: ${(e as Error).message})` });
      continue;
    }
    const pixels = encodeImage(encodeSpec, decoded);
    x.set(pixels, kept.length * per);
    if (thumbnails.filter((t) => t.label === img.label).length < thumbsPerClass) {
      thumbnails.push(makeThumbnail(pixels, size, channels, img.label, img.path));
    }
    labels.push(classIndex.get(img.label) as number);
    kept.push(img.label);
  }
  options.onProgress?.({ done: images.length, total: images.length });
  // Copy only when images were skipped; otherwise hand over the buffer as is.
  const used = kept.length === images.length ? x : x.slice(0, kept.length * per);
  return finish({ x: used, labels, classes, ignored, skipped, thumbnails, estimatedBytes, options, source });
}

interface Decoded {
  x: Float32Array;
  labels: number[];
  classes: string[];
  ignored: IgnoredFile[];
  skipped: IgnoredFile[];
  thumbnails: Thumbnail[];
  estimatedBytes: number;
  options: ImageLoadOptions;
  source: string;
}

function finish(d: Decoded): ImageLoadResult {
  const counts = d.classes.map((name, k) => ({ name, count: d.labels.filter((l) => l === k).length }));
  const warnings: DataIssue[] = [];
  if (d.skipped.length > 0) {
    warnings.push(
      makeIssue({
        file: d.source,
        problem: `${d.skipped.slice(0, 5).map((s) => `skipped: ${s.path} — ${s.reason}`).join('; ')}${d.skipped.length > 5 ? `; and ${d.skipped.length - 5} more skipped` : ''}`,
        expected: 'readable PNG, JPEG, GIF, BMP or WebP files',
      }),
    );
  }
  const empty = counts.filter((c) => c.count === 0).map((c) => c.name);
  if (counts.length - empty.length < 2) {
    throw new DataError({
      file: d.source,
      column: 'label',
      problem: `after skipping unreadable images only ${counts.length - empty.length} class(es) have images`,
      found: `${d.skipped.length} skipped image(s)`,
      expected: 'readable images in at least two class folders',
    });
  }
  // Classes whose every image failed are dropped, so label indices are renumbered.
  const classes = counts.filter((c) => c.count > 0).map((c) => c.name);
  const remap = new Map(counts.map((c, k) => [k, classes.indexOf(c.name)]));
  const y = Int32Array.from(d.labels, (l) => remap.get(l) as number);
  if (empty.length > 0) {
    warnings.push(makeIssue({ file: d.source, column: 'label', problem: `class folder(s) with no readable image were dropped: ${empty.join(', ')}`, expected: 'readable images in every class folder' }));
  }
  const { size, channels } = d.options;
  const spec = specFor(d.options, classes);
  return {
    dataset: {
      name: d.source,
      task: 'classification',
      inputShape: [size, size, channels],
      x: d.x,
      y,
      labelNames: classes,
      splits: splitIndices(y.length, d.options.split ?? { validation: 0.2, test: 0.1, seed: 42 }, y),
      spec,
      warnings,
    },
    report: {
      classes: counts.filter((c) => c.count > 0),
      ignored: d.ignored,
      skipped: d.skipped,
      thumbnails: d.thumbnails,
      estimatedBytes: d.estimatedBytes,
      warnings,
    },
  };
}
