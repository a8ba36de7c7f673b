import * as tf from '@tensorflow/tfjs';
import { accuracyRun, BackendCounter, disposeSplit, splitTensors, throughputRep } from './measure';
import type { AccuracyResult, ColdStartResult, Impl, MnistSplit, ModelName, RepResult, RunPlan, RunReport, ThroughputResult } from './types';

/**
 * Runs a plan on the backend that is already active: for each throughput job,
 * `reps` alternations Trainer, fit, Trainer, fit, ... (so drift in machine
 * load hits both alike), then the time-to-accuracy jobs.
 */
export async function runPlan(
  plan: RunPlan,
  split: MnistSplit,
  env: { runtime: string; threads: number; info: Record<string, unknown> },
  log: (msg: string) => void,
): Promise<RunReport> {
  // The threaded WASM run gets its own label, so its rows never merge with the one-thread run's.
  const label = plan.wasmThreads ? 'wasm-threads' : plan.backend;
  const report: RunReport = { runtime: env.runtime, backend: label, threads: env.threads, info: env.info, throughput: [], accuracy: [], errors: [] };
  const counter = BackendCounter.install();
  const tensors = new Map<ModelName, ReturnType<typeof splitTensors>>();
  const dataFor = (m: ModelName) => {
    if (!tensors.has(m)) tensors.set(m, splitTensors(split, m));
    return tensors.get(m)!;
  };
  const base = { runtime: env.runtime, backend: label, threads: env.threads };

  if (plan.coldStart) {
    // A fresh worker: whichever implementation goes first compiles every shader the step needs;
    // the second one shows what tfjs's compiled-program cache saves it.
    const { model, batch, order } = plan.coldStart;
    const data = dataFor(model);
    report.coldStarts = [];
    for (const [position, impl] of order.entries()) {
      const rep = await throughputRep(impl, { model, batch, steps: 1, measuredEpochs: 0, reps: 1 }, data, plan.seed, counter);
      report.coldStarts.push({ runtime: env.runtime, backend: label, model, batch, impl, position, firstStepMs: rep.firstStepMs } satisfies ColdStartResult);
      log(`${plan.backend} ${model} b${batch} cold start, ${impl} ${position === 0 ? 'first in a fresh worker' : 'second'}: first step ${rep.firstStepMs.toFixed(0)} ms`);
    }
  }

  for (const job of plan.throughput) {
    const variants = Object.keys(plan.trainerVariants ?? {}).map((name) => `trainer:${name}` as const);
    const impls: Impl[] = ['trainer', 'fit', ...variants];
    const reps = new Map<Impl, RepResult[]>(impls.map((i) => [i, []]));
    const tag = `${plan.backend} ${job.model} b${job.batch}`;
    try {
      for (let r = 0; r < job.reps; r++) {
        // Alternate which one goes first, so neither always follows the other's garbage.
        const order = r % 2 === 0 ? impls : [...impls].reverse();
        for (const impl of order) {
          const options = impl.startsWith('trainer:') ? plan.trainerVariants![impl.slice('trainer:'.length)] : {};
          const rep = await throughputRep(impl, job, dataFor(job.model), plan.seed + r, counter, options);
          reps.get(impl)!.push(rep);
          const host = rep.hostMsPerStep === undefined ? '' : `, host ${rep.hostMsPerStep.toFixed(1)} ms/step`;
          const disp = rep.dispatchesPerStep === undefined ? '' : `, ${rep.dispatchesPerStep.toFixed(1)} programs/step`;
          const reads = rep.readbacksPerStep === undefined ? '' : `, ${rep.readbacksPerStep.toFixed(2)} readbacks/step`;
          log(`${tag} ${impl} rep ${r + 1}/${job.reps}: ${rep.samplesPerSec.toFixed(0)} samples/s${host}${disp}${reads}, first step ${rep.firstStepMs.toFixed(0)} ms, tensors ${rep.tensorsAfterEpoch.join('/')}`);
        }
      }
    } catch (err) {
      report.errors.push(`${tag}: ${String((err as Error)?.message ?? err)}`);
      log(`${tag} failed: ${String(err)}`);
    }
    for (const [impl, done] of reps) {
      if (done.length > 0) report.throughput.push({ ...base, model: job.model, batch: job.batch, impl, steps: job.steps, reps: done } satisfies ThroughputResult);
    }
  }

  for (const job of plan.accuracy) {
    for (const impl of job.impls) {
      const tag = `${plan.backend} ${job.model} b${job.batch} ${impl} → ${(job.target * 100).toFixed(1)}%`;
      try {
        const out = await accuracyRun(impl, job, dataFor(job.model), plan.seed);
        report.accuracy.push({ ...base, model: job.model, batch: job.batch, impl, target: job.target, capS: job.capS, ...out } satisfies AccuracyResult);
        log(`${tag}: ${out.reachedS === null ? `not reached in ${job.capS} s` : `${out.reachedS.toFixed(1)} s`} (${out.epochs} epochs, best ${(out.bestAcc * 100).toFixed(2)}%)`);
      } catch (err) {
        report.errors.push(`${tag}: ${String((err as Error)?.message ?? err)}`);
        log(`${tag} failed: ${String(err)}`);
      }
    }
  }
  tensors.forEach(disposeSplit);
  report.info.tensorsAtEnd = tf.memory().numTensors;
  return report;
}
