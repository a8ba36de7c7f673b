/** The data step's actions: built-ins, uploads, and the target/task/split choices. */
import { checkAugmentation, type AugmentationSpec } from '../data/images/augment';
import type { BuiltinRequest, DataChoices, PredictInput, UploadFile, UploadOptions } from '../worker/protocol';
import { serializeError } from '../worker/protocol';
import { requireClient } from './actions';
import { useStore } from './state';

function failed(err: unknown): void {
  useStore.setState({ dataLoading: null, dataError: { ...serializeError(err) } });
}

export async function loadBuiltin(request: BuiltinRequest): Promise<void> {
  useStore.setState({ dataLoading: { requestId: -1, what: request.name, progress: null } });
  try {
    // The dataset event follows the reply in a later message, so the id is known before it arrives.
    const requestId = await requireClient().loadBuiltin(request);
    useStore.setState((s) => (s.dataLoading?.requestId === -1 ? { dataLoading: { ...s.dataLoading, requestId } } : {}));
  } catch (err) {
    failed(err);
  }
}

/** A file picked or dropped, with its path inside a dropped folder when there is one. */
export interface PickedFile {
  path: string;
  file: Blob;
}

export async function uploadFiles(files: PickedFile[], options: UploadOptions = {}): Promise<void> {
  if (files.length === 0) return;
  useStore.setState({ dataLoading: { requestId: -1, what: files.length === 1 ? files[0]!.path : `${files.length} files`, progress: null } });
  try {
    const read: UploadFile[] = await Promise.all(files.map(async (f) => ({ path: f.path, bytes: await f.file.arrayBuffer() })));
    const requestId = await requireClient().upload(read, options);
    useStore.setState((s) => (s.dataLoading?.requestId === -1 ? { dataLoading: { ...s.dataLoading, requestId } } : {}));
  } catch (err) {
    failed(err);
  }
}

export async function configureData(choices: DataChoices): Promise<void> {
  try {
    useStore.setState({ dataLoading: { requestId: -1, what: 'encoding', progress: null } });
    const requestId = await requireClient().configureData(choices);
    useStore.setState((s) => (s.dataLoading?.requestId === -1 ? { dataLoading: { ...s.dataLoading, requestId } } : {}));
  } catch (err) {
    failed(err);
  }
}

export async function predict(input: PredictInput): Promise<void> {
  useStore.setState({ predictionError: null, predicting: -1 });
  try {
    const requestId = await requireClient().predict(input);
    useStore.setState((s) => (s.predicting === -1 ? { predicting: requestId } : {}));
  } catch (err) {
    useStore.setState({ predicting: null, predictionError: serializeError(err).message });
  }
}

let previewSeed = 0;

/** Asks the worker for a few training images as loaded and augmented with the current setting (new draws each time). */
export async function previewAugmentation(): Promise<void> {
  const spec = useStore.getState().augmentation;
  useStore.setState({ augmentPreviewing: -1, augmentPreviewError: null });
  try {
    const requestId = await requireClient().previewAugmentation({ ...spec }, ++previewSeed);
    useStore.setState((s) => (s.augmentPreviewing === -1 ? { augmentPreviewing: requestId } : {}));
  } catch (err) {
    useStore.setState({ augmentPreviewing: null, augmentPreviewError: serializeError(err).message });
  }
}

/** Changes the training-time augmentation of the next runs (checked here, so a bad value never reaches the worker). */
export function setAugmentation(patch: Partial<AugmentationSpec>): void {
  const next = checkAugmentation({ ...useStore.getState().augmentation, ...patch });
  useStore.setState({ augmentation: next });
}
