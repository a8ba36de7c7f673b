/**
 * Test helpers (Node only): Debian's python3 with PyTorch, and writing a
 * project's files to a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Debian's interpreter: the `python3` on PATH here is a pyenv build without torch. */
export const PYTHON = process.env.VOLT_PYTHON ?? '/usr/bin/python3';

/** `env` is added to this process's environment. */
export function runPython(args: string[], cwd?: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

/** Why PyTorch cannot be used here, or null when `import torch` works. */
export function torchMissingReason(): string | null {
  const r = runPython(['-c', 'import torch']);
  if (r.status === 0) return null;
  return `${PYTHON} cannot import torch (${(r.stderr.trim().split('\n').pop() ?? 'no output').slice(0, 200)})`;
}

let missing: string | null | undefined;

/**
 * Whether a test that needs PyTorch can run. CI installs PyTorch, so there
 * its absence is a failure; elsewhere the check is reported and left out.
 */
export function torchAvailable(what: string): boolean {
  if (missing === undefined) missing = torchMissingReason();
  if (missing === null) return true;
  if (process.env.CI) throw new Error(`PyTorch is required in CI: ${missing}`);
  console.warn(`${what} not checked: ${missing}`);
  return false;
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
