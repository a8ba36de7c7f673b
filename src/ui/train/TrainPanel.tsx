import { useEffect, useMemo } from 'react';
import { pauseRun, resumeRun, selectLatest, setAccelerator, setMaxEpochs, setStep, shapeReport, startRun, stopRun, useStore } from '../../store';
import { ACCELERATOR_CHOICES, ACTIVE_STATUSES, type AcceleratorChoice, type EarlyStopReport, type RunStatus } from '../../worker/protocol';
import { Monitor, epochTimeText } from './Monitor';
import { describeBackend, formatEta, formatMetric, progressText } from '../format';
import { useTrainShortcuts } from './shortcuts';
import { recipeProblems } from '../../models/recipe';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Ready to train',
  preparing: 'Preparing data, model and backend',
  compiling: 'Compiling shaders (first steps)',
  training: 'Training',
  paused: 'Paused',
  finished: 'Finished',
  stopped: 'Stopped',
  failed: 'Failed',
};

const ACCELERATOR_TEXT: Record<AcceleratorChoice, string> = {
  auto: 'Auto (best available)',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'CPU (JavaScript)',
};

function Controls() {
  const status = useStore((s) => s.status);
  const accelerator = useStore((s) => s.accelerator);
  const maxEpochs = useStore((s) => s.maxEpochs);
  const active = ACTIVE_STATUSES.includes(status);
  // Train runs exactly what the page shows, so it waits for the dataset and the model to be ready;
  // an invalid spec is caught here, before any tensor is made (the Model step shows it on its layer).
  const waiting = useStore((s) => (s.dataLoading ? `loading ${s.dataLoading.what}…` : !s.dataset ? 'no dataset is loaded yet' : !s.spec ? 'the model is not ready yet' : null));
  const invalid = useStore((s) => {
    const r = shapeReport(s.spec, s.dataset);
    if (r && !r.ok) return r.errors[0]?.message ?? 'the model has errors';
    // The recipe is checked here too, in the Model step's words, before the worker sees it.
    return s.spec ? (recipeProblems(s.spec.recipe)[0]?.message ?? null) : null;
  });
  const blocked = waiting ?? invalid;
  const train = () => {
    // The charts are in the Train step: open it, whichever step the run was started from.
    if (startRun()) setStep('train');
  };
  const canPause = status === 'compiling' || status === 'training' || status === 'preparing';
  const shortcuts = useMemo(
    () => ({
      start: () => {
        if (!active && blocked === null) train();
      },
      togglePause: () => {
        if (canPause) void pauseRun();
        else if (status === 'paused') void resumeRun();
      },
      stop: () => {
        if (active) void stopRun();
      },
    }),
    [active, blocked, canPause, status],
  );
  useTrainShortcuts(shortcuts);
  return (
    <div className="controls">
      <label className="field">
        <span>Accelerator</span>
        <select data-testid="train.accelerator" value={accelerator} disabled={active} onChange={(e) => setAccelerator(e.target.value as AcceleratorChoice)}>
          {ACCELERATOR_CHOICES.map((a) => (
            <option key={a} value={a}>
              {ACCELERATOR_TEXT[a]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Epochs</span>
        <input
          type="number"
          min={1}
          max={10000}
          step={1}
          data-testid="train.epochs"
          value={maxEpochs}
          disabled={active}
          onChange={(e) => {
            const n = Math.round(Number(e.target.value));
            if (Number.isFinite(n) && n >= 1) setMaxEpochs(Math.min(n, 10000));
          }}
        />
      </label>
      <div className="buttons">
        <button type="button" className="primary" data-testid="train.start" aria-keyshortcuts="T" disabled={active || blocked !== null} title={blocked ?? 'Train (T)'} onClick={train}>
          Train
        </button>
        <button type="button" data-testid="train.pause" aria-keyshortcuts="P" title="Pause (P)" disabled={!canPause} onClick={() => void pauseRun()}>
          Pause
        </button>
        <button type="button" data-testid="train.resume" aria-keyshortcuts="P" title="Resume (P)" disabled={status !== 'paused'} onClick={() => void resumeRun()}>
          Resume
        </button>
        <button type="button" data-testid="train.stop" aria-keyshortcuts="S" title="Stop (S)" disabled={!active} onClick={() => void stopRun()}>
          Stop
        </button>
      </div>
      <p className="muted keys" data-testid="train.keys">
        Keys: <kbd>T</kbd> train · <kbd>P</kbd> pause / resume · <kbd>S</kbd> stop
      </p>
      {blocked && !active && (
        <p className={waiting ? 'muted small' : 'blocked'} data-testid="train.blocked">
          Train is off: {blocked}
          {waiting ? '' : '. Fix it in the Model step.'}
        </p>
      )}
    </div>
  );
}

function WhatRuns() {
  const dataset = useStore((s) => s.dataset?.name ?? null);
  const preset = useStore((s) => s.presetId);
  const layers = useStore((s) => s.spec?.layers.length ?? 0);
  const evaluated = useStore((s) => s.evaluation !== null);
  // A fine-tuning run trains the imported bundle's network, not the Model step's.
  const fineTuning = useStore((s) => (s.config?.initFrom === 'imported' && ACTIVE_STATUSES.includes(s.status) ? (s.imported?.source ?? 'the imported model') : null));
  return (
    <p className="muted small" data-testid="train.what">
      {!dataset ? 'Loading the dataset…' : fineTuning ? `${dataset}, continuing to train ${fineTuning}` : `${dataset} with ${preset === 'custom' ? 'a custom model' : preset} (${layers} layers)`}
      {evaluated && (
        <>
          {' · '}
          <button type="button" className="link" data-testid="train.see-evaluation" onClick={() => setStep('evaluate')}>
            See the evaluation
          </button>
        </>
      )}
    </p>
  );
}

function StatusLine() {
  const status = useStore((s) => s.status);
  const backend = useStore((s) => s.backend);
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <span className={`badge badge-${status}`} data-testid="train.status" title={STATUS_TEXT[status]}>
          {status}
        </span>{' '}
        <span className="muted">{STATUS_TEXT[status]}</span>
      </dd>
      <dt>Backend</dt>
      <dd data-testid="train.backend">{describeBackend(backend)}</dd>
    </dl>
  );
}

// One formatter for the page: toLocaleString builds a new one per call, which costs milliseconds.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Why early stopping ended the run and which weights the model kept, in the page's words. */
function earlyStopText(e: EarlyStopReport, totalEpochs: number): string {
  const at = `Stopped early at epoch ${e.stoppedEpoch + 1}${totalEpochs > 0 ? `/${totalEpochs}` : ''}`;
  const why = /did not improve/.test(e.reason) ? `${e.monitor} did not improve for ${e.patience} epoch${e.patience === 1 ? '' : 's'}` : e.reason.replace(/ Signaling Trainer to stop\.$/, '');
  const kept = e.bestEpoch < 0 ? '' : e.restored ? `; weights of epoch ${e.bestEpoch + 1} restored (best ${e.monitor} ${formatMetric(e.bestScore)})` : `; the last epoch's weights kept (best ${e.monitor} was at epoch ${e.bestEpoch + 1})`;
  return `${at}: ${why}${kept}.`;
}

function ProgressView() {
  const p = useStore((s) => s.progress);
  const status = useStore((s) => s.status);
  const earlyStop = useStore((s) => s.result?.earlyStop ?? null);
  const lastEpoch = useStore((s) => s.monitor?.epochs.at(-1) ?? null);
  if (!p) return null;
  const done = status === 'finished';
  const fraction = done ? 1 : p.totalSteps > 0 ? p.step / p.totalSteps : p.batchesPerEpoch > 0 ? p.batch / p.batchesPerEpoch : 0;
  return (
    <div className="progress" data-testid="train.progress">
      <progress max={1} value={Math.min(1, fraction)} aria-label="Training progress" />
      <div className="muted">
        {progressText(p)} · {p.samplesPerSec > 0 ? `${integer.format(p.samplesPerSec)} samples/s` : 'measuring speed'}
        {done ? '' : ` · ETA ${formatEta(p.etaSeconds)}`}
        {p.compileMs !== null ? ` · warm-up ${(p.compileMs / 1000).toFixed(1)} s` : ''}
        {lastEpoch && <span data-testid="train.epoch-time">{` · epoch ${lastEpoch.epoch + 1}: ${epochTimeText(lastEpoch)}`}</span>}
      </div>
      {earlyStop && (
        <p className="notice" data-testid="train.early-stop">
          {earlyStopText(earlyStop, p.totalEpochs)}
        </p>
      )}
    </div>
  );
}

function MetricsTable() {
  const latest = useStore(selectLatest);
  const names = Object.keys(latest).filter((n) => n !== 'epoch').sort();
  if (names.length === 0) return null;
  return (
    <table className="metrics">
      <tbody>
        {names.map((n) => (
          <tr key={n}>
            <th scope="row">{n}</th>
            <td data-testid={`metrics.${n}`}>{formatMetric(latest[n]!)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Problems() {
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.workerNotice);
  return (
    <>
      {notice && (
        <p className="notice" role="status" data-testid="train.worker-notice">
          {notice}
        </p>
      )}
      {error && (
        <div className="error" role="alert" data-testid="train.error">
          <strong>{error.name}</strong>: {error.message}
          <div className="muted">Change the settings or the accelerator and press Train to try again.</div>
        </div>
      )}
    </>
  );
}

/** Leaving the page loses a run in progress: the browser asks first (the runs table marks such a run interrupted). */
function useUnloadWarning(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [active]);
}

export function TrainPanel() {
  useUnloadWarning(useStore((s) => ACTIVE_STATUSES.includes(s.status)));
  return (
    <section className="panel" aria-labelledby="train-heading">
      <h2 id="train-heading">Train</h2>
      <WhatRuns />
      <Controls />
      <StatusLine />
      <ProgressView />
      <Problems />
      <MetricsTable />
      <Monitor />
    </section>
  );
}
