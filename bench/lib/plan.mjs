// Sizes every job so a default run fits in ~10 minutes on 2 shared cores.

/** Rough samples/s per runtime:backend and model (re-measured each run; only used to size the epochs). */
const ESTIMATE = {
  // LeNet on the CPU backends measured 3–60 samples/s here: skipped by default (--all runs it).
  'node:cpu': { mlp: 800, lenet: 10 },
  'node:wasm': { mlp: 5000, lenet: 1400 },
  'chromium:cpu': { mlp: 400, lenet: 15 },
  'chromium:wasm': { mlp: 3500, lenet: 1400 },
  'chromium:wasm-threads': { mlp: 4000, lenet: 2000 },
  'chromium:webgl': { mlp: 700, lenet: 45 },
  'chromium:webgpu': { mlp: 180, lenet: 11 },
};
/** Extra seconds the first epoch costs (shader compilation on SwiftShader). */
const WARMUP_S = { 'chromium:webgpu': { mlp: 8, lenet: 115 }, 'chromium:webgl': { mlp: 4, lenet: 10 } };

export const TARGETS = { mlp: 0.95, lenet: 0.975 };

export function parseArgs(argv) {
  const opts = {
    quick: false, all: false, node: true, browser: true, pytorch: true, accuracy: true,
    backends: null, models: ['mlp', 'lenet'], batches: [64, 256], reps: null, seed: 1, coldStarts: true, charts: true, only: null,
  };
  for (const a of argv) {
    const [k, v] = a.replace(/^--/, '').split('=');
    const list = () => (v ?? '').split(',').filter(Boolean);
    switch (k) {
      case 'quick': opts.quick = true; break;
      case 'all': opts.all = true; break;
      case 'no-node': opts.node = false; break;
      case 'no-browser': opts.browser = false; break;
      case 'no-pytorch': opts.pytorch = false; break;
      case 'no-accuracy': opts.accuracy = false; break;
      case 'no-cold-starts': opts.coldStarts = false; break;
      case 'no-charts': opts.charts = false; break;
      case 'only': opts.only = list(); break;
      case 'trainer-variant': {
        // NAME:JSON, e.g. --trainer-variant='noflush:{"flushIntervalMs":1e9}'
        const text = a.slice(a.indexOf('=') + 1);
        const colon = text.indexOf(':');
        let options;
        try {
          options = JSON.parse(text.slice(colon + 1));
        } catch {
          options = null;
        }
        if (colon < 1 || options === null || typeof options !== 'object') throw new Error(`\`--trainer-variant\` takes NAME:{json Trainer options}, got ${JSON.stringify(text)}`);
        opts.trainerVariants = { ...opts.trainerVariants, [text.slice(0, colon)]: options };
        break;
      }
      case 'backends': opts.backends = list(); break;
      case 'models': opts.models = list(); break;
      case 'batches': opts.batches = list().map(Number); break;
      case 'reps': opts.reps = Number(v); break;
      case 'seed': opts.seed = Number(v); break;
      case 'help': opts.help = true; break;
      default: throw new Error(`unknown option \`${a}\` (see --help)`);
    }
  }
  for (const m of opts.models) if (!['mlp', 'lenet'].includes(m)) throw new Error(`\`--models\` takes mlp and lenet, got ${JSON.stringify(m)}`);
  for (const b of opts.batches) if (!Number.isInteger(b) || b < 1) throw new Error(`\`--batches\` must be positive integers, got ${b}`);
  for (const o of opts.only ?? []) if (!['training', 'charts'].includes(o)) throw new Error(`\`--only\` takes training and charts, got ${JSON.stringify(o)}`);
  if (opts.only) {
    opts.charts = opts.only.includes('charts');
    if (!opts.only.includes('training')) Object.assign(opts, { node: false, browser: false, pytorch: false });
  }
  if (opts.reps !== null && !(Number.isInteger(opts.reps) && opts.reps >= 1)) throw new Error(`\`--reps\` must be a positive integer, got ${opts.reps}`);
  return opts;
}

export const HELP = `npm run bench -- [options]
  --quick             ~2 minute smoke run (short epochs, 2 reps, no time-to-accuracy)
  --all               also the slow configurations skipped by default (LeNet on SwiftShader WebGPU, b256 on slow backends)
  --backends=LIST     e.g. node:cpu,node:wasm,chromium:wasm,chromium:wasm-threads,chromium:cpu,chromium:webgl,chromium:webgpu
  --models=mlp,lenet  --batches=64,256  --reps=N  --seed=N
  --no-node --no-browser --no-pytorch --no-accuracy
  --only=LIST         training and/or charts (the live-chart redraw bench: canvas vs recharts)
  --no-charts         skip the live-chart bench
  --no-cold-starts    skip the first-step-in-a-fresh-worker runs on WebGL/WebGPU
  --trainer-variant=NAME:JSON  also time a Trainer with these options (A/B), e.g. 'noflush:{"flushIntervalMs":1e9}'`;

export const ALL_TARGETS = Object.keys(ESTIMATE);

/**
 * SwiftShader runs WebGL and WebGPU on the CPU at 0.1–1.5 s per step. With
 * 5 steps an epoch and 2 timed epochs (3 s a repetition) the Trainer/fit
 * ratio swung by ±25% under load, so there epochs last ~2 s and each model
 * build times 3 of them; where that does not fit the budget, fewer
 * repetitions (never fewer than one per order while it fits) come first.
 */
const EMULATED = new Set(['chromium:webgl', 'chromium:webgpu']);

/** Below this many timed steps per repetition a ratio means nothing: the job is skipped instead. */
const MIN_MEASURED_STEPS = 4;

/** Estimated seconds of one throughput job (both implementations, every repetition). */
export function jobCostS(target, job, impls = 2) {
  const perStepS = job.batch / ESTIMATE[target][job.model];
  const warm = WARMUP_S[target]?.[job.model] ?? 0;
  return warm + job.reps * impls * (1 + job.measuredEpochs) * job.steps * perStepS;
}

/** Estimated seconds of a target's whole plan and its cold starts (each a fresh worker that compiles everything once). */
export function estimateS(plan, target, coldStarts = []) {
  const impls = 2 + Object.keys(plan.trainerVariants ?? {}).length;
  const throughput = plan.throughput.reduce((a, j) => a + jobCostS(target, j, impls), 0);
  const accuracy = plan.accuracy.reduce((a, j) => a + 2 * Math.min(j.capS, (8000 / ESTIMATE[target][j.model]) * (j.model === 'mlp' ? 6 : 4)), 0);
  const cold = coldStarts.reduce((a, c) => a + 3 + 1.3 * (WARMUP_S[target]?.[c.model] ?? 0), 0);
  return Math.round(throughput + accuracy + cold);
}

/**
 * Cold starts (first step in a fresh worker) for the emulated GPU backends,
 * where shader compilation dominates the first step: per model, one worker
 * where the Trainer goes first and one where fit does, at the smallest batch.
 */
export function coldStartsFor(target, opts) {
  if (!EMULATED.has(target) || opts.quick || !opts.coldStarts) return [];
  const { plan } = planFor(target, opts);
  const out = [];
  for (const model of opts.models) {
    const jobs = plan.throughput.filter((j) => j.model === model);
    // LeNet's compilation alone takes 10 s (WebGL) to 2 min (WebGPU) per worker: only with --all.
    if (jobs.length === 0 || (model === 'lenet' && !opts.all)) continue;
    const batch = Math.min(...jobs.map((j) => j.batch));
    out.push({ model, batch, order: ['trainer', 'fit'] }, { model, batch, order: ['fit', 'trainer'] });
  }
  return out;
}

/** The plan for one runtime:backend, plus what was skipped and why. */
export function planFor(target, opts) {
  const [, backend] = target.split(':');
  const est = ESTIMATE[target];
  const emulated = EMULATED.has(target);
  const epochS = opts.quick ? 0.3 : emulated ? 2.0 : 1.0;
  const budgetS = opts.quick ? 12 : emulated ? 60 : 45;
  const throughput = [];
  const skipped = [];
  const impls = 2 + Object.keys(opts.trainerVariants ?? {}).length;
  for (const model of opts.models) {
    for (const batch of opts.batches) {
      const perStepS = batch / est[model];
      const steps = Math.min(Math.floor(8000 / batch), Math.max(2, Math.round(epochS / perStepS)));
      // Cheapest last: fewer repetitions first, then fewer measured epochs; never fewer steps.
      const ladder = opts.reps != null
        ? [{ reps: opts.reps, measuredEpochs: emulated && !opts.quick ? 4 : 2 }]
        : opts.quick
          ? [{ reps: 2, measuredEpochs: 2 }, { reps: 1, measuredEpochs: 1 }]
          : emulated
            ? [{ reps: 3, measuredEpochs: 3 }, { reps: 2, measuredEpochs: 4 }, { reps: 2, measuredEpochs: 2 }, { reps: 1, measuredEpochs: 2 }]
            : [{ reps: 3, measuredEpochs: 2 }, { reps: 1, measuredEpochs: 1 }];
      const job = { model, batch, steps, ...ladder[0] };
      for (const rung of ladder) {
        Object.assign(job, rung);
        if (jobCostS(target, job, impls) <= budgetS) break;
      }
      const cost = jobCostS(target, job, impls);
      if (!opts.all && (cost > budgetS * (emulated ? 1.1 : 2.5) || job.steps * job.measuredEpochs < MIN_MEASURED_STEPS)) {
        const timed = job.steps * job.measuredEpochs;
        skipped.push(`${target} ${model} b${batch}: estimated ${cost.toFixed(0)} s for ${timed} timed step${timed === 1 ? '' : 's'} per repetition (run with --all)`);
        continue;
      }
      throughput.push(job);
    }
  }
  const accuracy = [];
  if (opts.accuracy && !opts.quick) {
    const capS = { mlp: 90, lenet: 150 };
    for (const model of opts.models) {
      const epochSeconds = 8000 / est[model];
      // Only where the target is reachable within the cap (MLP ~15 epochs, LeNet ~6).
      const epochsNeeded = model === 'mlp' ? 15 : 6;
      const wanted = target === 'node:wasm' || (opts.all && target.startsWith('chromium:wasm'));
      if (wanted && epochSeconds * epochsNeeded < capS[model]) {
        accuracy.push({ model, batch: 64, target: TARGETS[model], capS: capS[model], impls: ['trainer', 'fit'] });
      }
    }
  }
  const plan = { backend: backend === 'wasm-threads' ? 'wasm' : backend, wasmThreads: backend === 'wasm-threads', throughput, accuracy, seed: opts.seed };
  if (opts.trainerVariants) plan.trainerVariants = opts.trainerVariants;
  return { plan, skipped };
}

/**
 * The live-chart bench: the four Train-step charts with this many logged
 * points, redrawn every 250 ms (TrainCharts' REDRAW_MS) with 40 new steps
 * each time (a fast MLP at the Trainer's 100 ms flushes), canvas then
 * recharts at each size, in one page.
 */
export function chartsPlan(opts) {
  return { sizes: [1_000, 10_000, 100_000], renderers: ['canvas', 'recharts'], updates: opts.quick ? 12 : 30, intervalMs: 250, stepsPerUpdate: 40 };
}
