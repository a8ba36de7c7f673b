import type { BackendReport, Progress } from '../worker/protocol';

/** `train.backend`'s text: the backend first, then the adapter, then why better ones were skipped. */
export function describeBackend(b: BackendReport | null): string {
  if (!b) return 'not chosen yet';
  const adapter = b.adapter ? ` (${[b.adapter.vendor, b.adapter.architecture].filter(Boolean).join(' ') || 'unknown adapter'})` : '';
  const wasm = b.wasm ? ` (SIMD ${b.wasm.simd ? 'on' : 'off'}, ${b.wasm.threads ? `${b.wasm.threadsCount} threads` : 'single thread'})` : '';
  const skipped = b.rejected.length ? ` — skipped ${b.rejected.map((r) => `${r.backend}: ${r.reason}`).join('; ')}` : '';
  return `${b.name}${adapter}${wasm}${skipped}`;
}

/** Four significant digits, plain text (what `metrics.<name>` shows). */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  // A float32 round-off (|v| < 1e-12) is zero to a reader, not "2.220e-19".
  if (Math.abs(v) < 1e-12) return '0';
  if (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-6) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

export function formatEta(sec: number | null): string {
  if (sec === null) return '—';
  if (sec < 60) return `${Math.ceil(sec)} s`;
  const m = Math.floor(sec / 60);
  return m < 60 ? `${m} min ${Math.round(sec % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function progressText(p: Progress | null): string {
  if (!p) return '';
  const epochs = p.totalEpochs > 0 ? `epoch ${p.epoch + 1}/${p.totalEpochs}` : `epoch ${p.epoch + 1}`;
  const steps = p.totalSteps > 0 ? `step ${p.step}/${p.totalSteps}` : `step ${p.step}`;
  return `${epochs} · batch ${p.batch}/${p.batchesPerEpoch} · ${steps}`;
}

/** Bytes as B, KB or MB (1024-based), for sizes on the page. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
