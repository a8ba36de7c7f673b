import { describe, expect, it } from 'vitest';
import {
  COMMAND_TYPES,
  EVENT_TYPES,
  PROTOCOL_VERSION,
  assertNever,
  decodeMetricBatch,
  deserializeError,
  encodeMetricBatch,
  parseCommand,
  parseEvent,
  serializeError,
  transferablesOf,
  type CommandBody,
  type CommandType,
  type WorkerEvent,
} from './protocol';
import { DataError } from '../data';
import { TrainingClient } from './client';
import { Harness, InProcessWorker, sleep } from './session-fixture';

describe('protocol', () => {
  it('metric batches round-trip every point exactly, NaN and repeated names included', () => {
    const points = [
      { name: 'train_loss', step: 0, value: 0.6931471805599453 },
      { name: 'epoch', step: 0, value: 0 },
      { name: 'train_loss', step: 1, value: Number.NaN },
      { name: 'val_acc', step: 1, value: 1e-300 },
    ];
    const batch = encodeMetricBatch(points);
    expect(batch.names).toEqual(['train_loss', 'epoch', 'val_acc']);
    expect(Array.from(batch.nameIndex)).toEqual([0, 1, 0, 2]);
    const back = decodeMetricBatch(structuredClone(batch));
    expect(back).toEqual(points);
  });

  it('puts the typed arrays of a metrics event, and nothing else, in the transfer list', () => {
    const batch = encodeMetricBatch([{ name: 'a', step: 0, value: 1 }]);
    const ev: WorkerEvent = { v: PROTOCOL_VERSION, type: 'metrics', id: 1, runId: 'r', batch };
    expect(transferablesOf(ev)).toEqual([batch.nameIndex.buffer, batch.steps.buffer, batch.values.buffer]);
    expect(transferablesOf({ v: PROTOCOL_VERSION, type: 'status', id: 1, runId: 'r', status: 'training' })).toEqual([]);
    expect(transferablesOf({ v: PROTOCOL_VERSION, type: 'reply', id: 1, ok: true, result: null })).toEqual([]);
    // The buffers really can be transferred (and are gone from the sender afterwards).
    const { port1 } = new MessageChannel();
    port1.postMessage(ev, transferablesOf(ev));
    port1.close();
    expect(batch.values.byteLength).toBe(0);
  });

  it('errors cross as {name, message, stack} and are rebuilt with the same name and stack', () => {
    const original = new RangeError('`batchSize` must be a positive integer, got 0');
    const wire = structuredClone(serializeError(original));
    expect(wire).toEqual({ name: 'RangeError', message: original.message, stack: original.stack });
    const rebuilt = deserializeError(wire);
    expect(rebuilt).toBeInstanceOf(Error);
    expect([rebuilt.name, rebuilt.message, rebuilt.stack]).toEqual(['RangeError', original.message, original.stack]);
    expect(serializeError('plain text')).toEqual({ name: 'Error', message: 'plain text' });
  });

  it('a data error crosses with its issue (file, row, what was expected), and comes back with it', () => {
    const err = new DataError({ file: 'bad.csv', row: 3, problem: 'A row is short.', expected: '3 cells', found: '2' });
    const wire = structuredClone(serializeError(err));
    expect(wire.issue).toMatchObject({ file: 'bad.csv', row: 3 });
    const back = deserializeError(wire);
    expect(back.issue).toEqual(wire.issue);
    expect(back.message).toBe(err.message);
  });

  it('rejects envelopes with the wrong version, id or type, naming the field', () => {
    expect(() => parseCommand({ v: 1, id: 1, type: 'ping' })).toThrow('command `v` must be protocol version 3, got 1');
    expect(() => parseCommand({ v: 3, id: '1', type: 'ping' })).toThrow('command `id` must be a number, got "1"');
    expect(() => parseCommand({ v: 3, id: 1, type: 'explode' })).toThrow('command `type` must be one of start, loadBuiltin, upload, configureData, predict, previewAugmentation, export, compareVariants, importModel, restoreRunData, evaluateLoaded, findLr, findBatchSize, pause, resume, stop, ping, got "explode"');
    expect(parseCommand({ v: 3, id: 3, type: 'stop' })).toEqual({ v: 3, id: 3, type: 'stop' });
    expect(() => parseEvent({ v: 3, type: 'nope' })).toThrow(/event `type` must be one of ready, reply/);
    expect(() => parseEvent(null)).toThrow('an event must be an object, got null');
  });

  it('assertNever names the unhandled type', () => {
    expect(() => assertNever({ type: 'mystery' } as never, 'event')).toThrow('unhandled event type "mystery"');
  });

  it('the session answers every command type with exactly one reply (the handler table is complete)', async () => {
    const h = new Harness();
    const ids = COMMAND_TYPES.map((t) => [t, h.send(everyCommand[t])] as const);
    for (const [, id] of ids) await h.reply(id);
    await h.session.whenIdle();
    await sleep(20);
    for (const [t, id] of ids) {
      expect(h.replies(id), t).toBe(1);
      const r = h.findReply(id)!;
      if (!r.ok) expect(r.error.message).not.toMatch(/unhandled|is not a function/);
    }
    expect(h.events.every((e) => EVENT_TYPES.includes(e.event.type))).toBe(true);
    // Progress events carry the id of their command (or null: the worker's own).
    const sent = new Set(ids.map(([, id]) => id));
    for (const { event: e } of h.events) if (e.type !== 'ready' && e.type !== 'reply') expect(e.id === null || sent.has(e.id)).toBe(true);
  });

  it('through the client, every command type settles exactly once, also when the worker is killed mid-call', async () => {
    const workers: InProcessWorker[] = [];
    const client = new TrainingClient({
      createWorker: () => {
        const w = new InProcessWorker();
        workers.push(w);
        return w;
      },
      onEvent: () => {},
      heartbeatMs: 60_000,
    });
    const settle = (p: Promise<unknown>) => {
      const counts = { resolved: 0, rejected: 0, error: null as Error | null };
      void p.then(
        () => (counts.resolved += 1),
        (e: Error) => {
          counts.rejected += 1;
          counts.error = e;
        },
      );
      return counts;
    };
    // Answered by a live worker.
    const live = COMMAND_TYPES.map((t) => [t, settle(client.call(everyCommand[t]))] as const);
    for (let i = 0; i < 2000 && live.some(([, c]) => c.resolved + c.rejected === 0); i++) await sleep(5);
    for (const [t, c] of live) expect(c.resolved + c.rejected, t).toBe(1);
    // Killed with every command type in flight: each rejects once, as WorkerLost.
    const inFlight = COMMAND_TYPES.map((t) => [t, settle(client.call(t === 'start' ? { ...everyCommand.start, runId: 'y' } : everyCommand[t]))] as const);
    workers.at(-1)!.crash('killed');
    await sleep(20);
    for (const [t, c] of inFlight) {
      expect(c.resolved + c.rejected, t).toBe(1);
      if (c.rejected) expect(c.error!.name).toBe('WorkerLost');
    }
    expect(inFlight.some(([, c]) => c.rejected === 1)).toBe(true);
    await sleep(50);
    for (const [t, c] of [...live, ...inFlight]) expect(c.resolved + c.rejected, t).toBe(1);
    expect(client.pendingRequests).toBe(0);
    client.dispose();
  });
});

const everyCommand: { [T in CommandType]: Extract<CommandBody, { type: T }> } = {
  start: { type: 'start', runId: 'x', config: { dataset: 'nope', accelerator: 'cpu', maxEpochs: 1, batchSize: 1, learningRate: 0.1 } },
  loadBuiltin: { type: 'loadBuiltin', request: { name: 'nope' } },
  upload: { type: 'upload', files: [] },
  configureData: { type: 'configureData', choices: {} },
  predict: { type: 'predict', input: { kind: 'features', values: {} } },
  export: { type: 'export', request: { kind: 'tfjs' } },
  compareVariants: { type: 'compareVariants' },
  previewAugmentation: { type: 'previewAugmentation', augmentation: { flipHorizontal: true, flipVertical: false, maxShift: 0, maxRotation: 0, maxBrightness: 0 }, seed: 1 },
  importModel: { type: 'importModel', files: [] },
  restoreRunData: { type: 'restoreRunData' },
  evaluateLoaded: { type: 'evaluateLoaded' },
  findLr: { type: 'findLr', config: { dataset: 'nope', accelerator: 'cpu', maxEpochs: 1 } },
  findBatchSize: { type: 'findBatchSize', config: { dataset: 'nope', accelerator: 'cpu', maxEpochs: 1 } },
  pause: { type: 'pause' },
  resume: { type: 'resume' },
  stop: { type: 'stop' },
  ping: { type: 'ping' },
};
