import { useStore } from '../store';

/** The latest worker log lines (backend choice, model summary, run end). */
export function LogView() {
  const logs = useStore((s) => s.logs);
  const shown = logs.slice(-40);
  return (
    <details className="panel logs">
      <summary>Log ({logs.length})</summary>
      <pre data-testid="train.log">{shown.map((l) => `${l.level === 'info' ? '' : `[${l.level}] `}${l.message}`).join('\n')}</pre>
    </details>
  );
}
