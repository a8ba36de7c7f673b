/**
 * The manifest written by scripts/pack-datasets.mjs to
 * public/datasets/index.json, and the generated (in-code) built-ins.
 */
import type { Task } from '../types';

export const MANIFEST_FILE = 'index.json';

interface BuiltinBase {
  name: string;
  title: string;
  task: Task;
  rows: number;
  source: string;
  licence: string;
}

export interface ImageBuiltin extends BuiltinBase {
  kind: 'image';
  shape: [number, number, number];
  classes: string[];
  files: { images: string; labels: string };
}

export interface TableBuiltin extends BuiltinBase {
  kind: 'table';
  target: string;
  columns: string[];
  files: { table: string };
}

export type PackedBuiltin = ImageBuiltin | TableBuiltin;

export interface Manifest {
  version: 1;
  datasets: PackedBuiltin[];
}

export type ToyName = 'regression' | 'circle' | 'xor' | 'spiral' | 'gaussians';

export interface GeneratedBuiltin {
  name: ToyName;
  title: string;
  kind: 'generated';
  task: Task;
  /** Default number of points. */
  rows: number;
}

export type BuiltinInfo = PackedBuiltin | GeneratedBuiltin;

export const GENERATED_BUILTINS: readonly GeneratedBuiltin[] = [
  { name: 'regression', title: 'Toy regression: y = 2x', kind: 'generated', task: 'regression', rows: 256 },
  { name: 'circle', title: 'Circle (2-D)', kind: 'generated', task: 'classification', rows: 500 },
  { name: 'xor', title: 'XOR (2-D)', kind: 'generated', task: 'classification', rows: 500 },
  { name: 'spiral', title: 'Two spirals (2-D)', kind: 'generated', task: 'classification', rows: 500 },
  { name: 'gaussians', title: 'Two Gaussians (2-D)', kind: 'generated', task: 'classification', rows: 500 },
];

/** Parses and checks index.json; throws naming the bad field. */
export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${MANIFEST_FILE} must be JSON, got a parse error: ${(e as Error).message}`);
  }
  const m = value as Partial<Manifest> | null;
  if (!m || m.version !== 1 || !Array.isArray(m.datasets)) {
    throw new Error(`${MANIFEST_FILE} must have \`version\` 1 and a \`datasets\` array, got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  m.datasets.forEach((d, i) => {
    if (typeof d?.name !== 'string' || (d.kind !== 'image' && d.kind !== 'table') || typeof d.files !== 'object') {
      throw new Error(`${MANIFEST_FILE}: \`datasets[${i}]\` must have a name, a kind ("image" or "table") and files, got ${JSON.stringify(d)?.slice(0, 80)}`);
    }
  });
  return m as Manifest;
}

/** Everything the data picker can offer: packed files first, then generated sets. */
export function listBuiltins(manifest: Manifest | null): BuiltinInfo[] {
  return [...(manifest?.datasets ?? []), ...GENERATED_BUILTINS];
}
