import { moveLayer, removeLayer, updateLayer } from '../../store';
import { ACTIVATIONS, LAYER_TYPE_NAMES, formatShape, type LayerSpec } from '../../models/spec';
import type { LayerReport } from '../../models/shapes';
import { formatCount } from '../../models/summary';

type NumField = { key: string; label: string; step?: number };

/** The editable numeric fields of each layer kind. */
const NUM_FIELDS: Partial<Record<LayerSpec['kind'], NumField[]>> = {
  dense: [{ key: 'units', label: 'units' }],
  conv2d: [
    { key: 'filters', label: 'filters' },
    { key: 'kernelSize', label: 'kernel' },
    { key: 'strides', label: 'stride' },
  ],
  maxPool2d: [{ key: 'poolSize', label: 'pool' }],
  avgPool2d: [{ key: 'poolSize', label: 'pool' }],
  dropout: [{ key: 'rate', label: 'rate', step: 0.05 }],
  residualBlock: [
    { key: 'filters', label: 'filters' },
    { key: 'strides', label: 'stride' },
    { key: 'kernelSize', label: 'kernel' },
  ],
};

export function LayerRow({ spec, report, index, count }: { spec: LayerSpec; report: LayerReport | undefined; index: number; count: number }) {
  const id = `model.layer.${index}`;
  const values = spec as unknown as Record<string, unknown>;
  const errors = report?.errors ?? [];
  const set = (patch: Record<string, unknown>) => updateLayer(spec.id, patch as Partial<LayerSpec>);
  return (
    <li className={errors.length ? 'layer bad' : 'layer'} data-testid={id}>
      <div className="layer-main">
        <span className="layer-n">{index}</span>
        <strong className="layer-type">{LAYER_TYPE_NAMES[spec.kind]}</strong>
        {(NUM_FIELDS[spec.kind] ?? []).map((f) => (
          <label key={f.key} className="inline small">
            {f.label}{' '}
            <input
              type="number"
              data-testid={`${id}.${f.key}`}
              step={f.step ?? 1}
              value={String(values[f.key] ?? '')}
              aria-invalid={errors.some((e) => e.field === f.key)}
              onChange={(e) => {
                if (e.target.value.trim() === '') return;
                const n = Number(e.target.value);
                if (Number.isFinite(n)) set({ [f.key]: n });
              }}
            />
          </label>
        ))}
        {spec.kind === 'conv2d' && (
          <label className="inline small">
            padding{' '}
            <select data-testid={`${id}.padding`} value={spec.padding} onChange={(e) => set({ padding: e.target.value })}>
              <option value="same">same</option>
              <option value="valid">valid</option>
            </select>
          </label>
        )}
        {(spec.kind === 'dense' || spec.kind === 'conv2d' || spec.kind === 'activation') && (
          <label className="inline small">
            activation{' '}
            <select data-testid={`${id}.activation`} value={spec.activation ?? 'linear'} onChange={(e) => set({ activation: e.target.value })}>
              {ACTIVATIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
        )}
        {spec.kind === 'reshape' && (
          <label className="inline small">
            shape{' '}
            <input
              data-testid={`${id}.targetShape`}
              defaultValue={spec.targetShape.join(', ')}
              onBlur={(e) => set({ targetShape: e.target.value.split(',').map((v) => Number(v.trim())) })}
            />
          </label>
        )}
        <span className="layer-out">
          → <span data-testid={`${id}.shape`}>{formatShape(report?.outputShape ?? null)}</span>
          <span className="muted" data-testid={`${id}.params`}>
            {' '}
            {report?.params !== null && report?.params !== undefined ? `${formatCount(report.params)} params` : ''}
          </span>
        </span>
        <span className="layer-buttons">
          <button type="button" data-testid={`${id}.up`} aria-label={`Move layer ${index} up`} disabled={index === 0} onClick={() => moveLayer(spec.id, -1)}>
            ↑
          </button>
          <button type="button" data-testid={`${id}.down`} aria-label={`Move layer ${index} down`} disabled={index === count - 1} onClick={() => moveLayer(spec.id, 1)}>
            ↓
          </button>
          <button type="button" data-testid={`${id}.remove`} aria-label={`Remove layer ${index}`} onClick={() => removeLayer(spec.id)}>
            ✕
          </button>
        </span>
      </div>
      {errors.length > 0 && (
        <div className="layer-error" role="alert" data-testid={`${id}.error`}>
          {errors.map((e) => e.message).join('; ')}
        </div>
      )}
    </li>
  );
}
