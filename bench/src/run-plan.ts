import * as tf from '@tensorflow/tfjs';
import { accuracyRun, disposeSplit, DispatchCounter, splitTensors, throughputRep } from './measure';
import type { AccuracyResult, MnistSplit, ModelName, RepResult, RunPlan, RunReport, ThroughputResult } from './types';

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
  const counter = DispatchCounter.install();
  const tensors = new Map<ModelName, ReturnType<typeof splitTensors>>();
  const dataFor = (m: ModelName) => {
    if (!tensors.has(m)) tensors.set(m, splitTensors(split, m));
    return tensors.get(m)!;
  };
  const base = { runtime: env.runtime, backend: label, threads: env.threads };

  for (const job of plan.throughput) {
    const reps: Record<'trainer' | 'fit', RepResult[]> = { trainer: [], fit: [] };
    const tag = `${plan.backend} ${job.model} b${job.batch}`;
    try {
      for (let r = 0; r < job.reps; r++) {
        // Alternate which one goes first, so neither always follows the other's garbage.
        const order: Array<'trainer' | 'fit'> = r % 2 === 0 ? ['trainer', 'fit'] : ['fit', 'trainer'];
        for (const impl of order) {
          const rep = await throughputRep(impl, job, dataFor(job.model), plan.seed + r, counter);
          reps[impl].push(rep);
          log(`${tag} ${impl} rep ${r + 1}/${job.reps}: ${rep.samplesPerSec.toFixed(0)} samples/s, first step ${rep.firstStepMs.toFixed(0)} ms, tensors ${rep.tensorsAfterEpoch.join('/')}`);
        }
      }
    } catch (err) {
      report.errors.push(`${tag}: ${String((err as Error)?.message ?? err)}`);
      log(`${tag} failed: ${String(err)}`);
    }
    for (const impl of ['trainer', 'fit'] as const) {
      if (reps[impl].length > 0) report.throughput.push({ ...base, model: job.model, batch: job.batch, impl, steps: job.steps, reps: reps[impl] } satisfies ThroughputResult);
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
