/**
 * Training-time image augmentation as plain data (saved with a run like the
 * preprocessing spec). Applied per batch on the device by `augmentBatch` in
 * augment-tf.ts; never applied to validation or test batches.
 */

export interface AugmentationSpec {
  /** Mirror left–right with probability 1/2. */
  flipHorizontal: boolean;
  /** Mirror top–bottom with probability 1/2 (wrong for digits and text). */
  flipVertical: boolean;
  /** Largest shift, as a fraction of the image side, in [0, 0.5]. */
  maxShift: number;
  /** Largest rotation in degrees, in [0, 180]. */
  maxRotation: number;
  /** Largest brightness change added to [0, 1] pixels, in [0, 1]. */
  maxBrightness: number;
}

export const NO_AUGMENTATION: AugmentationSpec = {
  flipHorizontal: false,
  flipVertical: false,
  maxShift: 0,
  maxRotation: 0,
  maxBrightness: 0,
};

/** A mild default for photos: flips, ±10% shift, ±15°, ±0.1 brightness. */
export const MILD_AUGMENTATION: AugmentationSpec = {
  flipHorizontal: true,
  flipVertical: false,
  maxShift: 0.1,
  maxRotation: 15,
  maxBrightness: 0.1,
};

export function checkAugmentation(spec: AugmentationSpec): AugmentationSpec {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new Error(`augmentation must be an object, got ${JSON.stringify(spec)}`);
  const range = (key: 'maxShift' | 'maxRotation' | 'maxBrightness', max: number) => {
    const v = spec[key];
    if (!(typeof v === 'number' && v >= 0 && v <= max)) throw new Error(`\`${key}\` must be a number in [0, ${max}], got ${v}`);
  };
  for (const key of ['flipHorizontal', 'flipVertical'] as const) {
    if (typeof spec[key] !== 'boolean') throw new Error(`\`${key}\` must be true or false, got ${JSON.stringify(spec[key])}`);
  }
  range('maxShift', 0.5);
  range('maxRotation', 180);
  range('maxBrightness', 1);
  return spec;
}

export function isNoAugmentation(spec: AugmentationSpec): boolean {
  return !spec.flipHorizontal && !spec.flipVertical && spec.maxShift === 0 && spec.maxRotation === 0 && spec.maxBrightness === 0;
}

/** One line for logs, run records and model cards, e.g. "horizontal flip, shift ±10%, rotation ±15°". */
export function describeAugmentation(spec: AugmentationSpec | null | undefined): string {
  if (!spec || isNoAugmentation(spec)) return 'none';
  const parts: string[] = [];
  if (spec.flipHorizontal) parts.push('horizontal flip');
  if (spec.flipVertical) parts.push('vertical flip');
  if (spec.maxShift > 0) parts.push(`shift ±${Number((spec.maxShift * 100).toFixed(1))}%`);
  if (spec.maxRotation > 0) parts.push(`rotation ±${Number(spec.maxRotation.toFixed(1))}°`);
  if (spec.maxBrightness > 0) parts.push(`brightness ±${Number(spec.maxBrightness.toFixed(2))}`);
  return parts.join(', ');
}
