/**
 * Generated datasets for quick experiments: the Lightning guide's y = 2x
 * regression and two-dimensional classification sets in the spirit of
 * TensorFlow Playground. Seeded: the same options give the same points.
 *
 * `noise` is the standard deviation of Gaussian noise, in the data's own
 * units: points of the 2-D sets lie in [-1, 1]², so 0.1 is a light blur and
 * 0.5 mixes the classes heavily. For the regression it is added to y.
 */
import { checkSeed, gaussian, makeRng, type Rng } from '../random';
import { splitIndices, type SplitOptions } from '../split';
import type { EncodedDataset } from '../types';
import { SPEC_VERSION, type NumericFeature, type TableSpec, type TargetSpec } from '../encode/spec';
import type { ToyName } from './manifest';

export interface ToyOptions {
  /** Number of points (default 256 for the regression, 500 otherwise). */
  n?: number;
  /** Default 0. */
  noise?: number;
  /** Default 0. */
  seed?: number;
  /** Default { validation: 0.2, test: 0, seed }. */
  split?: SplitOptions;
}

function checkToyOptions(name: string, o: ToyOptions): { n: number; noise: number; seed: number } {
  const n = o.n ?? (name === 'regression' ? 256 : 500);
  const noise = o.noise ?? 0;
  const seed = o.seed ?? 0;
  if (!Number.isInteger(n) || n < 4) throw new Error(`\`n\` must be an integer of at least 4, got ${n}`);
  if (!(noise >= 0 && Number.isFinite(noise))) throw new Error(`\`noise\` must be a non-negative number, got ${noise}`);
  checkSeed(seed);
  return { n, noise, seed };
}

function identity(column: string): NumericFeature {
  return { kind: 'numeric', column, read: 'number', fill: 0, mean: 0, std: 1, missingIndicator: false };
}

/** A spec that passes the columns through unchanged, so a page can encode typed-in points. */
function identitySpec(features: string[], target: TargetSpec): TableSpec {
  return {
    kind: 'table',
    version: SPEC_VERSION,
    columns: [...features, target.column],
    features: features.map(identity),
    featureNames: [...features],
    target,
    dropped: [],
    notes: ['generated data: features are used as they are'],
  };
}

/** y = 2x + noise, x uniform in [-1, 1]. */
export function makeToyRegression(options: ToyOptions = {}): EncodedDataset {
  const { n, noise, seed } = checkToyOptions('regression', options);
  const rng = makeRng(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng() * 2 - 1;
    y[i] = 2 * (x[i] as number) + noise * gaussian(rng);
  }
  return {
    name: 'regression',
    task: 'regression',
    inputShape: [1],
    x,
    y,
    labelNames: [],
    splits: splitIndices(n, options.split ?? { validation: 0.2, test: 0, seed }),
    spec: identitySpec(['x'], { column: 'y', task: 'regression', mean: 0, std: 1 }),
    warnings: [],
  };
}

type Point = [number, number, number];
type PointMaker = (i: number, n: number, rng: Rng) => Point;

const polar = (r: number, t: number): [number, number] => [r * Math.cos(t), r * Math.sin(t)];

const MAKERS: Record<Exclude<ToyName, 'regression'>, { classes: [string, string]; point: PointMaker }> = {
  // Inner disc (radius ≤ 0.5) against an outer ring (0.7–1.0).
  circle: {
    classes: ['inside', 'outside'],
    point: (i, _n, rng) => {
      const label = i % 2;
      const r = label === 0 ? rng() * 0.5 : 0.7 + rng() * 0.3;
      return [...polar(r, rng() * 2 * Math.PI), label];
    },
  },
  // Class by the sign of x·y (alternating, so classes are balanced); a gap keeps points off the axes.
  xor: {
    classes: ['same sign', 'opposite sign'],
    point: (i, _n, rng) => {
      const label = i % 2;
      const a = (0.05 + rng() * 0.9) * (rng() < 0.5 ? -1 : 1);
      const b = (0.05 + rng() * 0.9) * Math.sign(a) * (label === 0 ? 1 : -1);
      return [a, b, label];
    },
  },
  // Two arms, each turning 1.75 times, the second rotated by half a turn.
  spiral: {
    classes: ['arm 1', 'arm 2'],
    point: (i, n, _rng) => {
      const label = i % 2;
      const k = Math.floor(i / 2) / Math.ceil(n / 2);
      return [...polar(0.05 + 0.9 * k, 1.75 * 2 * Math.PI * k + label * Math.PI), label];
    },
  },
  // Two round blobs (std 0.2) centred at (0.5, 0.5) and (-0.5, -0.5).
  gaussians: {
    classes: ['blob 1', 'blob 2'],
    point: (i, _n, rng) => {
      const label = i % 2;
      const c = label === 0 ? 0.5 : -0.5;
      return [c + 0.2 * gaussian(rng), c + 0.2 * gaussian(rng), label];
    },
  },
};

export const PLAYGROUND_SETS = Object.keys(MAKERS) as Array<Exclude<ToyName, 'regression'>>;

/** A two-class, two-feature set; labels come from the clean point, then noise moves it. */
export function makePlayground(name: Exclude<ToyName, 'regression'>, options: ToyOptions = {}): EncodedDataset {
  const maker = MAKERS[name];
  if (!maker) throw new Error(`\`name\` must be one of ${PLAYGROUND_SETS.map((s) => JSON.stringify(s)).join(', ')}, got ${JSON.stringify(name)}`);
  const { n, noise, seed } = checkToyOptions(name, options);
  const rng = makeRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, label] = maker.point(i, n, rng);
    x[2 * i] = a + noise * gaussian(rng);
    x[2 * i + 1] = b + noise * gaussian(rng);
    y[i] = label;
  }
  return {
    name,
    task: 'classification',
    inputShape: [2],
    x,
    y,
    labelNames: [...maker.classes],
    splits: splitIndices(n, options.split ?? { validation: 0.2, test: 0, seed }, y),
    spec: identitySpec(['x1', 'x2'], { column: 'class', task: 'classification', classes: [...maker.classes] }),
    warnings: [],
  };
}

export function makeToy(name: ToyName, options: ToyOptions = {}): EncodedDataset {
  return name === 'regression' ? makeToyRegression(options) : makePlayground(name, options);
}
