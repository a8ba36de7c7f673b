/**
 * The Export step's state and actions: downloads built in the worker (tfjs
 * files, bundle, PyTorch project, quantised variants), the compression table,
 * and a model loaded back in (its schema check, evaluation and predictions).
 */
import type { ExportKind, ExportRequest, ExportVariant, PredictInput, SerializedError, WorkerEvent } from '../worker/protocol';
import { serializeError } from '../worker/protocol';
import { requireClient, setStep, startRun } from './actions';
import { useStore, type VoltState } from './state';

export { initialExport, type ExportSlice } from './export-state';

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

/** Store changes for the export events; side effects (saving a file) happen in `onExportEvent`. */
export function reduceExportEvent(state: VoltState, event: Extract<WorkerEvent, { type: 'exported' | 'variants' | 'imported' | 'exportError' }>): Partial<VoltState> {
  const mine = state.exportBusy?.requestId === event.requestId;
  switch (event.type) {
    case 'exported': {
      const f = event.file;
      return { lastExport: { runId: state.runId, fileName: f.fileName, bytes: f.bytes.byteLength, files: f.files }, ...(mine ? { exportBusy: null, exportError: null } : {}) };
    }
    case 'variants':
      return { variants: event.report, variantsRunId: state.runId, ...(mine ? { exportBusy: null, exportError: null } : {}) };
    case 'imported':
      return { imported: event.report, importedPrediction: null, importedPredictionError: null, ...(mine ? { exportBusy: null, exportError: null } : {}) };
    case 'exportError':
      return mine ? { exportBusy: null, exportError: event.error.message } : { exportError: event.error.message };
  }
}

export function onExportEvent(event: WorkerEvent): void {
  if (event.type === 'exported') saveFile(event.file.bytes, event.file.fileName, event.file.mime);
}

async function request(what: string, send: () => Promise<number>): Promise<void> {
  useStore.setState({ exportBusy: { requestId: -1, what }, exportError: null });
  try {
    const requestId = await send();
    // The result follows the reply in a later message, so the id is known before it arrives.
    useStore.setState((s) => (s.exportBusy?.requestId === -1 ? { exportBusy: { requestId, what } } : {}));
  } catch (err) {
    const e: SerializedError = serializeError(err);
    useStore.setState({ exportBusy: null, exportError: e.message });
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
  return request(variant === 'float32' ? kind : `${kind} ${variant}`, () => requireClient().exportModel(req));
}

export function compareVariants(): Promise<void> {
  return request('variants', () => requireClient().compareVariants());
}

/** Reads the picked files (a bundle zip, or model.json and shards) and loads them in the worker. */
export async function importModel(files: Array<{ path: string; file: Blob }>): Promise<void> {
  if (files.length === 0) return;
  const read = await Promise.all(files.map(async (f) => ({ path: f.path, bytes: await f.file.arrayBuffer() })));
  return request('import', () => requireClient().importModel(read));
}

export async function predictImported(input: PredictInput): Promise<void> {
  useStore.setState({ importedPredictionError: null, importedPredicting: -1 });
  try {
    const requestId = await requireClient().predict(input, 'imported');
    useStore.setState((s) => (s.importedPredicting === -1 ? { importedPredicting: requestId } : {}));
  } catch (err) {
    useStore.setState({ importedPredicting: null, importedPredictionError: serializeError(err).message });
  }
}

/**
 * Continues training the imported bundle on the loaded dataset: its
 * architecture, recipe and weights, the Train panel's epochs, and this
 * learning rate. Opens the Train step; resolves to the run id (null when a
 * run is already active).
 */
export async function fineTuneImported(learningRate?: number): Promise<string | null> {
  const id = await startRun({ initFrom: 'imported', spec: null, ...(learningRate !== undefined ? { learningRate } : {}) });
  if (id) setStep('train');
  return id;
}
