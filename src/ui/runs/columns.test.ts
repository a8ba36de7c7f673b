import { describe, expect, it } from 'vitest';
import type { RunEntry } from '../../store/runs';
import type { RunConfig } from '../../worker/protocol';
import { buildColumns, defaultVisible, metricNames, visibleColumns, pickMetric, runParams, sortRuns, summarizeLayers } from './columns';

function run(number: number, config: Partial<RunConfig> | null, finalMetrics: Record<string, number>, extra: Partial<RunEntry> = {}): RunEntry {
  return {
    id: `r${number}`, number, sourceRunId: `run-${number}`, config: config && ({ dataset: 'mnist', accelerator: 'auto', maxEpochs: 5, ...config } as RunConfig),
    backend: null, status: 'finished', startedAt: 1000 * number, durationMs: 100 * number, finalMetrics, series: {}, error: null, ...extra,
  };
}

const spec = (lr: number, units: number) =>
  ({
    version: 1,
    layers: [{ id: 'a', kind: 'flatten' }, { id: 'b', kind: 'dense', units, activation: 'relu' }, { id: 'c', kind: 'dense', units: 10 }],
    recipe: { loss: 'crossEntropy', optimizer: { type: 'adam', lr, weightDecay: 0, momentum: 0 }, lrSchedule: { type: 'none' }, batchSize: 64, epochs: 5, earlyStopping: null, gradientClipVal: null, seed: 0 },
  }) as unknown as RunConfig['spec'];

describe('runs table columns', () => {
  it('takes hyperparameters from the config and its recipe, the run overrides winning', () => {
    const p = runParams(run(1, { spec: spec(0.001, 128), batchSize: 32 }, {}));
    expect(p).toMatchObject({ dataset: 'mnist', model: 'flatten → dense 128 → dense 10', epochs: 5, batch: 32, lr: 0.001, optimizer: 'adam', seed: 0 });
    expect(runParams(run(2, { spec: null, learningRate: 0.05 }, {}))).toMatchObject({ model: 'default', lr: 0.05 });
    expect(summarizeLayers('nope')).toBeUndefined();
  });

  it('shows the primary hyperparameters always, other ones only where runs differ, then every final metric', () => {
    const runs = [run(1, { spec: spec(0.001, 128) }, { val_acc: 0.9, val_loss: 0.3 }, { backend: { name: 'cpu', rejected: [] } }), run(2, { spec: spec(0.001, 64), detectAnomaly: true }, { val_loss: 0.2 })];
    const ids = buildColumns(runs).map((c) => c.id);
    expect(ids.slice(0, 5)).toEqual(['number', 'status', 'startedAt', 'duration', 'backend']);
    expect(ids).toContain('param:lr');
    expect(ids).toContain('param:model');
    expect(ids).not.toContain('param:recipe.loss'); // same in both runs
    expect(ids).not.toContain('param:detectAnomaly'); // a test hook
    expect(ids.slice(-2)).toEqual(['metric:val_acc', 'metric:val_loss']);
  });

  it('sorts by any column in both directions, missing values last, ties by run number', () => {
    const runs = [run(1, { learningRate: 0.1 }, { val_acc: 0.8 }), run(2, { learningRate: 0.01 }, {}), run(3, { learningRate: 0.1 }, { val_acc: 0.95 }), run(4, null, { val_acc: 0.5 })];
    const cols = buildColumns(runs);
    const order = (column: string, dir: 'asc' | 'desc') => sortRuns(runs, cols, { column, dir }).map((r) => r.number);
    expect(order('param:lr', 'asc')).toEqual([2, 1, 3, 4]);
    expect(order('param:lr', 'desc')).toEqual([1, 3, 2, 4]);
    expect(order('metric:val_acc', 'desc')).toEqual([3, 1, 4, 2]);
    expect(order('metric:val_acc', 'asc')).toEqual([4, 1, 3, 2]);
    expect(order('duration', 'desc')).toEqual([4, 3, 2, 1]);
    expect(order('status', 'asc')).toEqual([1, 2, 3, 4]);
    expect(order('no-such-column', 'desc')).toEqual([4, 3, 2, 1]); // falls back to the number
  });

  it('offers the selected runs’ metrics for the overlay and defaults to the training loss', () => {
    const pts = [{ step: 0, value: 1 }];
    const runs = [run(1, {}, {}, { series: { train_loss: pts, val_acc: pts } }), run(2, {}, {}, { series: { lr: pts, val_loss: [] } })];
    expect(metricNames(runs, ['r2'])).toEqual(['lr']);
    expect(metricNames(runs, [])).toEqual(['lr', 'train_loss', 'val_acc']);
    expect(pickMetric(['lr', 'train_loss', 'val_acc'], null)).toBe('train_loss');
    expect(pickMetric(['lr', 'train_loss'], 'lr')).toBe('lr');
    expect(pickMetric(['lr'], 'val_acc')).toBe('lr');
    expect(pickMetric([], null)).toBeNull();
  });

  it('leaves out columns no run has a value in, and shows the held-out metrics and the training loss by default', () => {
    const runs = [run(1, { spec: spec(0.001, 128) }, { val_acc: 0.9, train_loss: 0.2, train_loss_epoch: 0.25, lr: 0.001 })];
    const all = buildColumns(runs);
    expect(all.map((c) => c.id)).not.toContain('backend'); // no run has one
    expect(all.map((c) => c.id)).toContain('status');
    const shown = visibleColumns(all, {}).map((c) => c.id);
    expect(shown).toEqual(expect.arrayContaining(['metric:val_acc', 'metric:train_loss']));
    expect(shown).not.toContain('metric:train_loss_epoch');
    expect(defaultVisible(all.find((c) => c.id === 'metric:lr')!)).toBe(false);
    // The person's choice wins either way; the run number always shows.
    const chosen = visibleColumns(all, { 'metric:train_loss_epoch': true, 'param:lr': false, number: false }).map((c) => c.id);
    expect(chosen).toContain('metric:train_loss_epoch');
    expect(chosen).not.toContain('param:lr');
    expect(chosen[0]).toBe('number');
  });
});
