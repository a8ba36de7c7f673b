/** A re-imported model: the schema check against the loaded dataset, its metrics there, and "Try it" with it. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { fineTuneImported, predictImported, useStore } from '../../store';
import { ACTIVE_STATUSES, type ImportReport } from '../../worker/protocol';
import { formatMetric } from '../format';

function TryImported() {
  const { dataset, prediction, error } = useStore(useShallow((s) => ({ dataset: s.dataset, prediction: s.importedPrediction, error: s.importedPredictionError })));
  const [values, setValues] = useState<Record<string, string>>({});
  const inputs = dataset?.table?.inputs ?? [];
  return (
    <div data-testid="export.try">
      <h4>Try it with the imported model</h4>
      {inputs.map((f) => (
        <label key={f.column}>
          {f.column}{' '}
          {f.kind === 'categorical' ? (
            <select data-testid={`export.try.feature.${f.column}`} value={values[f.column] ?? ''} onChange={(e) => setValues({ ...values, [f.column]: e.currentTarget.value })}>
              <option value="" />
              {(f.categories ?? []).map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          ) : (
            <input data-testid={`export.try.feature.${f.column}`} inputMode="decimal" value={values[f.column] ?? ''} onChange={(e) => setValues({ ...values, [f.column]: e.currentTarget.value })} />
          )}
        </label>
      ))}
      {dataset?.kind === 'image' && (
        <input
          type="file"
          accept="image/*"
          data-testid="export.try.image"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void file.arrayBuffer().then((bytes) => predictImported({ kind: 'image', name: file.name, bytes }));
          }}
        />
      )}
      {inputs.length > 0 && (
        <button type="button" data-testid="export.try.predict" onClick={() => void predictImported({ kind: 'features', values })}>
          Predict
        </button>
      )}
      {prediction && (
        <p data-testid="export.try.prediction">
          {prediction.task === 'regression'
            ? `Predicted value: ${formatMetric(prediction.value ?? NaN)}`
            : `Predicted: ${prediction.labels[prediction.predicted] ?? prediction.predicted} (${(100 * (prediction.probabilities[prediction.predicted] ?? 0)).toFixed(1)}%)`}
        </p>
      )}
      {error && (
        <p role="alert" data-testid="export.try.error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Fine-tuning: the bundle's own architecture, recipe and weights, trained further on the loaded dataset. */
function ContinueTraining({ imported }: { imported: ImportReport }) {
  const { active, epochs, current } = useStore(useShallow((s) => ({ active: ACTIVE_STATUSES.includes(s.status), epochs: s.maxEpochs, current: s.dataset?.name ?? null })));
  // A tenth of the rate it was trained with: large steps would undo what the weights learned.
  const [lr, setLr] = useState(() => (imported.learningRate ? String(Number((imported.learningRate / 10).toPrecision(3))) : '0.0001'));
  if (imported.kind !== 'bundle') {
    return (
      <p className="muted" data-testid="export.finetune.unavailable">
        Model files alone carry no architecture or recipe to train with: load the bundle .zip to continue training.
      </p>
    );
  }
  if (current !== imported.dataset) {
    // The schema check ran against the dataset loaded at import time.
    return (
      <p className="muted" data-testid="export.finetune.stale">
        {current ? `The model was checked against ${imported.dataset ?? 'no dataset'}; load it again to check it against ${current} and continue training it there.` : 'Load a dataset, then load the model again to continue training it.'}
      </p>
    );
  }
  if (!imported.schema?.ok) return null;
  const value = Number(lr);
  const valid = lr.trim() !== '' && Number.isFinite(value) && value > 0;
  return (
    <div data-testid="export.finetune">
      <h4>Continue training</h4>
      <p className="muted">
        Starts from this model's weights with its own architecture and recipe, on {imported.dataset} encoded the way the model expects, for {epochs} epoch{epochs === 1 ? '' : 's'} (the Train
        panel's setting).{imported.learningRate ? ` It was trained with learning rate ${imported.learningRate}.` : ''}
      </p>
      <label className="inline">
        Learning rate{' '}
        <input data-testid="export.finetune.lr" inputMode="decimal" size={10} value={lr} aria-invalid={!valid} onChange={(e) => setLr(e.currentTarget.value)} />
      </label>{' '}
      <button type="button" data-testid="export.finetune.start" disabled={!valid || active} onClick={() => void fineTuneImported(value)}>
        Continue training on {imported.dataset}
      </button>
      {!valid && (
        <p role="alert" className="error" data-testid="export.finetune.error">
          The learning rate must be a positive number, got {JSON.stringify(lr)}.
        </p>
      )}
    </div>
  );
}

export function ImportPanel() {
  const imported = useStore((s) => s.imported);
  if (!imported) return null;
  const ev = imported.evaluation;
  return (
    <div data-testid="export.importReport">
      <p>
        Loaded {imported.source} ({imported.kind === 'bundle' ? 'bundle' : 'model files'}; input [{imported.inputShape.join(', ')}], {imported.outputUnits} outputs
        {imported.trainedOn ? `; trained on ${imported.trainedOn}` : ''}).
      </p>
      {imported.schema === null && <p className="muted">Load a dataset to check and evaluate the model on it.</p>}
      {imported.schema && (
        <p data-testid="export.importReport.schema">{imported.schema.ok ? `Fits ${imported.dataset}.` : `Does not fit ${imported.dataset}:`}</p>
      )}
      {imported.schema && imported.schema.issues.length > 0 && (
        <ul data-testid="export.importReport.issues">
          {imported.schema.issues.map((i, k) => (
            <li key={k} data-testid={`export.importReport.issue.${i.column ?? '*'}`} className={i.severity}>
              {i.column ?? 'dataset'}: {i.message}
            </li>
          ))}
        </ul>
      )}
      {ev && (
        <table className="metrics" data-testid="export.import.metrics">
          <caption>
            On the {ev.count} {ev.split} rows of {imported.dataset}
          </caption>
          <tbody>
            {Object.entries(ev.metrics).map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td data-testid={`export.import.metric.${k}`}>{formatMetric(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ContinueTraining key={`${imported.source}:${imported.dataset}`} imported={imported} />
      {imported.schema?.ok === false ? (
        <p className="muted" data-testid="export.try.off">
          Try it is off: the model does not fit {imported.dataset}.
        </p>
      ) : (
        <TryImported />
      )}
    </div>
  );
}
