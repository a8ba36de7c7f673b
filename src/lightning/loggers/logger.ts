/** Receives metrics and hyperparameters (Lightning's `Logger`). */
export interface Logger {
  readonly name: string;
  readonly version?: string | number;
  logMetrics(metrics: Record<string, number>, step: number): void;
  logHyperparams(params: Record<string, unknown>): void;
  /** Called when a run ends ('success', 'failed' or 'interrupted'). */
  finalize?(status: 'success' | 'failed' | 'interrupted'): void;
  save?(): void | Promise<void>;
}

/**
 * Keeps every logged row in memory and renders it as CSV, like Lightning's
 * CSVLogger renders `metrics.csv` (columns: the union of all keys, `step` first).
 */
export class CSVLogger implements Logger {
  readonly name: string;
  readonly version: string | number;
  readonly rows: Array<Record<string, number>> = [];
  hparams: Record<string, unknown> = {};
  status: 'running' | 'success' | 'failed' | 'interrupted' = 'running';

  constructor(options: { name?: string; version?: string | number } = {}) {
    this.name = options.name ?? 'lightning_logs';
    this.version = options.version ?? 0;
  }

  logMetrics(metrics: Record<string, number>, step: number): void {
    this.rows.push({ ...metrics, step });
  }

  logHyperparams(params: Record<string, unknown>): void {
    this.hparams = { ...this.hparams, ...params };
  }

  finalize(status: 'success' | 'failed' | 'interrupted'): void {
    this.status = status;
  }

  /** All values of one metric in logging order, with their steps. */
  series(name: string): Array<{ step: number; value: number }> {
    return this.rows.filter((r) => name in r).map((r) => ({ step: r.step!, value: r[name]! }));
  }

  toCSV(): string {
    const keys = new Set<string>();
    for (const r of this.rows) for (const k of Object.keys(r)) keys.add(k);
    keys.delete('step');
    const cols = ['step', ...[...keys].sort()];
    const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = [cols.map(esc).join(',')];
    for (const r of this.rows) lines.push(cols.map((c) => (c in r ? String(r[c]) : '')).join(','));
    return lines.join('\n') + '\n';
  }
}
