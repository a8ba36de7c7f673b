/** The data step's actions: built-ins, uploads, the target/task/split choices, predictions and the augmentation preview. */
import { checkAugmentation, type AugmentationSpec } from '../data/images/augment';
import type { BuiltinRequest, DataChoices, DatasetReport, PredictInput, ProgressEvent, UploadFile, UploadOptions, WorkerError } from '../worker/protocol';
import { requireClient } from './client';
import { reduceEvent } from './events';
import { onDataset } from './model';
import { useStore } from './state';

/** The latest data command: only its progress shows, and only its end clears the loading state. */
let loadSeq = 0;

/**
 * Runs one data command. The worker runs loads in the order they were sent,
 * so their replies arrive in that order and the last one's dataset is what
 * stays loaded; a failure leaves the previous dataset loaded and says why.
 */
async function load(what: string, send: (onProgress: (e: ProgressEvent) => void) => Promise<DatasetReport>): Promise<void> {
  const seq = ++loadSeq;
  useStore.setState({ dataLoading: { what, progress: null } });
  const onProgress = (e: ProgressEvent) => {
    if (seq === loadSeq) useStore.setState((s) => reduceEvent(s, e));
  };
  const done = () => (seq === loadSeq ? { dataLoading: null } : {});
  try {
    const report = await send(onProgress);
    useStore.setState({ dataset: report, dataError: null, augmentPreview: null, augmentPreviewError: null, ...done() });
    onDataset(report);
  } catch (err) {
    const e = err as WorkerError;
    useStore.setState({ dataError: { name: e.name || 'Error', message: e.message, ...(e.issue ? { issue: e.issue } : {}) }, ...done() });
  }
}

export function loadBuiltin(request: BuiltinRequest): Promise<void> {
  return load(request.name, (onProgress) => requireClient().loadBuiltin(request, { onProgress }));
}

/** A file picked or dropped, with its path inside a dropped folder when there is one. */
export interface PickedFile {
  path: string;
  file: Blob;
}

export function uploadFiles(files: PickedFile[], options: UploadOptions = {}): Promise<void> {
  if (files.length === 0) return Promise.resolve();
  return load(files.length === 1 ? files[0]!.path : `${files.length} files`, async (onProgress) => {
    const read: UploadFile[] = await Promise.all(files.map(async (f) => ({ path: f.path, bytes: await f.file.arrayBuffer() })));
    return requireClient().upload(read, options, { onProgress });
  });
}

export function configureData(choices: DataChoices): Promise<void> {
  return load('encoding', (onProgress) => requireClient().configureData(choices, { onProgress }));
}

let predictSeq = 0;

/** "Try it" with the last run's model; a newer prediction replaces an older one still in flight. */
export async function predict(input: PredictInput): Promise<void> {
  const seq = ++predictSeq;
  useStore.setState({ predictionError: null, predictionField: null, predicting: true });
  try {
    const prediction = await requireClient().predict(input);
    if (seq === predictSeq) useStore.setState({ prediction, predicting: false, predictionError: null, predictionField: null });
  } catch (err) {
    const e = err as WorkerError;
    // A field the worker could not read is shown at that field ("Try it" keeps the other values).
    if (seq === predictSeq) useStore.setState({ prediction: null, predicting: false, predictionError: e.message, predictionField: e.issue?.column ?? null });
  }
}

let previewSeed = 0;

/** Asks the worker for a few training images as loaded and augmented with the current setting (new draws each time). */
export async function previewAugmentation(): Promise<void> {
  const spec = useStore.getState().augmentation;
  const seed = ++previewSeed;
  useStore.setState({ augmentPreviewing: true, augmentPreviewError: null });
  try {
    const preview = await requireClient().previewAugmentation({ ...spec }, seed);
    if (seed === previewSeed) useStore.setState({ augmentPreview: preview, augmentPreviewing: false, augmentPreviewError: null });
  } catch (err) {
    if (seed === previewSeed) useStore.setState({ augmentPreviewing: false, augmentPreviewError: (err as Error).message });
  }
}

/** Changes the training-time augmentation of the next runs (checked here, so a bad value never reaches the worker). */
export function setAugmentation(patch: Partial<AugmentationSpec>): void {
  const next = checkAugmentation({ ...useStore.getState().augmentation, ...patch });
  useStore.setState({ augmentation: next });
}
