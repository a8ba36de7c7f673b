/**
 * Specs to and from JSON and the page URL. The URL form is the JSON with
 * field names shortened through one declarative table (so every field
 * round-trips without per-field code), UTF-8, then base64url, prefixed by
 * the format version: `1.<base64url>`.
 *
 * Parsing checks structure (types, known kinds) and throws naming the field;
 * value checks (sizes, rates) are inferShapes'/validateRecipe's job, so the
 * builder can show them on the layer instead of refusing the link.
 */
import { LAYER_KINDS, SPEC_VERSION, type LayerSpec, type ModelSpec, type RecipeSpec } from './spec';

/** Long field name → short URL name. Names not listed pass through unchanged. */
const SHORT_KEYS: Record<string, string> = {
  version: 'v',
  layers: 'L',
  recipe: 'R',
  id: 'i',
  kind: 'k',
  units: 'u',
  activation: 'a',
  filters: 'f',
  kernelSize: 'ks',
  strides: 's',
  padding: 'p',
  poolSize: 'ps',
  rate: 'r',
  targetShape: 'ts',
  batchNorm: 'bn',
  loss: 'lo',
  optimizer: 'o',
  type: 't',
  lr: 'lr',
  weightDecay: 'wd',
  momentum: 'm',
  lrSchedule: 'sc',
  stepSize: 'ss',
  gamma: 'g',
  milestones: 'ms',
  tMax: 'tm',
  etaMin: 'em',
  maxLr: 'ml',
  pctStart: 'pc',
  warmupEpochs: 'we',
  startFactor: 'sf',
  monitor: 'mo',
  mode: 'md',
  factor: 'fa',
  patience: 'pa',
  batchSize: 'bs',
  epochs: 'e',
  earlyStopping: 'es',
  gradientClipVal: 'gc',
  seed: 'sd',
};
const LONG_KEYS: Record<string, string> = Object.fromEntries(Object.entries(SHORT_KEYS).map(([k, v]) => [v, k]));
if (Object.keys(LONG_KEYS).length !== Object.keys(SHORT_KEYS).length) throw new Error('codec: two fields share a short URL name');

/** Renames object keys at every depth (arrays of numbers and strings are left alone). */
function renameKeys(value: unknown, table: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, table));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [table[k] ?? k, renameKeys(v, table)]));
  }
  return value;
}

const URL_PREFIX = `${SPEC_VERSION}.`;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the model link is not valid base64url (it may have been cut or altered)');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(b64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function specToJson(spec: ModelSpec): string {
  return JSON.stringify(spec);
}

export function specFromJson(text: string): ModelSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`the model spec must be JSON, got a parse error: ${(e as Error).message}`);
  }
  return parseModelSpec(value);
}

/** A URL-safe string for a query parameter or hash, e.g. `#model=<this>`. */
export function specToUrl(spec: ModelSpec): string {
  const json = JSON.stringify(renameKeys(spec, SHORT_KEYS));
  return URL_PREFIX + toBase64Url(new TextEncoder().encode(json));
}

export function specFromUrl(text: string): ModelSpec {
  const dot = text.indexOf('.');
  const version = dot > 0 ? text.slice(0, dot) : '';
  if (version !== String(SPEC_VERSION)) {
    throw new Error(`the model link has format version ${JSON.stringify(version)}; this app reads version ${SPEC_VERSION}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(text.slice(dot + 1))));
  } catch (e) {
    throw new Error(`the model link could not be decoded: ${(e as Error).message}`);
  }
  return parseModelSpec(renameKeys(value, LONG_KEYS));
}

// ----- structural checks -------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 60) ?? String(v);

function expect(ok: boolean, path: string, what: string, v: unknown): void {
  if (!ok) throw new Error(`\`${path}\` must be ${what}, got ${show(v)}`);
}

const NUMBER_FIELDS = ['units', 'filters', 'kernelSize', 'strides', 'poolSize', 'rate'];
const STRING_FIELDS = ['activation', 'padding'];

function parseLayer(v: unknown, path: string): LayerSpec {
  expect(isObj(v), path, 'an object', v);
  const l = v as Obj;
  expect(typeof l.id === 'string' && l.id !== '', `${path}.id`, 'a non-empty string', l.id);
  expect(LAYER_KINDS.includes(l.kind as never), `${path}.kind`, `one of ${LAYER_KINDS.join(', ')}`, l.kind);
  for (const f of NUMBER_FIELDS) if (f in l) expect(typeof l[f] === 'number', `${path}.${f}`, 'a number', l[f]);
  for (const f of STRING_FIELDS) if (f in l) expect(typeof l[f] === 'string', `${path}.${f}`, 'a string', l[f]);
  if ('targetShape' in l) expect(Array.isArray(l.targetShape) && l.targetShape.every((d) => typeof d === 'number'), `${path}.targetShape`, 'a list of numbers', l.targetShape);
  if ('batchNorm' in l) expect(typeof l.batchNorm === 'boolean', `${path}.batchNorm`, 'a boolean', l.batchNorm);
  const required: Record<string, string[]> = {
    dense: ['units'],
    conv2d: ['filters', 'kernelSize', 'strides', 'padding'],
    maxPool2d: ['poolSize'],
    avgPool2d: ['poolSize'],
    dropout: ['rate'],
    activation: ['activation'],
    reshape: ['targetShape'],
    residualBlock: ['filters', 'strides'],
  };
  for (const f of required[l.kind as string] ?? []) expect(f in l, `${path}.${f}`, `given for a ${String(l.kind)} layer`, undefined);
  return l as unknown as LayerSpec;
}

function parseRecipe(v: unknown): RecipeSpec {
  expect(isObj(v), 'recipe', 'an object', v);
  const r = v as Obj;
  expect(typeof r.loss === 'string', 'recipe.loss', 'a string', r.loss);
  expect(isObj(r.optimizer), 'recipe.optimizer', 'an object', r.optimizer);
  const o = r.optimizer as Obj;
  expect(typeof o.type === 'string', 'recipe.optimizer.type', 'a string', o.type);
  for (const f of ['lr', 'weightDecay', 'momentum']) expect(typeof o[f] === 'number', `recipe.optimizer.${f}`, 'a number', o[f]);
  expect(isObj(r.lrSchedule) && typeof (r.lrSchedule as Obj).type === 'string', 'recipe.lrSchedule', 'an object with a `type`', r.lrSchedule);
  for (const f of ['batchSize', 'epochs']) expect(typeof r[f] === 'number', `recipe.${f}`, 'a number', r[f]);
  for (const f of ['gradientClipVal', 'seed']) expect(r[f] === null || typeof r[f] === 'number', `recipe.${f}`, 'a number or null', r[f]);
  expect(r.earlyStopping === null || isObj(r.earlyStopping), 'recipe.earlyStopping', 'an object or null', r.earlyStopping);
  return r as unknown as RecipeSpec;
}

/** Checks that a value read from JSON or a link has a spec's structure, and returns it typed. */
export function parseModelSpec(value: unknown): ModelSpec {
  expect(isObj(value), 'spec', 'an object', value);
  const v = value as Obj;
  expect(v.version === SPEC_VERSION, 'version', String(SPEC_VERSION), v.version);
  expect(Array.isArray(v.layers), 'layers', 'a list', v.layers);
  const layers = (v.layers as unknown[]).map((l, i) => parseLayer(l, `layers[${i}]`));
  return { version: SPEC_VERSION, layers, recipe: parseRecipe(v.recipe) };
}
