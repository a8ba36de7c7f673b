import { useState } from 'react';
import { dataChangedSinceRun, useStore } from '../../store';
import { RunBanner } from '../RunBanner';
import { Boundary } from '../train/Boundary';
import type { Evaluation, PredictionSample } from '../../worker/protocol';
import { formatMetric } from '../format';
import { Thumb } from '../Thumb';
import { Scatter } from './Scatter';
import { TryIt } from './TryIt';

function MetricsTable({ ev }: { ev: Evaluation }) {
  return (
    <table className="metrics eval-metrics" data-testid="eval.metrics">
      <caption className="muted">
        {ev.count} {ev.split} rows{ev.split === 'validation' ? ' (no separate test split)' : ''}
      </caption>
      <tbody>
        {Object.entries(ev.metrics).map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td data-testid={`eval.metric.${k}`}>{formatMetric(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SampleCard({ s, ev }: { s: PredictionSample; ev: Evaluation }) {
  const ok = s.actual === s.predicted;
  return (
    <figure className={ok ? 'sample' : 'sample wrong'}>
      {s.thumbnail && <Thumb thumb={s.thumbnail} size={56} title={`row ${s.index}`} />}
      <figcaption>
        <span>true {ev.labels[s.actual]}</span>
        <span>
          pred {ev.labels[s.predicted]} <span className="muted">{(100 * s.confidence).toFixed(0)}%</span>
        </span>
      </figcaption>
    </figure>
  );
}

function SampleRows({ samples, ev }: { samples: PredictionSample[]; ev: Evaluation }) {
  const regression = ev.task === 'regression';
  return (
    <div className="scroll">
      <table className="grid">
        <thead>
          <tr>
            <th>row</th>
            <th>true</th>
            <th>predicted</th>
            {!regression && <th>confidence</th>}
            {(ev.columns ?? []).map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {samples.map((s) => (
            <tr key={s.index}>
              <td className="num">{s.index}</td>
              <td>{regression ? formatMetric(s.actual) : ev.labels[s.actual]}</td>
              <td>{regression ? formatMetric(s.predicted) : ev.labels[s.predicted]}</td>
              {!regression && <td className="num">{(100 * s.confidence).toFixed(0)}%</td>}
              {(s.row ?? []).map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Samples({ samples, ev, testId }: { samples: PredictionSample[]; ev: Evaluation; testId: string }) {
  if (samples.length === 0) return <p className="muted" data-testid={testId}>No samples.</p>;
  return (
    <div data-testid={testId}>
      {samples[0]!.thumbnail ? (
        <div className="sample-grid">
          {samples.map((s) => (
            <SampleCard key={s.index} s={s} ev={ev} />
          ))}
        </div>
      ) : (
        <SampleRows samples={samples} ev={ev} />
      )}
    </div>
  );
}

function Confusion({ ev }: { ev: Evaluation }) {
  const [cell, setCell] = useState<[number, number] | null>(null);
  const m = ev.confusion!;
  const max = Math.max(1, ...m.flat());
  const shown = cell ? ev.samples.filter((s) => s.actual === cell[0] && s.predicted === cell[1]) : [];
  return (
    <div className="confusion-wrap">
      <div>
        <h3>Confusion matrix</h3>
        <p className="muted small">Rows: true class · columns: predicted. Click a cell to see its samples.</p>
        <div className="scroll">
          <table className="confusion" data-testid="eval.confusion">
            <thead>
              <tr>
                <th />
                {ev.labels.map((l) => (
                  <th key={l} scope="col">
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {m.map((row, t) => (
                <tr key={t}>
                  <th scope="row">{ev.labels[t]}</th>
                  {row.map((n, p) => (
                    <td key={p}>
                      <button
                        type="button"
                        data-testid={`eval.confusion.cell.${t}.${p}`}
                        className={`${t === p ? 'diag' : 'off'}${cell?.[0] === t && cell?.[1] === p ? ' picked' : ''}`}
                        style={{ ['--heat' as string]: String(n / max) }}
                        aria-label={`true ${ev.labels[t]}, predicted ${ev.labels[p]}: ${n}`}
                        onClick={() => setCell([t, p])}
                      >
                        {n}
                      </button>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="cell-samples">
        {cell ? (
          <>
            <h3>
              True {ev.labels[cell[0]]}, predicted {ev.labels[cell[1]]} <span className="muted">({m[cell[0]]![cell[1]]} rows{shown.length < m[cell[0]]![cell[1]]! ? `, first ${shown.length} shown` : ''})</span>
            </h3>
            <Samples samples={shown} ev={ev} testId="eval.samples" />
          </>
        ) : (
          <p className="muted">Pick a cell of the matrix to see the rows behind it.</p>
        )}
      </div>
    </div>
  );
}

function PerClass({ ev }: { ev: Evaluation }) {
  return (
    <div className="scroll">
      <table className="grid" data-testid="eval.per-class">
        <thead>
          <tr>
            <th>class</th>
            <th>precision</th>
            <th>recall</th>
            <th>F1</th>
            <th>support</th>
          </tr>
        </thead>
        <tbody>
          {ev.perClass!.map((c) => (
            <tr key={c.label}>
              <th scope="row">{c.label}</th>
              <td className="num">{c.precision.toFixed(3)}</td>
              <td className="num">{c.recall.toFixed(3)}</td>
              <td className="num">{c.f1.toFixed(3)}</td>
              <td className="num">{c.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function EvaluateStep() {
  const own = useStore((s) => s.evaluation);
  // The run's model on a dataset loaded after it, while that dataset is still the loaded one.
  const onLoaded = useStore((s) => (s.loadedEvaluation && dataChangedSinceRun(s) && s.loadedEvaluation.dataset === s.dataset?.name ? s.loadedEvaluation : null));
  const ev = onLoaded?.evaluation ?? own;
  // Try it asks the run's model, so its fields are those of the data the run trained on.
  const dataset = useStore((s) => s.runDataset ?? s.dataset);
  if (!ev) {
    return (
      <section className="panel">
        <h2>Evaluate</h2>
        <p className="muted" data-testid="eval.empty">
          Train a model: its evaluation on held-out rows appears here when the run finishes.
        </p>
      </section>
    );
  }
  const residuals = ev.actual && ev.predicted ? ev.predicted.map((p, i) => p - ev.actual![i]!) : null;
  const grid = [...ev.samples].sort((a, b) => a.index - b.index).slice(0, 24);
  return (
    <section className="panel" aria-labelledby="eval-heading">
      <h2 id="eval-heading">Evaluate</h2>
      <RunBanner offerEvaluate />
      {onLoaded && (
        <p className="muted" data-testid="eval.on-loaded">
          Evaluated on {onLoaded.dataset} (loaded after the run), encoded the way the run's data was.
        </p>
      )}
      <div className="eval-top">
        <MetricsTable ev={ev} />
        {dataset && <TryIt report={dataset} />}
      </div>
      {!onLoaded && <Boundary />}
      {ev.confusion ? (
        <>
          <Confusion ev={ev} />
          <h3>Per class</h3>
          <PerClass ev={ev} />
          <h3>Sample predictions</h3>
          <Samples samples={grid} ev={ev} testId="eval.predictions" />
        </>
      ) : (
        ev.actual &&
        ev.predicted && (
          <>
            <div className="row scatter-row">
              <Scatter title="Predicted vs actual" xs={ev.actual} ys={ev.predicted} xLabel="actual" yLabel="predicted" reference="diagonal" testId="eval.scatter" />
              <Scatter title="Residuals (predicted − actual)" xs={ev.actual} ys={residuals!} xLabel="actual" yLabel="residual" reference="zero" testId="eval.residuals" />
            </div>
            <h3>Sample predictions</h3>
            <Samples samples={grid} ev={ev} testId="eval.predictions" />
          </>
        )
      )}
    </section>
  );
}
