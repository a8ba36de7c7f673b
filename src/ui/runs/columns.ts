/**
 * The runs table's columns, derived from the runs themselves: fixed facts,
 * then one column per hyperparameter any run has, then one per final metric.
 * Pure functions, so sorting is tested without React.
 */
import type { RunEntry, SortDir } from '../../store/runs';

type CellValue = string | number | null;

export interface Column {
  /** Stable id: `number`, `status`, ..., `param:<key>`, `metric:<name>`. */
  id: string;
  label: string;
  /** Right-aligned, compared as numbers. */
  numeric: boolean;
  value(run: RunEntry): CellValue;
}

const FIXED: Column[] = [
  { id: 'number', label: '#', numeric: true, value: (r) => r.number },
  { id: 'status', label: 'Status', numeric: false, value: (r) => (r.interrupted ? 'interrupted' : r.status) },
  { id: 'startedAt', label: 'Started', numeric: true, value: (r) => r.startedAt },
  { id: 'duration', label: 'Duration', numeric: true, value: (r) => r.durationMs },
  { id: 'epochTime', label: 'Epoch time', numeric: true, value: (r) => r.epochTiming?.epochMs ?? null },
  { id: 'trainTime', label: 'Train / epoch', numeric: true, value: (r) => r.epochTiming?.trainMs ?? null },
  { id: 'validationTime', label: 'Validation / epoch', numeric: true, value: (r) => r.epochTiming?.validationMs ?? null },
  { id: 'backend', label: 'Backend', numeric: false, value: (r) => r.backend?.name ?? null },
];

type Primitive = string | number | boolean;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Hyperparameters every run shows, in this order (the values a person compares runs by). */
const PRIMARY = ['dataset', 'model', 'accelerator', 'epochs', 'batch', 'lr', 'optimizer', 'seed'];
/** Test hooks and bookkeeping, not hyperparameters. */
const HIDDEN = new Set(['debug', 'detectAnomaly', 'spec', 'maxEpochs', 'batchSize', 'learningRate', 'seed', 'model', 'dataset', 'accelerator']);

/** "dense 128 → dropout 0.2 → dense 10": a layer list at a glance. */
export function summarizeLayers(layers: unknown): string | undefined {
  if (!Array.isArray(layers)) return undefined;
  return layers
    .filter(isObj)
    .map((l) => {
      const size = num(l.units) ?? num(l.filters) ?? num(l.rate) ?? num(l.poolSize);
      return size === undefined ? String(l.kind) : `${String(l.kind)} ${size}`;
    })
    .join(' → ');
}

function flatten(prefix: string, v: unknown, out: Record<string, Primitive>, depth: number): void {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[prefix] = v;
  else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string')) out[prefix] = v.join(', ');
  else if (isObj(v) && depth > 0) for (const [k, x] of Object.entries(v)) if (k !== 'id') flatten(prefix ? `${prefix}.${k}` : k, x, out, depth - 1);
}

/**
 * The run's hyperparameters: the primary ones (the run's overrides win over
 * its recipe's values, as in the worker), then every other primitive field of
 * the config and of the recipe, flattened with dotted keys.
 */
export function runParams(run: RunEntry): Record<string, Primitive> {
  if (!isObj(run.config)) return paramsOf({});
  const cached = paramCache.get(run.config);
  if (cached) return cached;
  const params = paramsOf(run.config as unknown as Obj);
  paramCache.set(run.config, params);
  return params;
}

/**
 * A run's config object is kept as is while the run trains (only its series
 * and status change), so its parameters are worked out once, not on every
 * render of the table.
 */
const paramCache = new WeakMap<object, Record<string, Primitive>>();

function paramsOf(config: Obj): Record<string, Primitive> {
  const spec = isObj(config.spec) ? config.spec : null;
  const recipe = spec && isObj(spec.recipe) ? spec.recipe : null;
  const optimizer = recipe && isObj(recipe.optimizer) ? recipe.optimizer : null;
  const out: Record<string, Primitive> = {};
  const set = (k: string, v: unknown) => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  };
  set('dataset', config.dataset);
  set('model', summarizeLayers(spec?.layers) ?? config.model ?? (config.initFrom === 'imported' ? 'imported bundle' : spec === null ? 'default' : undefined));
  set('accelerator', config.accelerator);
  set('epochs', config.maxEpochs ?? recipe?.epochs);
  set('batch', config.batchSize ?? recipe?.batchSize);
  set('lr', config.learningRate ?? optimizer?.lr);
  set('optimizer', optimizer?.type);
  set('seed', config.seed ?? recipe?.seed);
  const rest: Record<string, Primitive> = {};
  for (const [k, v] of Object.entries(config)) if (!HIDDEN.has(k)) flatten(k, v, rest, 2);
  if (recipe) {
    const { optimizer: opt, epochs: _e, batchSize: _b, seed: _s, ...others } = recipe;
    flatten('recipe', others, rest, 3);
    if (isObj(opt)) {
      const { type: _t, lr: _l, ...optRest } = opt;
      flatten('optimizer', optRest, rest, 2);
    }
  }
  for (const [k, v] of Object.entries(rest)) if (!(k in out)) out[k] = v;
  return out;
}

export function buildColumns(runs: readonly RunEntry[]): Column[] {
  const values = new Map<string, Primitive[]>();
  const metrics = new Set<string>();
  const params = runs.map(runParams);
  params.forEach((p) => {
    for (const [k, v] of Object.entries(p)) {
      const list = values.get(k) ?? [];
      list.push(v);
      values.set(k, list);
    }
  });
  for (const r of runs) for (const m of Object.keys(r.finalMetrics)) metrics.add(m);
  // Beyond the primary ones, a parameter gets a column only where runs differ in it: the table shows what changed.
  const varies = (k: string) => {
    const vs = values.get(k)!;
    return vs.length < runs.length || new Set(vs).size > 1;
  };
  const keys = [...PRIMARY.filter((k) => values.has(k)), ...[...values.keys()].filter((k) => !PRIMARY.includes(k) && varies(k)).sort()];
  const paramCols: Column[] = keys.map((k) => ({
    id: `param:${k}`,
    label: k,
    numeric: values.get(k)!.every((v) => typeof v === 'number'),
    value: (r) => {
      const v = runParams(r)[k];
      return v === undefined ? null : typeof v === 'boolean' ? String(v) : v;
    },
  }));
  const metricCols: Column[] = [...metrics].sort().map((m) => ({
    id: `metric:${m}`,
    label: m,
    numeric: true,
    value: (r) => r.finalMetrics[m] ?? null,
  }));
  // A column no run has a value in says nothing: leave it out (the run number and status always show).
  const all = [...FIXED, ...paramCols, ...metricCols];
  return all.filter((c) => c.id === 'number' || c.id === 'status' || runs.some((r) => c.value(r) !== null));
}

/**
 * The columns shown before the person chooses: the facts, the hyperparameters, and the held-out
 * metrics plus the training loss (per-epoch duplicates such as `train_loss_epoch` and other metrics
 * are one tick away in the column chooser).
 */
export function defaultVisible(c: Column): boolean {
  if (!c.id.startsWith('metric:')) return true;
  const name = c.id.slice('metric:'.length);
  return /^(val|test)_/.test(name) || name === 'train_loss';
}

/** The columns to draw: `choice` maps a column id to shown/hidden where the person chose; otherwise the default. */
export function visibleColumns(columns: readonly Column[], choice: Readonly<Record<string, boolean>>): Column[] {
  return columns.filter((c) => c.id === 'number' || (choice[c.id] ?? defaultVisible(c)));
}

/** Runs ordered by a column; missing values always last, ties by run number. */
export function sortRuns(runs: readonly RunEntry[], columns: readonly Column[], sort: { column: string; dir: SortDir }): RunEntry[] {
  const col = columns.find((c) => c.id === sort.column) ?? columns[0]!;
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = runs.map((r) => ({ r, v: col.value(r) }));
  keyed.sort((a, b) => {
    const missA = a.v === null || (typeof a.v === 'number' && Number.isNaN(a.v));
    const missB = b.v === null || (typeof b.v === 'number' && Number.isNaN(b.v));
    if (missA || missB) return missA === missB ? a.r.number - b.r.number : missA ? 1 : -1;
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v), undefined, { numeric: true });
    return c !== 0 ? sign * c : a.r.number - b.r.number;
  });
  return keyed.map((k) => k.r);
}

/** Metric names the overlay can draw: those of the selected runs, or of all runs when none is selected. */
export function metricNames(runs: readonly RunEntry[], selected: readonly string[]): string[] {
  const pool = selected.length ? runs.filter((r) => selected.includes(r.id)) : runs;
  const names = new Set<string>();
  for (const r of pool) for (const [n, pts] of Object.entries(r.series)) if (pts.length) names.add(n);
  return [...names].sort();
}

/** The metric to draw: the chosen one when available, else training loss, validation loss, or the first. */
export function pickMetric(names: readonly string[], chosen: string | null): string | null {
  if (chosen !== null && names.includes(chosen)) return chosen;
  return ['train_loss', 'val_loss', 'loss'].find((n) => names.includes(n)) ?? names[0] ?? null;
}
