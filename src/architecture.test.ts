// The import direction of ARCHITECTURE.md, checked on the source: a wrong import fails here, not in review.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
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
  // lightning/seed: the one seeded generator (mulberry32); it imports nothing.
  data: ['lightning/data', 'lightning/seed'],
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

// ----- the module graph, read with the TypeScript parser ------------------------------------------------

const ROOT = resolve(SRC, '..');

function allTsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : allTsFiles(p);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec.replace(/\?.*$/, '')).replace(/\.(js|ts|tsx)$/, '');
  for (const f of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(f).isFile()) return f;
    } catch {
      // not this one
    }
  }
  return null;
}

interface ModuleFacts {
  /** Modules this one needs at run time (imports and re-exports that are not type-only; dynamic imports excluded). */
  valueDeps: Set<string>;
  /** Names this module exports itself (declarations and `export { local }`). */
  exports: Set<string>;
  /** [module, name] pairs it imports or re-exports by name; name '*' for all of them. */
  uses: Array<[string, string]>;
}

function readModule(file: string): ModuleFacts {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const facts: ModuleFacts = { valueDeps: new Set(), exports: new Set(), uses: [] };
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const visitDynamic = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      const dep = resolveLocal(file, n.arguments[0].text);
      if (dep) facts.uses.push([dep, '*']);
    }
    if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      const dep = resolveLocal(file, n.argument.literal.text);
      if (dep) facts.uses.push([dep, n.qualifier && ts.isIdentifier(n.qualifier) ? n.qualifier.text : '*']);
    }
    ts.forEachChild(n, visitDynamic);
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const dep = resolveLocal(file, st.moduleSpecifier.text);
      if (!dep) continue;
      const clause = st.importClause;
      let value = !clause || !clause.isTypeOnly;
      if (clause?.name) facts.uses.push([dep, 'default']);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) facts.uses.push([dep, '*']);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) facts.uses.push([dep, (el.propertyName ?? el.name).text]);
        // `import { type A, type B }` is erased as a whole; a side-effect import is not.
        if (clause && !clause.isTypeOnly && !clause.name && bindings.elements.length > 0 && bindings.elements.every((el) => el.isTypeOnly)) value = false;
      }
      if (value) facts.valueDeps.add(dep);
    } else if (ts.isExportDeclaration(st)) {
      const dep = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? resolveLocal(file, st.moduleSpecifier.text) : null;
      const clause = st.exportClause;
      if (dep) {
        if (!clause || ts.isNamespaceExport(clause)) facts.uses.push([dep, '*']);
        else for (const el of clause.elements) facts.uses.push([dep, (el.propertyName ?? el.name).text]);
        const allTypes = st.isTypeOnly || (clause && ts.isNamedExports(clause) && clause.elements.every((el) => el.isTypeOnly));
        if (!allTypes) facts.valueDeps.add(dep);
      }
      if (clause && ts.isNamedExports(clause)) for (const el of clause.elements) facts.exports.add(el.name.text);
      else if (clause && ts.isNamespaceExport(clause)) facts.exports.add(clause.name.text);
    } else if (exported(st)) {
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) facts.exports.add(d.name.text);
      } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
        const isDefault = (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
        facts.exports.add(isDefault ? 'default' : st.name.text);
      }
    } else if (ts.isExportAssignment(st)) {
      facts.exports.add('default');
    }
  }
  visitDynamic(sf);
  return facts;
}

const importers = [...allTsFiles(SRC), ...allTsFiles(join(ROOT, 'e2e')), ...allTsFiles(join(ROOT, 'bench'))];
const facts = new Map(importers.map((f) => [f, readModule(f)]));
const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const srcModules = [...facts.keys()].filter((f) => f.startsWith(`${SRC}/`) && !isTest(f));

describe('the module graph', () => {
  it('has no value-import cycles in src/ (type-only imports are erased and do not count)', () => {
    // Tarjan's strongly connected components over the run-time edges.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let next = 0;
    const strong = (v: string): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of facts.get(v)?.valueDeps ?? []) {
        if (!w.startsWith(`${SRC}/`) || isTest(w)) continue;
        if (!index.has(w)) {
          strong(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(relative(SRC, w));
        } while (w !== v);
        if (scc.length > 1 || facts.get(v)!.valueDeps.has(v)) cycles.push(scc.sort());
      }
    };
    for (const f of srcModules) if (!index.has(f)) strong(f);
    expect(cycles).toEqual([]);
  });

  it('finds value cycles when there are some (the check above can fail)', () => {
    const a = readModule(join(SRC, 'store/actions.ts'));
    expect(a.valueDeps.size).toBeGreaterThan(2);
    expect([...a.valueDeps].some((d) => d.endsWith('store/client.ts'))).toBe(true);
  });

  it('exports no name that nothing imports (a package index.ts, its public API, excepted)', () => {
    const used = new Map<string, Set<string>>();
    for (const [, f] of facts) for (const [dep, name] of f.uses) (used.get(dep) ?? used.set(dep, new Set()).get(dep)!).add(name);
    const unused: string[] = [];
    for (const file of srcModules) {
      if (file.endsWith('/index.ts')) continue;
      const names = used.get(file) ?? new Set<string>();
      if (names.has('*')) continue;
      for (const name of facts.get(file)!.exports) if (!names.has(name)) unused.push(`${relative(SRC, file)}: ${name}`);
    }
    expect(unused).toEqual([]);
  });
});
