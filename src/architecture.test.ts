// The import direction of ARCHITECTURE.md, checked on the source: a wrong import fails here, not in review.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : sourceFiles(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports (static, side-effect and dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const re of [/\b(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of text.matchAll(re)) out.push(m[1]!);
  }
  return out;
}

/** A relative specifier as a path under src/ without extension, e.g. "models/spec"; packages stay as they are. */
function target(file: string, spec: string): { local: string | null; pkg: string | null } {
  if (!spec.startsWith('.')) return { local: null, pkg: spec };
  const abs = resolve(dirname(file), spec).replace(/\.(ts|tsx|js)$/, '');
  return { local: relative(SRC, abs).split('\\').join('/'), pkg: null };
}

const area = (local: string) => local.split('/')[0]!;

/** The model and data files the main thread may load: plain data, no tfjs. */
const TF_FREE = ['models/spec', 'models/shapes', 'models/presets', 'models/codec', 'models/summary', 'models/recipe', 'data/images/augment'];

/** Which other areas (or exact files) each area may import; its own area is always allowed. */
const ALLOWED: Record<string, string[]> = {
  lightning: [],
  data: ['lightning/data'],
  models: ['lightning', 'data/types', 'data/encode/spec'],
  export: ['lightning', 'data', 'models'],
  worker: ['lightning', 'data', 'models', 'export'],
  store: ['worker/protocol', 'worker/protocol-data', 'worker/protocol-export', 'worker/client', ...TF_FREE],
  ui: ['store', 'worker/protocol', 'worker/protocol-data', 'worker/protocol-export', ...TF_FREE],
};

function allowed(from: string, local: string): boolean {
  const a = area(local);
  if (a === from) return true;
  return (ALLOWED[from] ?? []).some((rule) => local === rule || local.startsWith(`${rule}/`) || (rule.split('/').length === 1 && a === rule));
}

const files = sourceFiles(SRC);

describe('import direction (ARCHITECTURE.md)', () => {
  it('finds the source', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('every import between areas follows the allowed direction', () => {
    const wrong: string[] = [];
    let crossing = 0;
    for (const file of files) {
      const rel = relative(SRC, file);
      const from = rel.includes('/') ? area(rel) : null;
      if (from === null || !(from in ALLOWED)) continue;
      for (const s of specifiers(file)) {
        const { local } = target(file, s);
        if (local === null) continue;
        if (area(local) !== from) crossing++;
        if (!allowed(from, local)) wrong.push(`${rel} imports ${s}`);
      }
    }
    expect(wrong).toEqual([]);
    // The parser sees the imports between areas (ui → store alone has dozens).
    expect(crossing).toBeGreaterThan(50);
    expect(allowed('lightning', 'models/spec')).toBe(false);
    expect(allowed('ui', 'models/build')).toBe(false);
    expect(allowed('store', 'data/tensors')).toBe(false);
    expect(allowed('models', 'lightning/trainer/trainer')).toBe(true);
  });

  it('the framework imports only tfjs among packages; the page side (ui, store) imports no tfjs', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file);
      const a = area(rel);
      for (const s of specifiers(file)) {
        const { pkg } = target(file, s);
        if (pkg === null) continue;
        // Node built-ins only in the Node-only helpers (node-*.ts), which the worker never loads.
        const nodeHelper = /\/node-[\w-]+\.ts$/.test(rel) && pkg.startsWith('node:');
        if (a === 'lightning' && !pkg.startsWith('@tensorflow/') && !nodeHelper) wrong.push(`${rel} imports ${pkg}`);
        if ((a === 'ui' || a === 'store') && pkg.startsWith('@tensorflow/')) wrong.push(`${rel} imports ${pkg}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the tf-free files the page loads reach no tfjs through their own imports', () => {
    const seen = new Set<string>();
    const reached: string[] = [];
    const visit = (local: string) => {
      if (seen.has(local)) return;
      seen.add(local);
      const file = [`${local}.ts`, `${local}.tsx`, `${local}/index.ts`].map((f) => join(SRC, f)).find((f) => {
        try {
          return statSync(f).isFile();
        } catch {
          return false;
        }
      });
      if (!file) throw new Error(`cannot find ${local}`);
      for (const s of specifiers(file)) {
        // Type-only imports are erased at build time.
        const typeOnly = new RegExp(`import\\s+type\\s[^;]*?['"]${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(readFileSync(file, 'utf8'));
        if (typeOnly) continue;
        const { local: next, pkg } = target(file, s);
        if (pkg?.startsWith('@tensorflow/')) reached.push(`${local} → ${pkg}`);
        if (next) visit(next);
      }
    };
    TF_FREE.forEach(visit);
    expect(reached).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(TF_FREE.length);
  });
});
