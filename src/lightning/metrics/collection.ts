import type * as tf from '@tensorflow/tfjs-core';
import type { Metric, MetricValue } from './metric';

/** What a metric's `compute()` resolves to. */
export type ValueOfMetric<M> = M extends Metric<infer V> ? V : never;

/** `compute()` of a collection: one entry per metric, keyed `${prefix}${name}`. */
export type CollectionValues<M extends Record<string, Metric<MetricValue>>, P extends string = ''> = {
  [K in keyof M & string as `${P}${K}`]: ValueOfMetric<M[K]>;
};

/**
 * Several metrics fed the same batches (torchmetrics' `MetricCollection`):
 *
 * ```ts
 * const val = new MetricCollection(
 *   { acc: new Accuracy({ task: 'multiclass', numClasses: 10 }), f1: new F1Score({ task: 'multiclass', numClasses: 10 }) },
 *   { prefix: 'val_' },
 * );
 * val.update(logits, labels);            // every step, no readback
 * const { val_acc, val_f1 } = await val.compute();
 * ```
 *
 * The collection owns its metrics: `dispose()` disposes them all.
 */
export class MetricCollection<M extends Record<string, Metric<MetricValue>>, P extends string = ''> {
  readonly metrics: Readonly<M>;
  readonly prefix: P;

  constructor(metrics: M, options: { prefix?: P } = {}) {
    const names = Object.keys(metrics);
    if (names.length === 0) throw new Error('MetricCollection: `metrics` must hold at least one metric, got {}');
    const seen = new Set<Metric<MetricValue>>();
    for (const name of names) {
      const metric = metrics[name];
      if (seen.has(metric)) {
        // The same object twice would be updated twice per batch.
        throw new Error(`MetricCollection: metric "${name}" is the same object as another entry; give each entry its own metric`);
      }
      seen.add(metric);
    }
    this.metrics = { ...metrics };
    this.prefix = (options.prefix ?? '') as P;
  }

  /** Adds the batch to every metric (each update is tidied and stays on the device). */
  update(preds: tf.Tensor, target: tf.Tensor): void {
    for (const metric of Object.values(this.metrics)) metric.update(preds, target);
  }

  /** Reads every metric (concurrently, one read each) into a plain record keyed `${prefix}${name}`. */
  async compute(): Promise<CollectionValues<M, P>> {
    const entries = Object.entries(this.metrics);
    const values = await Promise.all(entries.map(([, metric]) => metric.compute()));
    const out: Record<string, MetricValue> = {};
    entries.forEach(([name], i) => {
      out[`${this.prefix}${name}`] = values[i];
    });
    return out as CollectionValues<M, P>;
  }

  reset(): void {
    for (const metric of Object.values(this.metrics)) metric.reset();
  }

  dispose(): void {
    for (const metric of Object.values(this.metrics)) metric.dispose();
  }
}
