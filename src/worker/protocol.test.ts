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
  type WorkerEvent,
} from './protocol';
import { Harness } from './session-fixture';

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
    const ev: WorkerEvent = { v: PROTOCOL_VERSION, type: 'metrics', runId: 'r', batch };
    expect(transferablesOf(ev)).toEqual([batch.nameIndex.buffer, batch.steps.buffer, batch.values.buffer]);
    expect(transferablesOf({ v: PROTOCOL_VERSION, type: 'status', runId: 'r', status: 'training' })).toEqual([]);
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

  it('rejects envelopes with the wrong version, id or type, naming the field', () => {
    expect(() => parseCommand({ v: 1, id: 1, type: 'ping' })).toThrow('command `v` must be protocol version 2, got 1');
    expect(() => parseCommand({ v: 2, id: '1', type: 'ping' })).toThrow('command `id` must be a number, got "1"');
    expect(() => parseCommand({ v: 2, id: 1, type: 'explode' })).toThrow('command `type` must be one of start, loadBuiltin, upload, configureData, predict, previewAugmentation, export, compareVariants, importModel, pause, resume, stop, ping, got "explode"');
    expect(parseCommand({ v: 2, id: 3, type: 'stop' })).toEqual({ v: 2, id: 3, type: 'stop' });
    expect(() => parseEvent({ v: 2, type: 'nope' })).toThrow(/event `type` must be one of ready, reply/);
    expect(() => parseEvent(null)).toThrow('an event must be an object, got null');
  });

  it('assertNever names the unhandled type', () => {
    expect(() => assertNever({ type: 'mystery' } as never, 'event')).toThrow('unhandled event type "mystery"');
  });

  it('the session handles every command type of the protocol (the switch is exhaustive)', async () => {
    const bodies: Record<(typeof COMMAND_TYPES)[number], CommandBody> = {
      start: { type: 'start', runId: 'x', config: { dataset: 'nope', accelerator: 'cpu', maxEpochs: 1, batchSize: 1, learningRate: 0.1 } },
      loadBuiltin: { type: 'loadBuiltin', request: { name: 'nope' } },
      upload: { type: 'upload', files: [] },
      configureData: { type: 'configureData', choices: {} },
      predict: { type: 'predict', input: { kind: 'features', values: {} } },
      export: { type: 'export', request: { kind: 'tfjs' } },
      compareVariants: { type: 'compareVariants' },
      previewAugmentation: { type: 'previewAugmentation', augmentation: { flipHorizontal: true, flipVertical: false, maxShift: 0, maxRotation: 0, maxBrightness: 0 }, seed: 1 },
      importModel: { type: 'importModel', files: [] },
      pause: { type: 'pause' },
      resume: { type: 'resume' },
      stop: { type: 'stop' },
      ping: { type: 'ping' },
    };
    const h = new Harness();
    for (const t of COMMAND_TYPES) {
      const r = h.reply(h.send(bodies[t]));
      if (!r.ok) expect(r.error.message).not.toMatch(/unhandled/);
    }
    await h.session.whenIdle();
    expect(h.events.every((e) => EVENT_TYPES.includes(e.event.type))).toBe(true);
  });
});
