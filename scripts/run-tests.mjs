#!/usr/bin/env node
// Runs every test suite (vitest unit tests in Node, then Playwright end-to-end
// tests in Debian's Chromium against the built app) and prints one closing
// line `N passed, N failed, N skipped` computed from the runners' JSON reports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const reports = resolve(root, 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const onlyUnit = process.argv.includes('--unit');
const onlyE2e = process.argv.includes('--e2e');
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

function run(cmd, args, env = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

// Some unit tests read the packed built-in datasets (public/datasets), generated, not committed.
if (run('node', ['scripts/pack-datasets.mjs']) !== 0) {
  totals.failed += 1;
  exitCode = 1;
}

if (!onlyE2e) {
  const out = resolve(reports, 'vitest.json');
  const code = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  const rep = readJson(out);
  if (rep) {
    totals.passed += rep.numPassedTests ?? 0;
    totals.failed += rep.numFailedTests ?? 0;
    totals.skipped += (rep.numPendingTests ?? 0) + (rep.numTodoTests ?? 0);
    // A file that failed to load has no tests in the count; count it as a failure.
    for (const f of rep.testResults ?? []) {
      if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) totals.failed += 1;
    }
  } else if (code !== 0) {
    totals.failed += 1;
  }
  if (code !== 0) exitCode = 1;
}

/** Debian's Chromium for Playwright: $CHROME_PATH, /usr/bin/chromium, or installed with apt when we are root. */
function ensureChromium() {
  if (process.env.CHROME_PATH && existsSync(process.env.CHROME_PATH)) return true;
  if (existsSync('/usr/bin/chromium')) return true;
  if (process.getuid?.() === 0) {
    console.log('Chromium is missing: installing Debian\'s chromium (apt-get install chromium)');
    run('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null']);
    return existsSync('/usr/bin/chromium');
  }
  console.error('Chromium is missing: install it with `sudo apt-get install chromium` or set CHROME_PATH');
  return false;
}

if (!onlyUnit && !ensureChromium()) {
  totals.failed += 1;
  exitCode = 1;
} else if (!onlyUnit) {
  const build = run('npm', ['run', 'build']);
  if (build !== 0) {
    totals.failed += 1;
    exitCode = 1;
  } else {
    const out = resolve(reports, 'playwright.json');
    const code = run('npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
    const rep = readJson(out);
    if (rep?.stats) {
      totals.passed += (rep.stats.expected ?? 0) + (rep.stats.flaky ?? 0);
      totals.failed += rep.stats.unexpected ?? 0;
      totals.skipped += rep.stats.skipped ?? 0;
      if (code !== 0 && (rep.stats.unexpected ?? 0) === 0) totals.failed += 1;
    } else if (code !== 0) {
      totals.failed += 1;
    }
    if (code !== 0) exitCode = 1;
  }
}

if (!existsSync(reports)) mkdirSync(reports);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
