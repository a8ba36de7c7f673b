// ModelSummary / summarize: parameter counts, rows, and the printed table.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelSummary, summarize, Trainer } from '../index';
import { BoringModel, boringLoader } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('summarize', () => {
  it('counts the parameters of the BoringModel (32 × 2 + 2)', () => {
    const s = summarize(new BoringModel());
    expect(s.trainableParams).toBe(66);
    expect(s.nonTrainableParams).toBe(0);
    expect(s.totalParams).toBe(66);
    expect(s.sizeMB).toBeCloseTo((66 * 4) / 1e6, 9);
    expect(s.rows).toEqual([{ name: 'layer', type: 'Sequential', params: 66, outputShape: '[null,2]' }]);
    expect(s.text).toMatch(/66\s+Trainable params/);
    expect(s.text).toMatch(/0\s+Non-trainable params/);
  });

  it('maxDepth 2 lists the layers inside a model; large counts are shown in K', () => {
    const s = summarize(new BoringModel({ inFeatures: 600 }), 2);
    expect(s.rows.map((r) => [r.type, r.params])).toEqual([
      ['Sequential', 1202],
      ['Dense', 1202],
    ]);
    expect(s.text).toMatch(/1\.2 K\s+Trainable params/);
  });

  it('separates non-trainable variables', () => {
    class WithBuffer extends BoringModel {
      readonly runningMean = tf.variable(tf.zeros([10]), false);
    }
    const s = summarize(new WithBuffer());
    expect(s.trainableParams).toBe(66);
    expect(s.nonTrainableParams).toBe(10);
    expect(s.totalParams).toBe(76);
  });
});

describe('ModelSummary callback', () => {
  it('prints the summary when fit starts and keeps it; a given one replaces the default', async () => {
    const printed: string[] = [];
    const cb = new ModelSummary(2);
    const trainer = new Trainer({ accelerator: 'cpu', maxEpochs: 1, enableCheckpointing: false, logger: false, print: (m) => printed.push(m), callbacks: [cb] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(2) });
    expect(trainer.callbacks.filter((c) => c instanceof ModelSummary)).toEqual([cb]);
    expect(cb.summary?.totalParams).toBe(66);
    const tables = printed.filter((m) => m.includes('Total params'));
    expect(tables).toHaveLength(1);
    expect(tables[0]).toContain('Dense');
  });
});
