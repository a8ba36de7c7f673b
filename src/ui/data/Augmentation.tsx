import { describeAugmentation, MILD_AUGMENTATION, NO_AUGMENTATION, type AugmentationSpec } from '../../data/images/augment';
import { useShallow } from 'zustand/react/shallow';
import { previewAugmentation, setAugmentation, useStore } from '../../store';
import { Thumb } from '../Thumb';

type RangeKey = 'maxShift' | 'maxRotation' | 'maxBrightness';

const RANGES: Array<{ key: RangeKey; label: string; max: number; step: number; show: (v: number) => string }> = [
  { key: 'maxShift', label: 'Shift up to', max: 0.25, step: 0.05, show: (v) => `±${Math.round(v * 100)}%` },
  { key: 'maxRotation', label: 'Rotate up to', max: 30, step: 5, show: (v) => `±${v}°` },
  { key: 'maxBrightness', label: 'Brightness up to', max: 0.3, step: 0.05, show: (v) => `±${v.toFixed(2)}` },
];

/**
 * Training-time augmentation for image datasets: what every training batch
 * gets on the device. Validation, test and predictions always see the images
 * as loaded.
 */
export function Augmentation({ isDigits }: { isDigits: boolean }) {
  const spec = useStore((s) => s.augmentation);
  const set = (patch: Partial<AugmentationSpec>) => setAugmentation(patch);
  return (
    <fieldset className="augmentation" data-testid="data.augmentation">
      <legend>Augmentation of training batches</legend>
      <div className="row">
        <label className="inline">
          <input type="checkbox" data-testid="data.augment.flipHorizontal" checked={spec.flipHorizontal} onChange={(e) => set({ flipHorizontal: e.target.checked })} /> Flip left–right
        </label>
        <label className="inline">
          <input type="checkbox" data-testid="data.augment.flipVertical" checked={spec.flipVertical} onChange={(e) => set({ flipVertical: e.target.checked })} /> Flip top–bottom
        </label>
        {RANGES.map((r) => (
          <label key={r.key} className="inline">
            {r.label}{' '}
            <input
              type="range"
              data-testid={`data.augment.${r.key}`}
              min={0}
              max={r.max}
              step={r.step}
              value={spec[r.key]}
              onChange={(e) => set({ [r.key]: Number(e.target.value) })}
            />{' '}
            <span className="num">{r.show(spec[r.key])}</span>
          </label>
        ))}
        <button type="button" data-testid="data.augment.mild" onClick={() => set(isDigits ? { ...MILD_AUGMENTATION, flipHorizontal: false } : MILD_AUGMENTATION)}>
          Mild
        </button>
        <button type="button" data-testid="data.augment.none" onClick={() => set(NO_AUGMENTATION)}>
          None
        </button>
        <button type="button" data-testid="data.augment.preview" onClick={() => void previewAugmentation()}>
          Preview
        </button>
      </div>
      <p className="muted" data-testid="data.augment.summary">
        Next run: {describeAugmentation(spec)}. Random per image and per step, on the device; validation and test images are never changed.
        {isDigits && (spec.flipHorizontal || spec.flipVertical) ? ' Flipped digits and letters are different symbols: flips usually hurt here.' : ''}
      </p>
      <Preview />
    </fieldset>
  );
}

/** Training images as loaded (first column) and four random draws of the augmentation (the others). */
function Preview() {
  const { preview, busy, error } = useStore(useShallow((s) => ({ preview: s.augmentPreview, busy: s.augmentPreviewing, error: s.augmentPreviewError })));
  if (error) {
    return (
      <p role="alert" className="error" data-testid="data.augment.previewError">
        Preview failed: {error}
      </p>
    );
  }
  if (!preview) return busy ? <p className="muted">Drawing a preview…</p> : null;
  return (
    <div className="augment-preview" data-testid="data.augment.previewGrid" aria-busy={busy}>
      {preview.images.map((im, i) => (
        <div key={i} className="augment-row">
          <Thumb thumb={im.original} size={44} title={`${im.original.label}: as loaded`} />
          <span className="muted" aria-hidden="true">
            →
          </span>
          {im.augmented.map((t, k) => (
            <Thumb key={k} thumb={t} size={44} title={`${t.label}: draw ${k + 1}`} />
          ))}
        </div>
      ))}
    </div>
  );
}
