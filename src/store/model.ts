/**
 * The model step's state changes: presets for the loaded dataset, layer
 * edits, the recipe, and the spec mirrored in the page URL (`?spec=`) so a
 * configuration can be shared as a link. Only the tf-free parts of
 * src/models are used here (spec, shapes, presets, codec).
 */
import { buildPreset, defaultPresetFor, listPresets, presetAvailability, type PresetId } from '../models/presets';
import { inferShapes, type ShapeReport } from '../models/shapes';
import { specFromUrl, specToUrl } from '../models/codec';
import { layer, taskInfoOf, type LayerInit, type LayerKind, type LayerSpec, type ModelSpec, type RecipeSpec } from '../models/spec';
import type { DatasetReport } from '../worker/protocol';
import { useStore } from './state';

export const SPEC_PARAM = 'spec';
/** The preset the linked spec came from, so a reload names it as before (not "custom"). */
const PRESET_PARAM = 'preset';

let cached: { spec: ModelSpec; report: DatasetReport; shapes: ShapeReport } | null = null;

/**
 * Shapes and problems of a spec on the loaded dataset (null before a dataset is known).
 * Several components ask on every store change; the last answer is reused while spec and dataset are the same objects.
 */
export function shapeReport(spec: ModelSpec | null, report: DatasetReport | null): ShapeReport | null {
  if (!spec || !report) return null;
  if (cached && cached.spec === spec && cached.report === report) return cached.shapes;
  const shapes = computeShapes(spec, report);
  cached = { spec, report, shapes };
  return shapes;
}

function computeShapes(spec: ModelSpec, report: DatasetReport): ShapeReport {
  const info = taskInfoOf(report);
  return inferShapes(spec, info.inputShape, { task: info.task, ...(info.numClasses ? { numClasses: info.numClasses } : {}), loss: spec.recipe.loss });
}

export function presetsFor(report: DatasetReport | null) {
  return report ? listPresets(taskInfoOf(report)) : [];
}

/** The preset a dataset starts with; MNIST starts with the MLP, which trains in seconds on any backend. */
function startingPreset(report: DatasetReport): PresetId {
  const info = taskInfoOf(report);
  if (report.name === 'mnist' && presetAvailability('mlp', info).available) return 'mlp';
  return defaultPresetFor(info);
}

let epochsFromUrl = false;
let specFromLink: ModelSpec | null = null;
let presetFromLink: string | null = null;

/** Remembers what the URL fixed: epochs (kept across datasets) and a shared spec (used when it fits the data). */
export function readModelFromUrl(search: string): void {
  const q = new URLSearchParams(search);
  epochsFromUrl = q.has('maxEpochs');
  presetFromLink = q.get(PRESET_PARAM);
  const text = q.get(SPEC_PARAM);
  if (!text) return;
  try {
    specFromLink = specFromUrl(text);
  } catch (err) {
    useStore.setState({ logs: [...useStore.getState().logs, { runId: null, level: 'warn', message: `the link's model spec was ignored: ${(err as Error).message}` }] });
  }
}

/** A new dataset: keep a spec that still fits it, else start from the preset that suits it. */
export function onDataset(report: DatasetReport): void {
  const s = useStore.getState();
  if (specFromLink) {
    const shared = specFromLink;
    specFromLink = null;
    if (shapeReport(shared, report)?.ok) {
      // The link names its preset; a spec edited after it was built from one says "custom" there.
      setSpec(shared, presetFromLink && /^[\w-]{1,40}$/.test(presetFromLink) ? presetFromLink : 'custom');
      return;
    }
  }
  if (s.spec && shapeReport(s.spec, report)?.ok && s.dataset?.name === report.name) return;
  choosePreset(startingPreset(report));
}

export function choosePreset(id: string): void {
  const report = useStore.getState().dataset;
  if (!report) return;
  const info = taskInfoOf(report);
  const spec = buildPreset(id as PresetId, { ...info, numExamples: report.splits.train });
  setSpec(spec, id);
}

export function setSpec(spec: ModelSpec, presetId = useStore.getState().presetId): void {
  const patch: Partial<ReturnType<typeof useStore.getState>> = { spec, presetId };
  if (!epochsFromUrl) patch.maxEpochs = spec.recipe.epochs;
  useStore.setState(patch);
  mirrorInUrl(spec, presetId);
}

function editLayers(edit: (layers: LayerSpec[]) => LayerSpec[]): void {
  const spec = useStore.getState().spec;
  if (!spec) return;
  setSpec({ ...spec, layers: edit(spec.layers.slice()) }, 'custom');
}

export function updateLayer(id: string, patch: Partial<LayerSpec>): void {
  editLayers((layers) => layers.map((l) => (l.id === id ? ({ ...l, ...patch } as LayerSpec) : l)));
}

export function removeLayer(id: string): void {
  editLayers((layers) => layers.filter((l) => l.id !== id));
}

export function moveLayer(id: string, by: -1 | 1): void {
  editLayers((layers) => {
    const i = layers.findIndex((l) => l.id === id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= layers.length) return layers;
    [layers[i], layers[j]] = [layers[j]!, layers[i]!];
    return layers;
  });
}

/** Sensible starting values for a new layer of each kind. */
export const NEW_LAYER: Record<LayerKind, LayerInit> = {
  dense: { kind: 'dense', units: 64, activation: 'relu' },
  conv2d: { kind: 'conv2d', filters: 16, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' },
  maxPool2d: { kind: 'maxPool2d', poolSize: 2 },
  avgPool2d: { kind: 'avgPool2d', poolSize: 2 },
  globalAvgPool2d: { kind: 'globalAvgPool2d' },
  flatten: { kind: 'flatten' },
  dropout: { kind: 'dropout', rate: 0.2 },
  batchNorm: { kind: 'batchNorm' },
  activation: { kind: 'activation', activation: 'relu' },
  reshape: { kind: 'reshape', targetShape: [28, 28, 1] },
  residualBlock: { kind: 'residualBlock', filters: 16, strides: 1, kernelSize: 3, batchNorm: true },
};

/** Inserts a layer of `kind` at `index` (default: before the output layer). */
export function addLayer(kind: LayerKind, index?: number): void {
  editLayers((layers) => {
    const at = index ?? Math.max(0, layers.length - 1);
    layers.splice(at, 0, layer(structuredClone(NEW_LAYER[kind])));
    return layers;
  });
}

export function setRecipe(patch: Partial<RecipeSpec>): void {
  const spec = useStore.getState().spec;
  if (!spec) return;
  setSpec({ ...spec, recipe: { ...spec.recipe, ...patch } }, useStore.getState().presetId);
}

/** Keeps `?spec=` in the address bar equal to the spec, without a navigation or a history entry. */
function mirrorInUrl(spec: ModelSpec, presetId: string): void {
  const loc = (globalThis as { location?: Location }).location;
  const history = (globalThis as { history?: History }).history;
  if (!loc || !history) return;
  const url = new URL(loc.href);
  url.searchParams.set(SPEC_PARAM, specToUrl(spec));
  url.searchParams.set(PRESET_PARAM, presetId);
  history.replaceState(history.state, '', url);
}

/** The link that restores the current configuration. */
export function shareLink(): string {
  const loc = (globalThis as { location?: Location }).location;
  return loc ? loc.href : '';
}
