import { useShallow } from 'zustand/react/shallow';
import { exportChoice, setStep, shapeReport, useStore, type StepName } from '../store';
import { formatMetric } from './format';
import { LogView } from './LogView';
import { DataStep } from './data/DataStep';
import { ModelStep } from './model/ModelStep';
import { TrainCharts } from './train/TrainCharts';
import { TrainPanel } from './train/TrainPanel';
import { Boundary } from './train/Boundary';
import { EvaluateStep } from './evaluate/EvaluateStep';
import { ExportStep } from './export/ExportStep';
import { RunsPanel } from './runs';
import './app.css';

const STEPS: Array<{ id: StepName; title: string }> = [
  { id: 'data', title: 'Data' },
  { id: 'model', title: 'Model' },
  { id: 'train', title: 'Train' },
  { id: 'evaluate', title: 'Evaluate' },
  { id: 'export', title: 'Export' },
];

/** The current choice of each step, in a few words. */
function useChoices(): Record<StepName, string> {
  return useStore(
    useShallow((s) => {
      const shapes = shapeReport(s.spec, s.dataset);
      const acc = s.evaluation?.metrics.test_acc ?? s.evaluation?.metrics.test_r2;
      return {
        data: s.dataLoading ? `loading ${s.dataLoading.what}…` : s.dataset ? `${s.dataset.name} · ${s.dataset.rows} rows` : 'nothing loaded',
        model: s.spec ? `${s.presetId === 'custom' ? 'custom' : s.presetId} · ${s.spec.layers.length} layers${shapes && !shapes.ok ? ' · has errors' : ''}` : '—',
        train: s.status === 'idle' ? 'not started' : s.status,
        evaluate: s.evaluation ? `${s.evaluation.metrics.test_acc !== undefined ? 'accuracy' : 'R²'} ${acc !== undefined ? formatMetric(acc) : '—'}` : 'after training',
        export: exportChoice(s),
      };
    }),
  );
}

export function App() {
  const step = useStore((s) => s.step);
  const choices = useChoices();
  return (
    <div className="app">
      <header className="top">
        <h1>Volt Studio</h1>
        <p className="muted">Train a neural network on your own GPU, in the browser.</p>
      </header>
      <nav className="steps" aria-label="Steps">
        <ol>
          {STEPS.map((s, i) => (
            <li key={s.id}>
              <button
                type="button"
                data-testid={`step.${s.id}`}
                className={step === s.id ? 'step current' : 'step'}
                aria-current={step === s.id ? 'step' : undefined}
                onClick={() => setStep(s.id)}
              >
                <span className="step-n">{i + 1}</span>
                <span className="step-title">{s.title}</span>
                <span className="step-choice" data-testid={`step.${s.id}.choice`}>
                  {choices[s.id]}
                </span>
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <main className="layout">
        {/* The run controls stay in view on every step, so Train works from the first screen. */}
        <TrainPanel />
        <div className="step-body">
          {step === 'data' && <DataStep />}
          {step === 'model' && <ModelStep />}
          {step === 'train' && <TrainCharts />}
          {step === 'train' && <Boundary />}
          {step === 'evaluate' && <EvaluateStep />}
          {step === 'export' && <ExportStep />}
          {/* Below every step, so runs can be compared from any of them (and Train clicked on any step records one). */}
          <RunsPanel />
        </div>
        <LogView />
      </main>
    </div>
  );
}
