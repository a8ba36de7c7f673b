import { useState } from 'react';
import { addLayer, choosePreset, presetsFor, setRecipe, shapeReport, useStore } from '../../store';
import { defaultOptimizer, defaultSchedule, recipeProblems } from '../../models/recipe';
import { LAYER_KINDS, LAYER_TYPE_NAMES, OPTIMIZERS, SCHEDULES, type LayerKind, type ModelSpec, type RecipeSpec } from '../../models/spec';
import { formatCount } from '../../models/summary';
import { TunerPanel } from './Tuner';
import { LayerRow } from './LayerRow';

function num(v: string, apply: (n: number) => void): void {
  if (v.trim() === '') return;
  const n = Number(v);
  if (Number.isFinite(n)) apply(n);
}

/** Models this big train slowly in a browser and may not fit its memory: say so before Train. */
const BIG_PARAMS = 10_000_000;

function sizeWarning(params: number, sizeMB: number, optimizer: string): string | null {
  if (params < BIG_PARAMS) return null;
  // Adam-like optimizers keep two more copies (first and second moments) of every weight.
  const slots = optimizer === 'sgd' ? 0 : optimizer === 'sgdMomentum' || optimizer === 'nesterov' || optimizer === 'rmsprop' ? 1 : 2;
  const total = sizeMB * (2 + slots); // weights, gradients and the optimizer's slots
  return `A large model: ${formatCount(params)} parameters, ${sizeMB.toFixed(0)} MB of weights and about ${total.toFixed(0)} MB while training with ${optimizer} (weights, gradients${slots ? ` and ${slots} optimizer slot${slots > 1 ? 's' : ''}` : ''}), before activations. It may train slowly or run out of memory; fewer units per layer help most.`;
}

/** A recipe field's problem under its input (the same sentence Train's refusal shows). */
function FieldError({ problems, field }: { problems: Map<string, string>; field: string }) {
  const message = problems.get(field);
  return message ? (
    <small className="field-error" role="alert" data-testid={`model.recipe.error.${field}`}>
      {message}
    </small>
  ) : null;
}

function Recipe({ spec }: { spec: ModelSpec }) {
  const r = spec.recipe;
  const set = (patch: Partial<RecipeSpec>) => setRecipe(patch);
  const problems = new Map(recipeProblems(r).map((p) => [p.field, p.message]));
  const invalid = (field: string) => (problems.has(field) ? { 'aria-invalid': true as const } : {});
  return (
    <div className="recipe" data-testid="model.recipe">
      <h3>Training recipe</h3>
      <div className="recipe-grid">
        <label className="field">
          <span>Optimizer</span>
          <select data-testid="model.optimizer" value={r.optimizer.type} onChange={(e) => set({ optimizer: { ...defaultOptimizer(e.target.value as RecipeSpec['optimizer']['type'], r.optimizer.lr), weightDecay: r.optimizer.weightDecay } })}>
            {OPTIMIZERS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Learning rate</span>
          <input data-testid="model.lr" type="number" step="any" {...invalid('optimizer.lr')} value={r.optimizer.lr} onChange={(e) => num(e.target.value, (lr) => set({ optimizer: { ...r.optimizer, lr } }))} />
          <FieldError problems={problems} field="optimizer.lr" />
        </label>
        <label className="field">
          <span>Weight decay</span>
          <input data-testid="model.weight-decay" type="number" step="any" {...invalid('optimizer.weightDecay')} value={r.optimizer.weightDecay} onChange={(e) => num(e.target.value, (weightDecay) => set({ optimizer: { ...r.optimizer, weightDecay } }))} />
          <FieldError problems={problems} field="optimizer.weightDecay" />
        </label>
        <label className="field">
          <span>Batch size</span>
          <input data-testid="model.batch-size" type="number" min={1} {...invalid('batchSize')} value={r.batchSize} onChange={(e) => num(e.target.value, (batchSize) => set({ batchSize }))} />
          <FieldError problems={problems} field="batchSize" />
        </label>
        <label className="field">
          <span>Epochs</span>
          <input data-testid="model.epochs" type="number" min={1} {...invalid('epochs')} value={r.epochs} onChange={(e) => num(e.target.value, (epochs) => set({ epochs }))} />
          <FieldError problems={problems} field="epochs" />
        </label>
        <label className="field">
          <span>LR schedule</span>
          <select data-testid="model.schedule" value={r.lrSchedule.type} onChange={(e) => set({ lrSchedule: defaultSchedule(e.target.value as RecipeSpec['lrSchedule']['type'], r.epochs) })}>
            {SCHEDULES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Early stopping (patience)</span>
          <input
            data-testid="model.early-stopping"
            type="number"
            min={0}
            placeholder="off"
            value={r.earlyStopping?.patience ?? ''}
            onChange={(e) =>
              set({
                earlyStopping:
                  e.target.value.trim() === '' ? null : { monitor: 'val_loss', mode: 'min', patience: Math.max(0, Math.round(Number(e.target.value))), restoreBestWeights: r.earlyStopping?.restoreBestWeights ?? true },
              })
            }
          />
        </label>
        {r.earlyStopping && (
          <label className="field check">
            <input
              type="checkbox"
              data-testid="model.restore-best"
              checked={r.earlyStopping.restoreBestWeights ?? true}
              onChange={(e) => set({ earlyStopping: { ...r.earlyStopping!, restoreBestWeights: e.target.checked } })}
            />
            <span>Restore the best epoch's weights when it stops</span>
          </label>
        )}
        <label className="field">
          <span>Gradient clipping (norm)</span>
          <input data-testid="model.clip" type="number" min={0} step="any" placeholder="off" {...invalid('gradientClipVal')} value={r.gradientClipVal ?? ''} onChange={(e) => set({ gradientClipVal: e.target.value.trim() === '' ? null : Number(e.target.value) })} />
          <FieldError problems={problems} field="gradientClipVal" />
        </label>
        <label className="field">
          <span>Seed</span>
          <input data-testid="model.seed" type="number" placeholder="random" value={r.seed ?? ''} onChange={(e) => set({ seed: e.target.value.trim() === '' ? null : Math.round(Number(e.target.value)) })} />
        </label>
      </div>
    </div>
  );
}

export function ModelStep() {
  const spec = useStore((s) => s.spec);
  const dataset = useStore((s) => s.dataset);
  const presetId = useStore((s) => s.presetId);
  const [kind, setKind] = useState<LayerKind>('dense');
  if (!spec || !dataset) {
    return (
      <section className="panel">
        <h2>Model</h2>
        <p className="muted">Load a dataset first: the presets adapt to its shape and classes.</p>
      </section>
    );
  }
  const shapes = shapeReport(spec, dataset)!;
  const presets = presetsFor(dataset);
  const modelErrors = shapes.errors.filter((e) => e.layerId === null);
  return (
    <section className="panel" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <div className="row">
        <label className="inline">
          Preset{' '}
          <select data-testid="model.preset" value={presetId} onChange={(e) => choosePreset(e.target.value)}>
            {presetId === 'custom' && <option value="custom">custom (edited)</option>}
            {presets.map((p) => (
              <option key={p.id} value={p.id} disabled={!p.available} title={p.available ? p.description : p.reason}>
                {p.name}
                {p.available ? '' : ` — ${p.reason}`}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          input [{dataset.inputShape.join(', ')}] → {dataset.task === 'classification' ? `${dataset.labelNames.length} classes` : 'one value'}
        </span>
      </div>
      <ol className="layers" data-testid="model.layers">
        {spec.layers.map((l, i) => (
          <LayerRow key={l.id} spec={l} report={shapes.layers[i]} index={i} count={spec.layers.length} />
        ))}
      </ol>
      <div className="row">
        <select data-testid="model.add-kind" value={kind} onChange={(e) => setKind(e.target.value as LayerKind)} aria-label="Layer to add">
          {LAYER_KINDS.map((k) => (
            <option key={k} value={k}>
              {LAYER_TYPE_NAMES[k]}
            </option>
          ))}
        </select>
        <button type="button" data-testid="model.add" onClick={() => addLayer(kind)}>
          Add layer (before the output)
        </button>
      </div>
      <p className="totals" data-testid="model.totals">
        <strong>{formatCount(shapes.totalParams)}</strong> parameters ({shapes.trainableParams.toLocaleString('en-US')} trainable) · {shapes.sizeMB.toFixed(3)} MB · {formatCount(shapes.flops)}FLOPs per sample · output{' '}
        {shapes.outputShape ? `[${shapes.outputShape.join(', ')}]` : '?'}
      </p>
      {sizeWarning(shapes.totalParams, shapes.sizeMB, spec.recipe.optimizer.type) && (
        <p className="notice" role="status" data-testid="model.size-warning">
          {sizeWarning(shapes.totalParams, shapes.sizeMB, spec.recipe.optimizer.type)}
        </p>
      )}
      {modelErrors.length > 0 && (
        <div className="error" role="alert" data-testid="model.errors">
          {modelErrors.map((e) => e.message).join('; ')}
        </div>
      )}
      {shapes.warnings.length > 0 && (
        <ul className="warnings">
          {shapes.warnings.map((w, k) => (
            <li key={k}>{w.message}</li>
          ))}
        </ul>
      )}
      <Recipe spec={spec} />
      <TunerPanel />
      <p className="muted small">The address bar holds this configuration: copy it to share the model as a link.</p>
    </section>
  );
}
