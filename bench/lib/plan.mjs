// Sizes every job so a default run fits in ~10 minutes on 2 shared cores.

/** Rough samples/s per runtime:backend and model (re-measured each run; only used to size the epochs). */
const ESTIMATE = {
  // LeNet on the CPU backends measured 3–60 samples/s here: skipped by default (--all runs it).
  'node:cpu': { mlp: 800, lenet: 10 },
  'node:wasm': { mlp: 5000, lenet: 1400 },
  'chromium:cpu': { mlp: 400, lenet: 15 },
  'chromium:wasm': { mlp: 3500, lenet: 1400 },
  'chromium:wasm-threads': { mlp: 4000, lenet: 2000 },
  'chromium:webgl': { mlp: 1200, lenet: 60 },
  'chromium:webgpu': { mlp: 300, lenet: 11 },
};
/** Extra seconds the first epoch costs (shader compilation on SwiftShader). */
const WARMUP_S = { 'chromium:webgpu': { mlp: 15, lenet: 115 }, 'chromium:webgl': { mlp: 3, lenet: 10 } };

export const TARGETS = { mlp: 0.95, lenet: 0.975 };

export function parseArgs(argv) {
  const opts = {
    quick: false, all: false, node: true, browser: true, pytorch: true, accuracy: true,
    backends: null, models: ['mlp', 'lenet'], batches: [64, 256], reps: null, seed: 1,
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
  if (opts.reps !== null && !(Number.isInteger(opts.reps) && opts.reps >= 1)) throw new Error(`\`--reps\` must be a positive integer, got ${opts.reps}`);
  return opts;
}

export const HELP = `npm run bench -- [options]
  --quick             ~2 minute smoke run (short epochs, 2 reps, no time-to-accuracy)
  --all               also the slow configurations skipped by default (LeNet on SwiftShader WebGPU, b256 on slow backends)
  --backends=LIST     e.g. node:cpu,node:wasm,chromium:wasm,chromium:wasm-threads,chromium:cpu,chromium:webgl,chromium:webgpu
  --models=mlp,lenet  --batches=64,256  --reps=N  --seed=N
  --no-node --no-browser --no-pytorch --no-accuracy`;

export const ALL_TARGETS = Object.keys(ESTIMATE);

/** The plan for one runtime:backend, plus what was skipped and why. */
export function planFor(target, opts) {
  const [, backend] = target.split(':');
  const est = ESTIMATE[target];
  const epochS = opts.quick ? 0.3 : 1.0;
  const budgetS = opts.quick ? 12 : 45;
  const throughput = [];
  const skipped = [];
  for (const model of opts.models) {
    for (const batch of opts.batches) {
      const perStepS = batch / est[model];
      const steps = Math.max(2, Math.min(Math.floor(8000 / batch), Math.round(epochS / perStepS)));
      let reps = opts.reps ?? (opts.quick ? 2 : 3);
      let measuredEpochs = 2;
      const warm = WARMUP_S[target]?.[model] ?? 0;
      const cost = () => warm + reps * 2 * (1 + measuredEpochs) * steps * perStepS;
      if (cost() > budgetS && opts.reps == null) {
        reps = 1;
        measuredEpochs = 1;
      }
      if (cost() > budgetS * 2.5 && !opts.all) {
        skipped.push(`${target} ${model} b${batch}: estimated ${cost().toFixed(0)} s (run with --all)`);
        continue;
      }
      throughput.push({ model, batch, steps, measuredEpochs, reps });
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
  return { plan: { backend: backend === 'wasm-threads' ? 'wasm' : backend, wasmThreads: backend === 'wasm-threads', throughput, accuracy, seed: opts.seed }, skipped };
}
