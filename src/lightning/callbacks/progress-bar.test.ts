// ProgressBar and Trainer({enableProgressBar}): printed progress lines.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';
import { ProgressBar, renderBar } from './progress-bar';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A quiet trainer whose printed lines are kept. */
function printing(options: Parameters<typeof quietTrainer>[0]) {
  const lines: string[] = [];
  const trainer = quietTrainer({ ...options, print: (m) => lines.push(m) });
  return { trainer, lines };
}

class ProgBarModel extends BoringModel {
  override trainingStep(batch: Parameters<BoringModel['trainingStep']>[0], batchIdx: number) {
    const loss = super.trainingStep(batch, batchIdx) as tf.Scalar;
    this.log('loss', loss, { progBar: true, onStep: false, onEpoch: true });
    return loss;
  }
}

describe('enableProgressBar', () => {
  it('true prints one line per epoch with the bar, the counts and the progBar metrics', async () => {
    const { trainer, lines } = printing({ maxEpochs: 2, enableProgressBar: true });
    expect(trainer.progressBarCallback).toBeInstanceOf(ProgressBar);
    await trainer.fit(new ProgBarModel(), { trainDataloaders: boringLoader(8) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Epoch 0: 100%\|██████████\| 4\/4 \[\d+\.\ds, [\d.]+ it\/s, loss=[\d.]+\]$/);
    expect(lines[1]).toMatch(/^Epoch 1: 100%/);
  });

  it('false (and the default) prints nothing and adds no ProgressBar', async () => {
    for (const enableProgressBar of [false, undefined]) {
      const { trainer, lines } = printing({ maxEpochs: 1, enableProgressBar });
      await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(8) });
      expect(trainer.progressBarCallback).toBeNull();
      expect(lines).toEqual([]);
    }
  });

  it('false with a ProgressBar in callbacks is an error naming the option', () => {
    expect(() => quietTrainer({ enableProgressBar: false, callbacks: [new ProgressBar()] })).toThrow(/`enableProgressBar: false` but a ProgressBar is among `callbacks`/);
  });

  it('validate, test and predict print one line each', async () => {
    const { trainer, lines } = printing({ enableProgressBar: true });
    const model = new BoringModel();
    await trainer.validate(model, { dataloaders: boringLoader(6) });
    await trainer.test(model, { dataloaders: boringLoader(4) });
    const preds = (await trainer.predict(model, { dataloaders: boringLoader(2) })) as tf.Tensor[];
    preds.forEach((p) => p.dispose());
    const bars = lines.filter((l) => /^(Validation|Testing|Predicting):/.test(l));
    expect(bars.map((l) => l.replace(/ \[.*\]$/, ''))).toEqual([
      'Validation: 100%|██████████| 3/3',
      'Testing: 100%|██████████| 2/2',
      'Predicting: 100%|██████████| 1/1',
    ]);
  });
});

describe('ProgressBar', () => {
  it('refreshRate adds a line every N training batches', async () => {
    const { trainer, lines } = printing({ maxEpochs: 1, callbacks: [new ProgressBar({ refreshRate: 2 })] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(10) }); // 5 batches
    expect(lines.map((l) => l.replace(/ \[.*\]$/, ''))).toEqual([
      'Epoch 0:  40%|████      | 2/5',
      'Epoch 0:  80%|████████  | 4/5',
      'Epoch 0: 100%|██████████| 5/5',
    ]);
  });

  it('rejects a bad refreshRate', () => {
    expect(() => new ProgressBar({ refreshRate: -1 })).toThrow('ProgressBar: `refreshRate` must be a non-negative integer, got -1');
  });

  it('renders the bar', () => {
    expect(renderBar(0, 4)).toBe('  0%|          | 0/4');
    expect(renderBar(0, 0)).toBe('100%|██████████| 0/0');
  });
});
