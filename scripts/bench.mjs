#!/usr/bin/env node
// `npm run bench`: trains the same MLP and LeNet-5 on the same MNIST split with
// our Trainer and with tfjs's LayersModel.fit (alternated), in Node and in
// headless Chromium's worker, next to PyTorch on one CPU thread, and writes
// bench/results/latest.{md,json}. See bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packMnist } from '../bench/lib/data.mjs';
import { ALL_TARGETS, HELP, coldStartsFor, estimateS, parseArgs, planFor } from '../bench/lib/plan.mjs';
import { renderMarkdown } from '../bench/lib/report.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BUILD = join(ROOT, 'bench', '.build');
const DATA = join(BUILD, 'data');
const RESULTS = join(ROOT, 'bench', 'results');
const started = Date.now();
const say = (m) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`);

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    child.on('close', (code) => resolve(code));
    child.on('error', (err) => {
      console.error(err);
      resolve(-1);
    });
  });
}

async function bundleNode() {
  const { build } = await import('rolldown');
  await build({
    input: join(ROOT, 'bench/src/node-main.ts'),
    platform: 'node',
    // tfjs stays external so that Node resolves one copy of it (and the WASM binaries beside it).
    // Deep imports into a package's ESM dist (e.g. tfjs-core's register_all_gradients) are bundled instead:
    // those files use extensionless relative imports that Node's ESM resolver rejects.
    external: (id) => (id.startsWith('@tensorflow/') && !id.includes('/dist/')) || id.startsWith('node:'),
    output: { file: join(BUILD, 'node-main.mjs'), format: 'esm' },
    logLevel: 'warn',
  });
}

async function runNode(target, opts) {
  const { plan, skipped } = planFor(target, opts);
  const planPath = join(BUILD, `plan-${target.replace(':', '-')}.json`);
  const outPath = join(BUILD, `report-${target.replace(':', '-')}.json`);
  writeFileSync(planPath, JSON.stringify(plan));
  say(`${target}: ${plan.throughput.length} throughput jobs, ${plan.accuracy.length} accuracy jobs (estimated ${estimateS(plan, target)} s)`);
  const code = await run(process.execPath, [join(BUILD, 'node-main.mjs'), planPath, DATA, outPath]);
  if (code !== 0 || !existsSync(outPath)) return { skipped, failed: `${target}: exited with code ${code}` };
  return { report: JSON.parse(readFileSync(outPath, 'utf8')), skipped };
}

function torchPython() {
  const py = '/usr/bin/python3';
  const ok = existsSync(py) && spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  return ok ? py : null;
}

async function runPytorch(opts) {
  const py = torchPython();
  if (!py) return { skipped: ['pytorch: /usr/bin/python3 cannot import torch (install Debian python3-torch)'] };
  const outPath = join(BUILD, 'report-pytorch.json');
  const args = [join(ROOT, 'bench/pytorch_bench.py'), '--data', DATA, '--out', outPath, '--models', opts.models.join(','), '--batches', opts.batches.join(','), '--seed', String(opts.seed)];
  if (opts.quick) args.push('--quick');
  if (!opts.accuracy || opts.quick) args.push('--no-accuracy');
  if (opts.reps) args.push('--reps', String(opts.reps));
  say('pytorch (one CPU thread)');
  const code = await run(py, args);
  if (code !== 0 || !existsSync(outPath)) return { failed: `pytorch: exited with code ${code}` };
  return { report: JSON.parse(readFileSync(outPath, 'utf8')) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // Other people share this machine: the load average goes into the report next to the numbers.
  const loadBefore = os.loadavg().map((x) => +x.toFixed(2));
  if (opts.help) {
    console.log(HELP);
    return;
  }
  const targets = (opts.backends ?? ALL_TARGETS).filter((t) => (t.startsWith('node:') ? opts.node : opts.browser));
  for (const t of targets) if (!ALL_TARGETS.includes(t)) throw new Error(`\`--backends\`: unknown target ${JSON.stringify(t)}; known: ${ALL_TARGETS.join(', ')}`);
  const estimate = targets.reduce((a, t) => a + estimateS(planFor(t, opts).plan, t, t.startsWith('chromium:') ? coldStartsFor(t, opts) : []), 0);
  say(`estimated ${Math.round(estimate / 60)} min of training (${targets.join(', ')}${opts.pytorch ? ', pytorch' : ''}), plus builds and start-up`);
  mkdirSync(BUILD, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  if (opts.node || opts.browser || opts.pytorch) packMnist(ROOT, DATA);

  const reports = [];
  const skipped = [];
  const failures = [];
  let charts;
  const collect = (r) => {
    if (r.charts) charts = r.charts;
    if (r.report) reports.push(...(Array.isArray(r.report) ? r.report : [r.report]));
    if (r.skipped) skipped.push(...r.skipped);
    if (r.failed) failures.push(r.failed);
  };

  const nodeTargets = targets.filter((t) => t.startsWith('node:'));
  if (nodeTargets.length > 0) {
    say('bundling the Node runner');
    await bundleNode();
    for (const t of nodeTargets) collect(await runNode(t, opts));
  }
  if (opts.pytorch) collect(await runPytorch(opts));
  const browserTargets = targets.filter((t) => t.startsWith('chromium:'));
  if (browserTargets.length > 0) {
    const { runBrowser } = await import('../bench/lib/browser.mjs');
    collect(await runBrowser(ROOT, BUILD, browserTargets, opts, say));
  }

  if (opts.charts) {
    const { runCharts } = await import('../bench/lib/charts.mjs');
    collect(await runCharts(ROOT, BUILD, opts, say));
  }

  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, os: `${os.type()} ${os.release()}`, node: process.version, loadBefore: loadBefore, loadAfter: os.loadavg().map((x) => +x.toFixed(2)) };
  // `--only=charts` replaces the chart section of the last report and keeps its training results.
  const previous = !opts.node && !opts.browser && !opts.pytorch && existsSync(join(RESULTS, 'latest.json')) ? JSON.parse(readFileSync(join(RESULTS, 'latest.json'), 'utf8')) : null;
  if (previous) {
    reports.push(...(previous.reports ?? []));
    skipped.push(...(previous.skipped ?? []));
  }
  const result = { date: new Date().toISOString(), machine, args: process.argv.slice(2), reports, ...(charts ? { charts } : {}), ...(previous ? { trainingFrom: previous.trainingFrom ?? { date: previous.date, args: previous.args, machine: previous.machine } } : {}), skipped, failures, wallS: (Date.now() - started) / 1000 };
  writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(result, null, 1));
  const md = renderMarkdown(result);
  writeFileSync(join(RESULTS, 'latest.md'), md);
  console.log('\n' + md);
  say(`wrote bench/results/latest.md and latest.json`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
