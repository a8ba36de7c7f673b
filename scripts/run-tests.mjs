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

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync('bash', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;

/** Debian's Chromium for Playwright: $CHROME_PATH or /usr/bin/chromium. */
function chromiumFound() {
  return (!!process.env.CHROME_PATH && existsSync(process.env.CHROME_PATH)) || existsSync('/usr/bin/chromium');
}

/**
 * The PyTorch-export tests run Python ($VOLT_PYTHON, else Debian's /usr/bin/python3,
 * as src/export/pytorch/torch-env.ts does) with numpy and torch.
 */
const python = process.env.VOLT_PYTHON || '/usr/bin/python3';
function torchFound() {
  return spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

// Install what the tests need, as root with apt, in one go: Chromium for the
// end-to-end tests, Debian's python3-torch (which brings python3 and numpy) for
// the PyTorch-export tests. Without them those tests are skipped (torch) or fail
// (Chromium); in CI (CI set) missing PyTorch fails the tests that need it.
const aptNeeds = [];
if (!onlyUnit && !chromiumFound()) aptNeeds.push(['chromium', 'Chromium is missing']);
if (!onlyE2e && !torchFound()) {
  if (process.env.VOLT_PYTHON) {
    console.warn(`VOLT_PYTHON=${python} cannot import torch and numpy: the PyTorch tests will be skipped (they fail in CI)`);
  } else {
    aptNeeds.push(['python3-torch', 'PyTorch (with numpy) is missing for /usr/bin/python3']);
  }
}
if (aptNeeds.length > 0) {
  const names = aptNeeds.map(([p]) => p);
  for (const [pkg, why] of aptNeeds) {
    if (isRoot && hasApt) console.log(`${why}: installing Debian's ${pkg} (apt-get install ${pkg})`);
    else console.warn(`${why}: install it with \`sudo apt-get install ${pkg}\`${pkg === 'chromium' ? ' or set CHROME_PATH' : ' (the tests that need it are skipped meanwhile)'}`);
  }
  if (isRoot && hasApt) {
    // One package at a time, so that one that cannot be had does not keep the other out.
    run('bash', ['-c', `apt-get update -qq; for p in ${names.join(' ')}; do DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null || echo "apt-get install $p failed"; done`]);
    if (names.includes('python3-torch') && !torchFound()) console.warn('python3-torch did not install: the PyTorch tests will be skipped (they fail in CI)');
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

if (!onlyUnit && !chromiumFound()) {
  console.error('Chromium is missing: the end-to-end tests cannot run');
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
