// Turns the runners' raw reports into the markdown table (medians and spread).

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const spread = (xs, digits = 0) => (xs.length > 1 ? ` (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})` : '');

/** Median of a throughput result plus its spread, e.g. "3,400 (3,300–3,500)". */
function sps(r) {
  if (!r) return '–';
  const xs = r.reps.map((x) => x.samplesPerSec);
  return fmt(median(xs)) + spread(xs);
}

/**
 * Live-tensor growth across the steady epochs (from the end of the first
 * measured epoch to the end of the last), worst repetition. With a single
 * measured epoch it falls back to warm-up → measured.
 */
function growth(r) {
  if (!r) return '–';
  const from = (xs) => (xs.length >= 3 ? xs[1] : xs[0]);
  const worst = Math.max(...r.reps.map((x) => x.tensorsAfterEpoch.at(-1) - from(x.tensorsAfterEpoch)));
  const bytes = Math.max(...r.reps.map((x) => x.bytesAfterEpoch.at(-1) - from(x.bytesAfterEpoch)));
  return worst === 0 && bytes === 0 ? '0' : `+${worst} tensors / +${bytes} B`;
}

const keyOf = (t) => `${t.runtime}|${t.backend}|${t.threads}|${t.model}|${t.batch}`;

export function throughputRows(reports) {
  const rows = new Map();
  for (const rep of reports) {
    for (const t of rep.throughput ?? []) {
      const k = keyOf(t);
      if (!rows.has(k)) rows.set(k, { runtime: t.runtime, backend: t.backend, threads: t.threads, model: t.model, batch: t.batch, steps: t.steps });
      rows.get(k)[t.impl] = t;
    }
  }
  return [...rows.values()];
}

/**
 * Trainer / fit as the median of per-repetition ratios: the two runs of one
 * repetition are adjacent in time, so machine-load drift largely cancels in
 * each pair, which it does not in a ratio of the two medians.
 */
export function ratio(row) {
  if (!row.trainer || !row.fit) return { median: NaN, text: '–' };
  const a = row.trainer.reps.map((x) => x.samplesPerSec);
  const b = row.fit.reps.map((x) => x.samplesPerSec);
  const pairs = a.slice(0, b.length).map((x, i) => x / b[i]);
  const m = median(pairs);
  return { median: m, text: `**${fmt(m, 2)}×**` + spread(pairs, 2) };
}

const medianOf = (r, key) => (r ? median(r.reps.map((x) => x[key] ?? NaN).filter(Number.isFinite)) : NaN);
const pair = (row, key, digits) => [row.trainer, row.fit].map((x) => fmt(medianOf(x, key), digits)).join(' / ');

/**
 * First step with the pipelines already compiled: repetition 1 onwards, since
 * in repetition 0 whichever implementation ran first in the worker compiled
 * every shader and the other reused them. A single repetition is shown with
 * '*' (that order bias included).
 */
function warmFirst(r) {
  if (!r) return '–';
  const later = r.reps.slice(1).map((x) => x.firstStepMs);
  return later.length > 0 ? fmt(median(later)) : `${fmt(r.reps[0].firstStepMs)}*`;
}

const fmtList = (xs) => (xs.length === 0 ? '–' : fmt(median(xs)) + spread(xs));

/** Cold starts grouped by runtime/backend/model/batch: first-step ms per implementation and position. */
export function coldStartRows(reports) {
  const rows = new Map();
  for (const rep of reports) {
    for (const c of rep.coldStarts ?? []) {
      const k = `${c.runtime}|${c.backend}|${c.model}|${c.batch}`;
      if (!rows.has(k)) rows.set(k, { runtime: c.runtime, backend: c.backend, model: c.model, batch: c.batch, trainer: [[], []], fit: [[], []] });
      rows.get(k)[c.impl]?.[c.position]?.push(c.firstStepMs);
    }
  }
  return [...rows.values()];
}

/** The p-th percentile (nearest rank) of `xs`. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Live charts: main-thread ms per update of all four charts, canvas and recharts side by side. */
export function chartsSection(charts) {
  const { plan, cases } = charts;
  const out = ['## Live charts: main thread per update (four Train-step charts)', ''];
  out.push(
    `Each update hands the four charts (loss, metric, learning rate, throughput) new series with ${plan.stepsPerUpdate} more steps, every ${plan.intervalMs} ms, ${plan.updates} times; ms = React render and commit, effects (canvas drawing) and the style/layout of the page, per update. ` +
      'Long tasks = main-thread tasks over 50 ms during the updates. Target: p95 < 16 ms and no long task at 100k points.',
    '',
  );
  out.push('| renderer | logged points | updates | median ms | p95 ms | max ms | long tasks > 50 ms | meets target |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const p95 = percentile(c.msPerUpdate, 95);
    const ok = p95 < 16 && c.longTasks === 0;
    out.push(`| ${c.renderer} | ${fmt(c.points)} | ${c.updates} | ${fmt(median(c.msPerUpdate), 1)} | ${fmt(p95, 1)} | ${fmt(Math.max(...c.msPerUpdate), 1)} | ${c.longTasks} | ${ok ? 'yes' : 'no'} |`);
  }
  return out;
}

export function renderMarkdown(result) {
  const { machine, reports } = result;
  const out = [];
  out.push(`# Volt Studio training benchmark`, '');
  out.push(`${result.date} · ${machine.cpu}, ${machine.cores} cores · ${machine.os} · Node ${machine.node} · load average (1/5/15 min) before ${machine.loadBefore?.join('/')}, after ${machine.loadAfter?.join('/')} · args: \`${result.args.join(' ') || '(default)'}\` · ${fmt(result.wallS)} s`, '');
  out.push(
    'Samples/s are medians over repetitions (min–max in brackets), steady state after a warm-up epoch; Trainer and `LayersModel.fit` alternate in one process (Trainer first in even repetitions, fit first in odd ones) on the same model, data, batch and Adam(1e-3). Ratio = median over repetitions of Trainer / fit within the repetition (range in brackets). ' +
      'Timed = steps/epoch × timed epochs × repetitions. Host ms/step = epoch start to the last step\'s end hook, before waiting for the device: far below the wall time per step (batch ÷ samples/s) means the device, not the host, sets the pace. ' +
      'Programs/step = GPU programs run per step (WebGPU dispatches, WebGL draws). Readbacks/step = `data()`/`dataSync()` per step (the Trainer\'s periodic metric flush; the bench\'s own epoch-end wait excluded). ' +
      'Warm first step = call to first loss on the host once shaders are compiled (repetitions after the first; * = only one repetition, order bias included); cold first steps are in their own table. Tensor growth = live tensors/bytes after the last epoch minus after the first measured one.',
    '',
  );
  if (result.trainingFrom) out.push(`Training results below are from the run of ${result.trainingFrom.date} (args \`${(result.trainingFrom.args ?? []).join(' ') || '(default)'}\`); this run (\`--only=charts\`) measured the charts only.`, '');
  const rows = throughputRows(reports);
  out.push('## Throughput', '');
  out.push('| runtime | backend | threads | model | batch | timed | Trainer samples/s | fit samples/s | Trainer/fit | host ms/step (Trainer / fit) | programs/step (Trainer / fit) | readbacks/step (Trainer / fit) | warm first step ms (Trainer / fit) | tensor growth (Trainer / fit) |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    if (r.pytorch) continue;
    const any = r.trainer ?? r.fit;
    const timed = any ? `${r.steps} × ${Math.max(0, any.reps[0].tensorsAfterEpoch.length - 1)} × ${any.reps.length}` : '–';
    const gpu = r.backend === 'webgpu' || r.backend === 'webgl';
    out.push(
      `| ${r.runtime} | ${r.backend} | ${r.threads} | ${r.model} | ${r.batch} | ${timed} | ${sps(r.trainer)} | ${sps(r.fit)} | ${ratio(r).text} | ${pair(r, 'hostMsPerStep', 1)} | ${gpu ? pair(r, 'dispatchesPerStep', 1) : ''} | ${pair(r, 'readbacksPerStep', 2)} | ${warmFirst(r.trainer)} / ${warmFirst(r.fit)} | ${growth(r.trainer)} / ${growth(r.fit)} |`,
    );
  }
  const variants = rows.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('trainer:')).map((k) => ({ row: r, name: k, v: r[k] })));
  if (variants.length > 0) {
    out.push('', '## Trainer variants (timed in the same alternation)', '');
    out.push('| runtime | backend | model | batch | variant | samples/s | ÷ Trainer | ÷ fit | host ms/step | programs/step | readbacks/step |');
    out.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const { row, name, v } of variants) {
      const m = medianOf(v, 'samplesPerSec');
      out.push(`| ${row.runtime} | ${row.backend} | ${row.model} | ${row.batch} | ${name.slice('trainer:'.length)} | ${sps(v)} | ${fmt(m / medianOf(row.trainer, 'samplesPerSec'), 2)}× | ${fmt(m / medianOf(row.fit, 'samplesPerSec'), 2)}× | ${fmt(medianOf(v, 'hostMsPerStep'), 1)} | ${fmt(medianOf(v, 'dispatchesPerStep'), 1)} | ${fmt(medianOf(v, 'readbacksPerStep'), 2)} |`);
    }
  }
  const cold = coldStartRows(reports);
  if (cold.length > 0) {
    out.push('', '## Cold first step (shader compilation), each order in a fresh worker', '');
    out.push('"Cold" = the first implementation to train in a fresh worker, whose backend has compiled nothing: it pays for every shader its step needs. "After the other" = the second one in that worker, reusing what the first compiled (tfjs caches compiled programs per backend). Compare cold with cold.', '');
    out.push('| runtime | backend | model | batch | Trainer cold ms | fit cold ms | Trainer / fit (cold) | Trainer after fit ms | fit after Trainer ms |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const c of cold) {
      out.push(`| ${c.runtime} | ${c.backend} | ${c.model} | ${c.batch} | ${fmtList(c.trainer[0])} | ${fmtList(c.fit[0])} | ${fmt(median(c.trainer[0]) / median(c.fit[0]), 2)}× | ${fmtList(c.trainer[1])} | ${fmtList(c.fit[1])} |`);
    }
  }
  const torch = rows.filter((r) => r.pytorch);
  if (torch.length > 0) {
    out.push('', '## Reference: PyTorch, one CPU thread', '');
    out.push('| model | batch | PyTorch samples/s | best Trainer here (runtime/backend) | Trainer / PyTorch |');
    out.push('|---|---|---|---|---|');
    for (const p of torch) {
      const ours = rows.filter((r) => r.model === p.model && r.batch === p.batch && r.trainer && r.threads === 1);
      const pt = median(p.pytorch.reps.map((x) => x.samplesPerSec));
      for (const o of ours.length ? ours : [null]) {
        const m = o ? median(o.trainer.reps.map((x) => x.samplesPerSec)) : NaN;
        out.push(`| ${p.model} | ${p.batch} | ${sps(p.pytorch)} | ${o ? `${fmt(m)} (${o.runtime}/${o.backend})` : '–'} | ${fmt(m / pt, 2)}× |`);
      }
    }
  }
  const acc = reports.flatMap((r) => r.accuracy ?? []);
  if (acc.length > 0) {
    out.push('', '## Time to validation accuracy (8,000 train / 2,000 val, batch 64, Adam 1e-3)', '');
    out.push('| runtime | backend | threads | model | implementation | target | time | epochs | best val acc |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const a of acc) {
      const time = a.reachedS === null ? `not reached in ${a.capS} s` : `${fmt(a.reachedS, 1)} s`;
      out.push(`| ${a.runtime} | ${a.backend} | ${a.threads} | ${a.model} | ${a.impl} | ${(a.target * 100).toFixed(1)}% | ${time} | ${a.epochs} | ${(a.bestAcc * 100).toFixed(2)}% |`);
    }
  }
  const extra = reports.filter((r) => r.longTasks !== undefined || Object.keys(r.info ?? {}).length);
  if (extra.length > 0) {
    out.push('', '## Runtimes', '');
    for (const r of extra) {
      const lt = r.longTasks === undefined ? '' : ` · main-thread long tasks during training: **${r.longTasks}**`;
      out.push(`- ${r.runtime}/${r.backend} (${r.threads} thread${r.threads === 1 ? '' : 's'})${lt} · ${JSON.stringify(r.info)}`);
    }
  }
  if (result.charts) out.push('', ...chartsSection(result.charts));
  const errors = reports.flatMap((r) => (r.errors ?? []).map((e) => `${r.runtime}/${r.backend}: ${e}`));
  if (result.skipped.length || result.failures.length || errors.length) {
    out.push('', '## Skipped and failed', '');
    for (const s of result.skipped) out.push(`- skipped: ${s}`);
    for (const f of [...result.failures, ...errors]) out.push(`- failed: ${f}`);
  }
  return out.join('\n') + '\n';
}
