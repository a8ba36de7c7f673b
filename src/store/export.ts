/**
 * The Export step's state and actions: downloads built in the worker (tfjs
 * files, bundle, PyTorch project, quantised variants), the compression table,
 * and a model loaded back in (its schema check, evaluation and predictions).
 */
import type { ExportKind, ExportRequest, ExportVariant, PredictInput } from '../worker/protocol';
import { setStep, startRun } from './actions';
import { requireClient } from './client';
import { useStore, type VoltState } from './state';

export { type ExportSlice } from './export-state';

/** Whether the current run has a model to export: it finished or was stopped. */
export function canExport(s: Pick<VoltState, 'status' | 'runId'>): boolean {
  return s.runId !== null && (s.status === 'finished' || s.status === 'stopped');
}

/** The Export step's choice text (the step list). */
export function exportChoice(s: VoltState): string {
  if (s.lastExport && s.lastExport.runId === s.runId) return s.lastExport.fileName;
  if (s.imported) return `imported ${s.imported.source}`;
  return canExport(s) ? 'ready' : 'load a model';
}

/** Saves bytes as a file; the page's default clicks an `<a download>` on a Blob URL. */
export type SaveFile = (bytes: ArrayBuffer, fileName: string, mime: string) => void;

export const domSaveFile: SaveFile = (bytes, fileName, mime) => {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: Chromium starts reading the Blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};

let saveFile: SaveFile = domSaveFile;

/** Replaces how files are saved (tests). */
export function setSaveFile(fn: SaveFile): void {
  saveFile = fn;
}

/**
 * One export command: `exportBusy` names it while it runs; its result goes
 * into the store with `apply` (against the state when it arrived), or its
 * error into `exportError`.
 */
async function request<T>(what: string, send: () => Promise<T>, apply: (result: T, s: VoltState) => Partial<VoltState>): Promise<void> {
  useStore.setState({ exportBusy: { what }, exportError: null });
  try {
    const result = await send();
    useStore.setState((s) => ({ ...apply(result, s), exportBusy: null, exportError: null }));
  } catch (err) {
    useStore.setState({ exportBusy: null, exportError: (err as Error).message });
  }
}

/** Metric history for metrics.csv: one row per logged step. */
export function historyRows(series: VoltState['series']): Array<Record<string, number>> {
  const rows = new Map<number, Record<string, number>>();
  for (const [name, points] of Object.entries(series)) {
    for (const p of points) {
      const row = rows.get(p.step) ?? { step: p.step };
      row[name] = p.value;
      rows.set(p.step, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.step! - b.step!);
}

export function exportModel(kind: ExportKind, variant: ExportVariant = 'float32'): Promise<void> {
  const s = useStore.getState();
  const req: ExportRequest = { kind, variant, modelName: s.presetId || 'model' };
  if (kind === 'bundle') req.history = historyRows(s.series);
  return request(
    variant === 'float32' ? kind : `${kind} ${variant}`,
    () => requireClient().exportModel(req),
    (f, st) => {
      saveFile(f.bytes, f.fileName, f.mime);
      return { lastExport: { runId: st.runId, fileName: f.fileName, bytes: f.bytes.byteLength, files: f.files } };
    },
  );
}

export function compareVariants(): Promise<void> {
  return request('variants', () => requireClient().compareVariants(), (report, st) => ({ variants: report, variantsRunId: st.runId }));
}

/** Reads the picked files (a bundle zip, or model.json and shards) and loads them in the worker. */
export async function importModel(files: Array<{ path: string; file: Blob }>): Promise<void> {
  if (files.length === 0) return;
  const read = await Promise.all(files.map(async (f) => ({ path: f.path, bytes: await f.file.arrayBuffer() })));
  return request('import', () => requireClient().importModel(read), (report) => ({ imported: report, importedPrediction: null, importedPredictionError: null }));
}

let predictSeq = 0;

/** "Try it" with the imported model; a newer prediction replaces an older one still in flight. */
export async function predictImported(input: PredictInput): Promise<void> {
  const seq = ++predictSeq;
  useStore.setState({ importedPredictionError: null, importedPredicting: true });
  try {
    const prediction = await requireClient().predict(input, 'imported');
    if (seq === predictSeq) useStore.setState({ importedPrediction: prediction, importedPredicting: false, importedPredictionError: null });
  } catch (err) {
    if (seq === predictSeq) useStore.setState({ importedPredicting: false, importedPredictionError: (err as Error).message });
  }
}

/**
 * Continues training the imported bundle on the loaded dataset: its
 * architecture, recipe and weights, the Train panel's epochs, and this
 * learning rate. Opens the Train step; resolves to the run id (null when a
 * run is already active).
 */
export function fineTuneImported(learningRate?: number): string | null {
  const id = startRun({ initFrom: 'imported', spec: null, ...(learningRate !== undefined ? { learningRate } : {}) });
  if (id) setStep('train');
  return id;
}
