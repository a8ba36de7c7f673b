// Trainer options: invalid values are rejected by name, maxTime parses, the accelerator is honoured.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMaxTime, Trainer, type TrainerOptions } from '../index';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('invalid Trainer options are rejected with the option name and the value', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['maxEpochs 2.5', { maxEpochs: 2.5 }, /`maxEpochs` must be a non-negative integer or -1, got 2\.5/],
    ['maxEpochs -2', { maxEpochs: -2 }, /`maxEpochs`.*got -2/],
    ['minEpochs -1', { minEpochs: -1 }, /`minEpochs`.*got -1/],
    ['maxSteps 1.5', { maxSteps: 1.5 }, /`maxSteps`.*got 1\.5/],
    ['minSteps "3"', { minSteps: '3' }, /`minSteps`.*got "3"/],
    ['maxTime "12:00"', { maxTime: '12:00' }, /`maxTime`.*"12:00"/],
    ['maxTime -5', { maxTime: -5 }, /`maxTime`.*got -5/],
    ['accumulateGradBatches 0', { accumulateGradBatches: 0 }, /`accumulateGradBatches` must be a positive integer, got 0/],
    ['gradientClipVal -1', { gradientClipVal: -1 }, /`gradientClipVal`.*got -1/],
    ['gradientClipAlgorithm "x"', { gradientClipAlgorithm: 'x' }, /`gradientClipAlgorithm` must be 'norm' or 'value', got "x"/],
    ['valCheckInterval 1.5', { valCheckInterval: 1.5 }, /`valCheckInterval`.*got 1\.5/],
    ['valCheckInterval 0', { valCheckInterval: 0 }, /`valCheckInterval`.*got 0/],
    ['checkValEveryNEpoch 0', { checkValEveryNEpoch: 0 }, /`checkValEveryNEpoch`.*got 0/],
    ['numSanityValSteps -2', { numSanityValSteps: -2 }, /`numSanityValSteps`.*got -2/],
    ['limitTrainBatches 1.5', { limitTrainBatches: 1.5 }, /`limitTrainBatches`.*got 1\.5/],
    ['limitValBatches -1', { limitValBatches: -1 }, /`limitValBatches`.*got -1/],
    ['limitTestBatches NaN', { limitTestBatches: NaN }, /`limitTestBatches`.*got NaN/],
    ['limitPredictBatches "all"', { limitPredictBatches: 'all' }, /`limitPredictBatches`.*got "all"/],
    ['overfitBatches 2.5', { overfitBatches: 2.5 }, /`overfitBatches`.*got 2\.5/],
    ['fastDevRun -1', { fastDevRun: -1 }, /`fastDevRun`.*got -1/],
    ['logEveryNSteps 0', { logEveryNSteps: 0 }, /`logEveryNSteps`.*got 0/],
    ['deterministic "yes"', { deterministic: 'yes' }, /`deterministic` must be a boolean, got "yes"/],
    ['detectAnomaly 1', { detectAnomaly: 1 }, /`detectAnomaly`.*got 1/],
    ['enableModelSummary "no"', { enableModelSummary: 'no' }, /`enableModelSummary`.*got "no"/],
    ['enableCheckpointing 0', { enableCheckpointing: 0 }, /`enableCheckpointing`.*got 0/],
    ['accelerator "tpu"', { accelerator: 'tpu' }, /`accelerator`.*got "tpu"/],
    ['callbacks not an array', { callbacks: 'EarlyStopping' }, /`callbacks`.*got "EarlyStopping"/],
    ['an unknown option (snake_case)', { max_epochs: 3 }, /Unknown Trainer option `max_epochs`/],
    ['an unknown option (typo)', { maxEpoch: 3 }, /Unknown Trainer option `maxEpoch`/],
  ];
  for (const [label, options, message] of cases) {
    it(label, () => {
      expect(() => new Trainer(options as TrainerOptions)).toThrow(message);
    });
  }

  it('accepts every documented boundary value', () => {
    const ok: TrainerOptions[] = [
      { maxEpochs: -1 },
      { maxEpochs: 0 },
      { maxSteps: -1 },
      { valCheckInterval: 1 },
      { valCheckInterval: 0.25 },
      { valCheckInterval: 7 },
      { checkValEveryNEpoch: null },
      { numSanityValSteps: -1 },
      { limitTrainBatches: 0 },
      { limitTrainBatches: 0.5 },
      { limitTrainBatches: 3 },
      { fastDevRun: true },
      { fastDevRun: 3 },
      { gradientClipVal: 0 },
      { maxTime: '00:00:01:00' },
      { maxTime: { minutes: 1 } },
      { maxTime: 30 },
    ];
    for (const o of ok) expect(() => new Trainer({ ...o, print: null })).not.toThrow();
  });
});

describe('maxTime parsing', () => {
  it('reads "DD:HH:MM:SS", {days, hours, minutes, seconds} and seconds, in milliseconds', () => {
    expect(parseMaxTime('00:12:00:00')).toBe(12 * 3600 * 1000);
    expect(parseMaxTime('01:00:00:30')).toBe((86400 + 30) * 1000);
    expect(parseMaxTime('00:00:05:07')).toBe((5 * 60 + 7) * 1000);
    expect(parseMaxTime({ days: 1, hours: 2 })).toBe(26 * 3600 * 1000);
    expect(parseMaxTime({ minutes: 1, seconds: 30 })).toBe(90_000);
    expect(parseMaxTime(2.5)).toBe(2500);
  });

  it('rejects malformed strings and empty durations, naming maxTime', () => {
    expect(() => parseMaxTime('1:2:3')).toThrow(/`maxTime`.*"1:2:3"/);
    expect(() => parseMaxTime('aa:bb:cc:dd')).toThrow(/`maxTime`/);
    expect(() => parseMaxTime({})).toThrow(/`maxTime` must be a positive duration/);
    expect(() => parseMaxTime(0)).toThrow(/`maxTime`.*got 0/);
  });
});

describe('accelerator', () => {
  it("'cpu' runs on the CPU backend and reports it", async () => {
    const trainer = quietTrainer({ accelerator: 'cpu', maxEpochs: 1 });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(trainer.backend?.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(trainer.globalStep).toBe(2);
  });

  it('an invalid value fails at construction, before any work', () => {
    expect(() => new Trainer({ accelerator: 'cuda' as never })).toThrow(/`accelerator` must be one of 'auto', 'webgpu', 'webgl', 'wasm', 'cpu', got "cuda"/);
  });
});
