import * as tf from '@tensorflow/tfjs-core';
import type { LogOptions } from '../module';
import { Metric } from '../metrics/metric';
import { FX_RULES } from './fx';

type ResultStage = 'train' | 'validate' | 'test';

interface Entry {
  key: string;
  onStep: boolean;
  onEpoch: boolean;
  progBar: boolean;
  logger: boolean;
  reduceFx: 'mean' | 'sum' | 'max' | 'min';
  /** Device-side running reduction (kept tensor) or a JS number for number values. */
  acc: tf.Tensor | number | null;
  weight: number;
  metric: Metric<number> | null;
}

interface StepRecord {
  step: number;
  epoch: number;
  toLogger: boolean;
  values: Array<[Entry, tf.Tensor | number]>;
}

interface MetricsSink {
  /** Values of one step (after the asynchronous readback). */
  onStepMetrics(values: StepValues): void;
}

export interface StepValues {
  step: number;
  epoch: number;
  toLogger: boolean;
  /** key → value, with `_step` suffixes applied where a metric is logged on step and epoch. */
  callback: Record<string, number>;
  logged: Record<string, number>;
  progBar: Record<string, number>;
}

interface EpochValues {
  callback: Record<string, number>;
  logged: Record<string, number>;
  progBar: Record<string, number>;
}

/**
 * Collects what `LightningModule.log` receives, one collection per stage.
 * Step values are kept on the device and read back in one asynchronous batch
 * at `flush`; epoch reductions are running sums on the device, read once at
 * epoch end. Nothing here forces a per-step readback.
 */
class ResultCollection {
  private entries = new Map<string, Entry>();
  private pending: Array<[Entry, tf.Tensor | number]> = [];

  constructor(readonly stage: ResultStage) {}

  log(key: string, value: number | tf.Tensor | Metric<number>, opts: Required<Pick<LogOptions, 'onStep' | 'onEpoch' | 'progBar' | 'logger' | 'reduceFx'>>, batchSize: number): void {
    let e = this.entries.get(key);
    if (!e) {
      e = { key, ...opts, acc: null, weight: 0, metric: null };
      this.entries.set(key, e);
    } else if (e.onStep !== opts.onStep || e.onEpoch !== opts.onEpoch || e.reduceFx !== opts.reduceFx) {
      throw new Error(`You called \`log("${key}")\` twice in one epoch with different options (onStep, onEpoch or reduceFx); keep them the same`);
    }
    if (value instanceof Metric) {
      e.metric = value;
      return;
    }
    if (value instanceof tf.Tensor && value.size !== 1) {
      throw new Error(`\`log("${key}")\` needs a scalar; got a tensor of shape [${value.shape}]`);
    }
    // Non-finite numbers (Infinity, NaN) are logged as they are: callbacks such as EarlyStopping check them.
    if (e.onStep) {
      const v = value instanceof tf.Tensor ? tf.keep(tf.tidy(() => tf.cast(tf.reshape(value, []), 'float32'))) : value;
      this.pending.push([e, v]);
    }
    if (e.onEpoch) this.accumulate(e, value, batchSize);
  }

  private accumulate(e: Entry, value: number | tf.Tensor, batchSize: number): void {
    const w = e.reduceFx === 'mean' ? batchSize : 1;
    if (typeof value === 'number' && (e.acc === null || typeof e.acc === 'number')) {
      const prev = e.acc as number | null;
      e.acc =
        prev === null ? value * w : e.reduceFx === 'max' ? Math.max(prev, value) : e.reduceFx === 'min' ? Math.min(prev, value) : prev + value * w;
    } else {
      const prev = e.acc;
      e.acc = tf.keep(
        tf.tidy(() => {
          const v = tf.reshape(typeof value === 'number' ? tf.scalar(value) : tf.cast(value, 'float32'), []);
          const cur = e.reduceFx === 'max' || e.reduceFx === 'min' ? v : tf.mul(v, w);
          if (prev === null) return cur;
          const p = typeof prev === 'number' ? tf.scalar(prev) : prev;
          return e.reduceFx === 'max' ? tf.maximum(p, cur) : e.reduceFx === 'min' ? tf.minimum(p, cur) : tf.add(p, cur);
        }),
      );
      if (prev instanceof tf.Tensor) prev.dispose();
    }
    e.weight += w;
  }

  /** Takes the values logged on step since the last call. */
  takeStep(step: number, epoch: number, toLogger: boolean): StepRecord | null {
    if (this.pending.length === 0) return null;
    const rec = { step, epoch, toLogger, values: this.pending };
    this.pending = [];
    return rec;
  }

  /** Reads the epoch reductions (one readback) and returns them; does not reset. */
  async computeEpoch(): Promise<EpochValues> {
    const out: EpochValues = { callback: {}, logged: {}, progBar: {} };
    const epochEntries = [...this.entries.values()].filter((e) => e.onEpoch && (e.acc !== null || e.metric));
    const tensors = epochEntries.filter((e) => e.acc instanceof tf.Tensor).map((e) => e.acc as tf.Tensor);
    let read: Float32Array = new Float32Array(0);
    if (tensors.length > 0) {
      const stacked = tf.stack(tensors);
      read = (await stacked.data()) as Float32Array;
      stacked.dispose();
    }
    let i = 0;
    for (const e of epochEntries) {
      let v: number;
      if (e.metric) v = Number(await e.metric.compute());
      else {
        const raw = e.acc instanceof tf.Tensor ? read[i++]! : (e.acc as number);
        v = e.reduceFx === 'mean' ? raw / e.weight : raw;
      }
      const name = e.onStep ? `${e.key}_epoch` : e.key;
      out.callback[e.key] = v;
      out.callback[name] = v;
      if (e.logger) out.logged[name] = v;
      if (e.progBar) out.progBar[name] = v;
    }
    return out;
  }

  /** Disposes the epoch's state and resets logged Metric objects (as Lightning does after compute). */
  reset(): void {
    for (const e of this.entries.values()) {
      if (e.acc instanceof tf.Tensor) e.acc.dispose();
      e.metric?.reset();
    }
    this.entries.clear();
    for (const [, v] of this.pending) if (v instanceof tf.Tensor) v.dispose();
    this.pending = [];
  }
}

/**
 * Routes `log` calls to the collection of the running stage, validates the
 * hook they come from, and reads step values back in batches.
 */
export class LoggerConnector {
  readonly collections: Record<ResultStage, ResultCollection> = {
    train: new ResultCollection('train'),
    validate: new ResultCollection('validate'),
    test: new ResultCollection('test'),
  };
  stage: ResultStage | null = null;
  /** The hook or step currently running (for `log`'s defaults and checks). */
  currentFx: string | null = null;
  batchSize = 1;
  dataloaderIdx = 0;
  numDataloaders = 1;
  private queue: StepRecord[] = [];
  private attached: Array<{ tensor: tf.Tensor; deliver: (values: Float32Array) => void }> = [];
  private inflight: Promise<void> = Promise.resolve();

  constructor(private readonly sink: MetricsSink) {}

  log(name: string, value: number | tf.Tensor | Metric<number>, options: LogOptions): void {
    const fx = this.currentFx;
    const rule = fx ? FX_RULES[fx] : undefined;
    if (!fx || !rule || !this.stage) {
      throw new Error(`You can't \`log("${name}")\` inside \`${fx ?? 'this context'}\`; log from a step or a batch/epoch hook`);
    }
    const onStep = options.onStep ?? rule.defaults[0];
    const onEpoch = options.onEpoch ?? rule.defaults[1];
    if (onStep && !rule.allowStep) {
      throw new Error(`You can't \`log("${name}", ..., {onStep: true})\` inside \`${fx}\`: only onEpoch is supported there`);
    }
    if (!onStep && !onEpoch) throw new Error(`\`log("${name}")\`: onStep and onEpoch can't both be false`);
    if (value instanceof Metric && onStep) {
      throw new Error(`\`log("${name}", metric)\`: a Metric object is computed at epoch end; log it with onStep: false (or log a per-batch tensor instead)`);
    }
    const reduceFx = options.reduceFx ?? 'mean';
    if (!['mean', 'sum', 'max', 'min'].includes(reduceFx)) {
      throw new Error(`\`reduceFx\` must be 'mean', 'sum', 'max' or 'min', got ${JSON.stringify(reduceFx)}`);
    }
    const suffix = this.numDataloaders > 1 && options.addDataloaderIdx !== false ? `/dataloader_idx_${this.dataloaderIdx}` : '';
    const opts = { onStep, onEpoch, progBar: options.progBar ?? false, logger: options.logger ?? true, reduceFx };
    this.collections[this.stage].log(name + suffix, value, opts, options.batchSize ?? this.batchSize);
  }

  /** Ends a step: its logged values join the readback queue. */
  endStep(step: number, epoch: number, toLogger: boolean): void {
    if (!this.stage) return;
    const rec = this.collections[this.stage].takeStep(step, epoch, toLogger);
    if (rec) this.queue.push(rec);
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Hands a tensor (any shape; this connector takes ownership) to the next
   * flush: it is read back in the same readback as the step values, and
   * `deliver` gets its values, flattened, after them. Monitors that compute
   * statistics on the device use this instead of a readback of their own.
   */
  readWithFlush(tensor: tf.Tensor, deliver: (values: Float32Array) => void): void {
    this.attached.push({ tensor, deliver });
  }

  /**
   * Starts reading the queued step values back (one stacked readback) and
   * delivers them in order. Returns when these values have been delivered;
   * callers that do not await it let training continue while the read is in flight.
   */
  flush(): Promise<void> {
    const records = this.queue;
    const attached = this.attached;
    this.queue = [];
    this.attached = [];
    const prev = this.inflight;
    if (records.length === 0 && attached.length === 0) return prev;
    const tensors: tf.Tensor[] = [];
    for (const r of records) for (const [, v] of r.values) if (v instanceof tf.Tensor) tensors.push(v);
    const scalarCount = tensors.length;
    // One buffer for everything: the step scalars, then each attached tensor flattened.
    const parts = [...tensors, ...attached.map((a) => a.tensor)];
    const packed = parts.length > 0 ? tf.tidy(() => tf.concat(parts.map((t) => tf.cast(tf.reshape(t, [-1]), 'float32')))) : null;
    parts.forEach((t) => t.dispose());
    const reading = packed ? packed.data() : Promise.resolve(new Float32Array(0));
    this.inflight = (async () => {
      const data = (await reading) as Float32Array;
      packed?.dispose();
      await prev;
      let offset = scalarCount;
      for (const a of attached) {
        const n = a.tensor.size;
        a.deliver(data.subarray(offset, offset + n));
        offset += n;
      }
      let i = 0;
      for (const r of records) {
        const sv: StepValues = { step: r.step, epoch: r.epoch, toLogger: r.toLogger, callback: {}, logged: {}, progBar: {} };
        for (const [e, v] of r.values) {
          const value = v instanceof tf.Tensor ? data[i++]! : v;
          const name = e.onEpoch ? `${e.key}_step` : e.key;
          sv.callback[e.key] = value;
          sv.callback[name] = value;
          if (e.logger) sv.logged[name] = value;
          if (e.progBar) sv.progBar[name] = value;
        }
        this.sink.onStepMetrics(sv);
      }
    })();
    return this.inflight;
  }

  /** Disposes everything not yet read (after an error). */
  discard(): void {
    for (const r of this.queue) for (const [, v] of r.values) if (v instanceof tf.Tensor) v.dispose();
    this.queue = [];
    for (const a of this.attached) a.tensor.dispose();
    this.attached = [];
    for (const c of Object.values(this.collections)) c.reset();
  }
}
