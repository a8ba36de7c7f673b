/**
 * Test helpers (Node only): Debian's python3 with PyTorch, and writing a
 * project's files to a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Debian's interpreter: the `python3` on PATH here is a pyenv build without torch. `$VOLT_PYTHON` picks another. */
const PYTHON = process.env.VOLT_PYTHON || '/usr/bin/python3';

/** `env` is added to this process's environment. */
export function runPython(args: string[], cwd?: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr || (r.error ? String(r.error) : '') };
}

/** What a test needs from Python: the interpreter alone, numpy, or PyTorch (with numpy). */
type PythonNeed = 'python' | 'numpy' | 'torch';

const NEEDS: Record<PythonNeed, { label: string; imports: string }> = {
  python: { label: 'Python', imports: 'import sys' },
  numpy: { label: 'NumPy', imports: 'import numpy' },
  torch: { label: 'PyTorch', imports: 'import torch, numpy' },
};

const checked = new Map<PythonNeed, string | null>();

/** Why `need` cannot be had here, or null when it can; checked once per test file. */
function pythonMissing(need: PythonNeed): string | null {
  if (!checked.has(need)) {
    const r = runPython(['-c', NEEDS[need].imports]);
    const why = r.status === 0 ? null : `${PYTHON} cannot run \`${NEEDS[need].imports}\` (${(r.stderr.trim().split('\n').pop() || 'no output').slice(0, 200)})`;
    checked.set(need, why);
  }
  return checked.get(need)!;
}

/** Whether this is CI (`$CI` set, and not "0" or "false"), where every dependency must be there. */
function inCi(): boolean {
  const ci = process.env.CI;
  return !!ci && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * Call first in a test that needs Python, numpy or PyTorch. When it is
 * missing the test is skipped with the reason, or, in CI (which installs
 * Debian's python3-torch), fails.
 */
export function needPython(ctx: { skip: (note?: string) => never }, need: PythonNeed): void {
  const why = pythonMissing(need);
  if (why === null) return;
  const { label } = NEEDS[need];
  if (inCi()) throw new Error(`${label} is required in CI: ${why}`);
  ctx.skip(`${label} is missing: ${why}; as root, \`npm test\` installs Debian's python3-torch, or set VOLT_PYTHON`);
}

export function writeFiles(files: Record<string, Uint8Array | string>, prefix = 'volt-export-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}
