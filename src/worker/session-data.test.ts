// The session's data commands, evaluation and predictions, in Node (built-ins from public/datasets).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness, commandResult as result } from './session-fixture';
import type { CommandBody, SerializedError } from './protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const enc = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

/** Sends a command expected to fail and returns the error its reply carries. */
async function failure(h: Harness, body: CommandBody): Promise<SerializedError> {
  const r = await h.reply(h.send(body));
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.result)}`);
  return r.error;
}

const goodCsv = 'size;colour;price;kind\n1,5;red;10;a\n2;blue;12;b\n3;red;9;a\n4;green;15;b\n5;red;11;a\n6;blue;13;b\n7;red;10;a\n8;blue;14;b\n9;red;12;a\n10;green;16;b\n';

describe('TrainingSession: datasets', () => {
  it('loads a built-in table and reports columns, preview, target and class balance as plain data', async () => {
    const h = new Harness();
    const report = await result(h, { type: 'loadBuiltin', request: { name: 'iris' } });
    const e = { report };
    expect(e.report).toMatchObject({ name: 'iris', kind: 'table', task: 'classification', rows: 150, inputShape: [4] });
    expect(e.report.table!.columns.map((c) => c.name)).toContain('species');
    expect(e.report.table!.preview.length).toBeGreaterThan(0);
    expect(e.report.classBalance.map((c) => c.count)).toEqual([50, 50, 50]);
    expect(structuredClone(e.report)).toEqual(e.report);
  });

  it('parses an uploaded CSV, re-encodes for another target, and keeps the dataset when a load fails', async () => {
    const h = new Harness();
    const ok = await result(h, { type: 'upload', files: [{ path: 'shop.csv', bytes: enc(goodCsv) }] });
    expect(ok.table!.target).toBe('kind');
    expect(ok.table!.columns.find((c) => c.name === 'colour')!.type).toBe('categorical');

    const bad = await failure(h, { type: 'upload', files: [{ path: 'bad.csv', bytes: enc('a,b,c\n1,2,3\n4,5\n6,7,8\n') }] });
    expect(bad.issue).toMatchObject({ file: 'bad.csv', row: 3 });
    expect(bad.message).toMatch(/file "bad\.csv", row 3/);
    expect(h.session.data.current!.dataset.name).toBe('shop.csv');

    const regression = await result(h, { type: 'configureData', choices: { target: 'price', task: 'regression', validation: 0.3, test: 0 } });
    expect(regression).toMatchObject({ task: 'regression', splits: { validation: 3, test: 0 } });

    const oneClass = await failure(h, { type: 'upload', files: [{ path: 'one.csv', bytes: enc('x,y\n1,a\n2,a\n3,a\n') }] });
    expect(oneClass.message).toMatch(/column "y".*only one class/);
    expect(h.session.data.current!.report.task).toBe('regression');
  });
});

describe('TrainingSession: evaluation and predictions', () => {
  it('a finished run posts an evaluation with a confusion matrix over the held-out rows; predict answers', async () => {
    const h = new Harness();
    await result(h, { type: 'loadBuiltin', request: { name: 'gaussians', noise: 0.1 } });
    await h.run('g', { dataset: 'gaussians', accelerator: 'cpu', maxEpochs: 20, seed: 1 });
    expect(h.statuses('g').at(-1)).toBe('finished');
    const evaluation = h.result('g')!.evaluation!;
    const total = evaluation.confusion!.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(evaluation.count);
    expect(evaluation.count).toBe(h.session.data.current!.dataset.splits.validation.length);
    expect(evaluation.perClass!.map((c) => c.support).reduce((a, b) => a + b, 0)).toBe(total);
    expect(evaluation.metrics.test_acc).toBeGreaterThan(0.8);
    expect(evaluation.samples.every((s) => s.row && s.row.length === 2)).toBe(true);

    const prediction = await result(h, { type: 'predict', input: { kind: 'features', values: { x1: '0.5', x2: '0.5' } } });
    expect(prediction.probabilities).toHaveLength(2);
    expect(prediction.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('MNIST: samples carry thumbnails and a drawing is classified into one of ten digits', async () => {
    const h = new Harness();
    const loaded = await result(h, { type: 'loadBuiltin', request: { name: 'mnist' } });
    expect(loaded.image!.thumbnails.length).toBe(40);
    await h.run('m', { dataset: 'mnist', accelerator: 'cpu', maxEpochs: 1, limitTrainBatches: 20 });
    const evaluation = h.result('m')!.evaluation!;
    expect(evaluation.confusion).toHaveLength(10);
    expect(evaluation.samples[0]!.thumbnail).toMatchObject({ width: 28, height: 28 });
    const rgba = new Uint8ClampedArray(56 * 56 * 4);
    for (let i = 0; i < 56 * 56; i++) rgba[i * 4 + 3] = 255;
    for (let y = 10; y < 46; y++) for (const x of [27, 28]) rgba.fill(255, (y * 56 + x) * 4, (y * 56 + x) * 4 + 3);
    const prediction = await result(h, { type: 'predict', input: { kind: 'pixels', width: 56, height: 56, rgba } });
    expect(prediction.labels).toHaveLength(10);
    expect(prediction.predicted).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('predict before any run is refused with what to do', async () => {
    const h = new Harness();
    expect((await failure(h, { type: 'predict', input: { kind: 'features', values: {} } })).message).toMatch(/train one first/);
  });
});

describe('TrainingSession: the last run after another dataset was loaded', () => {
  const shop = (rows: number, seed: number) => {
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines = ['size,colour,kind'];
    for (let i = 0; i < rows; i++) {
      const size = rnd() * 10;
      lines.push(`${size.toFixed(2)},${rnd() < 0.5 ? 'red' : 'blue'},${size > 5 ? 'big' : 'small'}`);
    }
    return enc(lines.join('\n'));
  };

  it('evaluates on new data only when it fits the run’s columns, and loads the run’s dataset back', async () => {
    const h = new Harness();
    await result(h, { type: 'upload', files: [{ path: 'shop-a.csv', bytes: shop(200, 1) }] });
    await h.run('a', { dataset: 'shop-a.csv', accelerator: 'cpu', maxEpochs: 15, seed: 1 });
    expect(h.statuses('a').at(-1)).toBe('finished');

    // Same columns, other rows: the run's model is evaluated on them, encoded the run's way.
    await result(h, { type: 'upload', files: [{ path: 'shop-b.csv', bytes: shop(100, 7) }] });
    const onB = await result(h, { type: 'evaluateLoaded' });
    expect(onB.count).toBe(h.session.data.current!.dataset.splits[onB.split].length);
    expect(onB.labels).toEqual(h.result('a')!.evaluation!.labels);
    expect(onB.metrics.test_acc).toBeGreaterThan(0.7);

    // Other columns: refused, naming what does not fit.
    await result(h, { type: 'loadBuiltin', request: { name: 'iris' } });
    expect((await failure(h, { type: 'evaluateLoaded' })).message).toMatch(/^iris does not fit the model trained on shop-a\.csv: size: /);

    const back = await result(h, { type: 'restoreRunData' });
    expect(back.name).toBe('shop-a.csv');
    expect(h.session.data.current!.dataset.name).toBe('shop-a.csv');
    const prediction = await result(h, { type: 'predict', input: { kind: 'features', values: { size: '9', colour: 'red' } } });
    expect(prediction.labels[prediction.predicted]).toBe('big');
  }, 60_000);

  it('refuses both before any run', async () => {
    const h = new Harness();
    expect((await failure(h, { type: 'restoreRunData' })).message).toMatch(/needs a run that has ended/);
    expect((await failure(h, { type: 'evaluateLoaded' })).message).toMatch(/needs a run that has ended/);
  });
});

describe('TrainingSession: the decision boundary of a two-feature table', () => {
  it('sends a grid picture after epochs, the last one after the last epoch, which separates the training points', async () => {
    const h = new Harness();
    await h.run('b', { dataset: 'blobs', accelerator: 'cpu', maxEpochs: 4, seed: 1 });
    const pictures = h.ofType('boundary', 'b').map((e) => e.boundary);
    expect(pictures.length).toBeGreaterThanOrEqual(1);
    const last = pictures.at(-1)!;
    expect(last.epoch).toBe(3);
    expect(last.classes!.length).toBe(last.size * last.size);
    expect(last.axes).toEqual(['x1', 'x2']);
    // Each training point's cell predicts its class (blobs are separable).
    const { x, y, target } = last.points;
    let agree = 0;
    for (let i = 0; i < x.length; i++) {
      const col = Math.min(last.size - 1, Math.floor(((x[i]! - last.xRange[0]) / (last.xRange[1] - last.xRange[0])) * last.size));
      const row = Math.min(last.size - 1, Math.floor(((last.yRange[1] - y[i]!) / (last.yRange[1] - last.yRange[0])) * last.size));
      if (last.classes![row * last.size + col] === target[i]) agree++;
    }
    expect(agree / x.length).toBeGreaterThan(0.9);
    // Its arrays travel in the transfer list.
    const rec = h.events.find((r) => r.event.type === 'boundary')!;
    expect(rec.transfer.length).toBe(5);
  });

  it('sends none for other datasets', async () => {
    const h = new Harness();
    await result(h, { type: 'loadBuiltin', request: { name: 'iris' } });
    await h.run('i', { dataset: 'iris', accelerator: 'cpu', maxEpochs: 2 });
    expect(h.ofType('boundary')).toEqual([]);
  });
});
