/**
 * The Model step's finders: "Find learning rate" plots the loss against the
 * learning rate (log axis, raw and smoothed) with each rule's suggestion, and
 * "Use" sets the recipe; "Find batch size" lists the sizes tried and sets the
 * batch size. Both run in the worker on the current model and data.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { applyBatchSize, applyLearningRate, cancelTuning, findBatchSize, findLearningRate, useStore } from '../../store';
import type { LrFindReport } from '../../worker/protocol';
import { formatBytes, formatMetric } from '../format';

const RULE_COLOURS: Record<string, string> = { valley: '#2a9d5b', steepest: '#e07a16', minimum: '#7b4fd1', slide: '#1b9bb0' };

/** A learning rate in 3 significant digits (what "Use" sets), plain from 0.001 up, else as 1.6e-6. */
const roundLr = (v: number) => Number(v.toPrecision(3));
const lrText = (v: number) => (v >= 1e-3 && v < 1e3 ? String(roundLr(v)) : roundLr(v).toExponential(2).replace(/\.?0+e/, 'e'));
const tickText = (v: number) => (v >= 1e-3 && v < 1e3 ? String(Number(v.toPrecision(2))) : v.toExponential(0));

const LrPlot = memo(function LrPlot({ report }: { report: LrFindReport }) {
  const data = useMemo(() => report.lr.map((lr, i) => ({ lr, loss: report.loss[i]!, smoothed: report.smoothedLoss[i]! })), [report]);
  // The tail past divergence would flatten the rest: clip the y axis at a few times the start.
  const top = useMemo(() => {
    const finite = report.smoothedLoss.filter(Number.isFinite);
    const head = Math.max(...finite.slice(0, Math.max(1, Math.floor(finite.length / 2))));
    return Number((head * 1.5).toPrecision(1));
  }, [report]);
  const suggestions = Object.entries(report.suggestions).filter((e): e is [string, number] => e[1] !== null);
  return (
    <div className="lr-plot" data-testid="model.lr-find.plot" role="img" aria-label="training loss against learning rate">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 20, left: 4 }}>
          <CartesianGrid stroke="#e4e7ec" />
          <XAxis dataKey="lr" type="number" scale="log" domain={['dataMin', 'dataMax']} tickFormatter={tickText} allowDataOverflow label={{ value: 'learning rate (log)', position: 'insideBottom', offset: -12 }} />
          <YAxis domain={[0, top]} allowDataOverflow tickFormatter={(v: number) => formatMetric(v)} width={56} />
          <Tooltip formatter={(v) => formatMetric(Number(v))} labelFormatter={(v) => `lr ${Number(v).toExponential(3)}`} isAnimationActive={false} />
          <Legend verticalAlign="top" height={24} />
          <Line type="linear" dataKey="loss" name="loss" stroke="#b8c0cc" dot={false} isAnimationActive={false} strokeWidth={1} />
          <Line type="linear" dataKey="smoothed" name="smoothed loss" stroke="#2f6fed" dot={false} isAnimationActive={false} strokeWidth={2} />
          {suggestions.map(([rule, lr]) => (
            <ReferenceLine key={rule} x={lr} stroke={RULE_COLOURS[rule]} strokeDasharray="4 3" label={{ value: rule, position: 'top', fill: RULE_COLOURS[rule], fontSize: 11 }} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});

function LrFinder() {
  const report = useStore((s) => s.lrFind);
  const valley = report?.suggestions.valley ?? null;
  return (
    <div data-testid="model.lr-find.result">
      {report && <LrPlot report={report} />}
      {report && (
        <p className="row">
          <span data-testid="model.lr-find.suggestion">
            {valley !== null ? `Suggested learning rate ${lrText(valley)} (valley)` : 'The curve gave no suggestion: try more data or a wider range.'}
          </span>
          <span className="muted">
            {' '}
            · {report.lr.length} steps, {report.stopped === 'diverged' ? 'stopped when the loss diverged' : report.stopped}
          </span>
          {valley !== null && (
            <button type="button" data-testid="model.lr-find.apply" onClick={() => applyLearningRate(roundLr(valley), 'valley')}>
              Use {lrText(valley)}
            </button>
          )}
        </p>
      )}
    </div>
  );
}

function BatchFinder() {
  const report = useStore((s) => s.batchFind);
  if (!report) return null;
  return (
    <div>
      <table className="metrics variants" data-testid="model.batch-find.table">
        <caption>Batch sizes tried ({report.cappedBy === 'maxTrials' ? 'all trials used' : `capped by ${report.cappedBy}`})</caption>
        <thead>
          <tr>
            <th>batch size</th>
            <th>fits</th>
            <th>samples/s</th>
            <th>memory</th>
          </tr>
        </thead>
        <tbody>
          {report.trials.map((t) => (
            <tr key={t.batchSize} className={t.batchSize === report.batchSize ? 'chosen' : undefined}>
              <td>{t.batchSize}</td>
              <td title={t.error}>{t.fits ? 'yes' : 'no'}</td>
              <td>{t.samplesPerSecond !== null ? Math.round(t.samplesPerSecond).toLocaleString('en-US') : '—'}</td>
              <td>{formatBytes(t.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.batchSize !== null && (
        <p className="row">
          <span>Fastest size that fitted: {report.batchSize}</span>
          <button type="button" data-testid="model.batch-find.apply" onClick={() => applyBatchSize(report.batchSize!, report.objective)}>
            Use {report.batchSize}
          </button>
        </p>
      )}
    </div>
  );
}

export function TunerPanel() {
  const tuning = useStore((s) => s.tuning);
  const progress = useStore((s) => s.tuneProgress);
  const error = useStore((s) => s.tuneError);
  const running = useStore((s) => s.status === 'preparing' || s.status === 'training' || s.status === 'paused');
  const busy = tuning !== null || running;
  return (
    <div className="tuner" data-testid="model.tuner">
      <h3>Tuning</h3>
      <div className="row">
        <button type="button" data-testid="model.lr-find" disabled={busy} onClick={() => void findLearningRate()}>
          Find learning rate
        </button>
        <button type="button" data-testid="model.batch-find" disabled={busy} onClick={() => void findBatchSize()}>
          Find batch size
        </button>
        {tuning && (
          <>
            <span className="muted" data-testid="model.tune.progress">
              {tuning === 'lr' ? 'Finding the learning rate' : 'Finding the batch size'}
              {progress ? ` · ${progress.done}/${progress.total}${progress.batchSize ? ` (batch ${progress.batchSize})` : ''}` : '…'}
            </span>
            <button type="button" data-testid="model.tune.cancel" onClick={cancelTuning}>
              Cancel
            </button>
          </>
        )}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="model.tune.error">
          {error}
        </p>
      )}
      <LrFinder />
      <BatchFinder />
    </div>
  );
}
