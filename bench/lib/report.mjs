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

function ratio(row) {
  if (!row.trainer || !row.fit) return { median: NaN, text: '–' };
  const a = row.trainer.reps.map((x) => x.samplesPerSec);
  const b = row.fit.reps.map((x) => x.samplesPerSec);
  const pairs = a.slice(0, b.length).map((x, i) => x / b[i]);
  const m = median(a) / median(b);
  return { median: m, text: `**${fmt(m, 2)}×**` + spread(pairs, 2) };
}

export function renderMarkdown(result) {
  const { machine, reports } = result;
  const out = [];
  out.push(`# Volt Studio training benchmark`, '');
  out.push(`${result.date} · ${machine.cpu}, ${machine.cores} cores · ${machine.os} · Node ${machine.node} · load average (1/5/15 min) before ${machine.loadBefore?.join('/')}, after ${machine.loadAfter?.join('/')} · args: \`${result.args.join(' ') || '(default)'}\` · ${fmt(result.wallS)} s`, '');
  out.push('Samples/s are medians over repetitions (min–max in brackets), steady state after a warm-up epoch; Trainer and `LayersModel.fit` alternate in one process on the same model, data, batch and Adam(1e-3). Ratio = Trainer / fit (per-repetition pair range in brackets). First step = call to first loss on the host (includes shader compilation). Tensor growth = live tensors/bytes after the last epoch minus after the first measured one (the warm-up epoch may allocate once).', '');
  const rows = throughputRows(reports);
  out.push('## Throughput', '');
  out.push('| runtime | backend | threads | model | batch | steps/epoch | Trainer samples/s | fit samples/s | Trainer/fit | first step ms (Trainer / fit) | tensor growth (Trainer / fit) | WebGPU dispatches/step (Trainer / fit) |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    if (r.pytorch) continue;
    const first = [r.trainer, r.fit].map((x) => (x ? fmt(median(x.reps.map((y) => y.firstStepMs))) : '–')).join(' / ');
    const disp = r.backend === 'webgpu' ? [r.trainer, r.fit].map((x) => (x ? fmt(median(x.reps.map((y) => y.dispatchesPerStep ?? NaN)), 1) : '–')).join(' / ') : '';
    out.push(`| ${r.runtime} | ${r.backend} | ${r.threads} | ${r.model} | ${r.batch} | ${r.steps} | ${sps(r.trainer)} | ${sps(r.fit)} | ${ratio(r).text} | ${first} | ${growth(r.trainer)} / ${growth(r.fit)} | ${disp} |`);
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
  const errors = reports.flatMap((r) => (r.errors ?? []).map((e) => `${r.runtime}/${r.backend}: ${e}`));
  if (result.skipped.length || result.failures.length || errors.length) {
    out.push('', '## Skipped and failed', '');
    for (const s of result.skipped) out.push(`- skipped: ${s}`);
    for (const f of [...result.failures, ...errors]) out.push(`- failed: ${f}`);
  }
  return out.join('\n') + '\n';
}
