import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from './float16';
import { buildSeeded, cnnSpec, sampleInputs } from './fixtures/models';
import { MODEL_JSON, exportLayersModel, loadLayersModelFromFiles, readText } from './model-files';
import { affineRange, quantizeUint8 } from './quantize';
import { compareQuantization } from './variants';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('float16', () => {
  it('encodes exact halves, rounds to nearest even and saturates', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(2 ** -26)).toBe(0);
    // 1 + 2^-11 lies halfway between 1 and the next half: ties go to the even mantissa (1).
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });

  it('decodes what it encodes within half a unit in the last place', () => {
    for (const v of [0.1, -3.14159, 1234.5, 6e-5, -7e-7]) {
      const back = fromFloat16Bits(toFloat16Bits(v));
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
    }
  });
});

describe('uint8 affine', () => {
  it('nudges the range so that zero is exact, and stays within half a step', () => {
    const r = affineRange(-0.3, 0.7);
    expect(Number.isInteger(-r.min / r.scale)).toBe(true);
    const values = Float32Array.from([-0.3, 0, 0.123, 0.7, 0.5]);
    const { bytes, range } = quantizeUint8(values);
    values.forEach((v, i) => {
      expect(Math.abs(bytes[i]! * range.scale + range.min - v)).toBeLessThanOrEqual(range.scale / 2 + 1e-7);
    });
    expect(bytes[1]! * range.scale + range.min).toBeCloseTo(0, 12);
  });

  it('handles a constant tensor', () => {
    const { bytes, range } = quantizeUint8(Float32Array.from([0.25, 0.25]));
    expect(Array.from(bytes, (b) => b * range.scale + range.min)).toEqual([0.25, 0.25]);
  });
});

describe('quantised model files', () => {
  it('write the converter manifest fields and load through tfjs with small errors', async () => {
    const model = buildSeeded(cnnSpec(), [10, 10, 2], 3);
    const x = sampleInputs([10, 10, 2], 8);
    const reference = (model.predict(x) as tf.Tensor).dataSync();
    for (const [dtype, bytesPer, tolerance] of [['float16', 2, 0.01], ['uint8', 1, 0.1]] as const) {
      const files = await exportLayersModel(model, { quantize: dtype });
      const json = JSON.parse(readText(files[MODEL_JSON]!));
      const weights = json.weightsManifest[0].weights as Array<{ dtype: string; quantization: { dtype: string; min?: number; scale?: number } }>;
      for (const w of weights) {
        expect(w.dtype).toBe('float32');
        expect(w.quantization.dtype).toBe(dtype);
        if (dtype === 'uint8') expect(typeof w.quantization.scale).toBe('number');
      }
      expect(files['group1-shard1of1.bin']!.byteLength).toBe(model.countParams() * bytesPer);
      const loaded = await loadLayersModelFromFiles(files);
      const out = (loaded.predict(x) as tf.Tensor).dataSync();
      const err = Math.max(...Array.from(out, (v, i) => Math.abs(v - reference[i]!)));
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(tolerance);
      loaded.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it('refuses an unknown quantisation, naming the option', async () => {
    const model = buildSeeded(cnnSpec(), [10, 10, 2]);
    await expect(exportLayersModel(model, { quantize: 'int4' as 'uint8' })).rejects.toThrow('`quantize` must be one of float16, uint8, got "int4"');
    model.dispose();
  });
});

describe('compareQuantization', () => {
  it('reports float32, float16 and uint8 with shrinking sizes and metrics measured on the loaded variant', async () => {
    const model = buildSeeded(cnnSpec(), [10, 10, 2], 11);
    const x = sampleInputs([10, 10, 2], 16, 7);
    const reference = model.predict(x) as tf.Tensor;
    const evaluated: tf.LayersModel[] = [];
    const reports = await compareQuantization(model, async (m) => {
      evaluated.push(m);
      const y = m.predict(x) as tf.Tensor;
      const mae = (await tf.mean(tf.abs(tf.sub(y, reference))).data())[0]!;
      const agree = (await tf.mean(tf.cast(tf.equal(tf.argMax(y, 1), tf.argMax(reference, 1)), 'float32')).data())[0]!;
      y.dispose();
      return { mae, agreement: agree };
    });
    expect(reports.map((r) => r.variant)).toEqual(['float32', 'float16', 'uint8']);
    expect(evaluated.every((m) => m !== model)).toBe(true);
    const [f32, f16, u8] = reports as [typeof reports[0], typeof reports[0], typeof reports[0]];
    expect(f32.metrics.mae).toBe(0);
    expect(f16.metrics.mae).toBeGreaterThan(0);
    expect(f16.metrics.mae).toBeLessThan(u8.metrics.mae);
    expect(u8.metrics.mae).toBeLessThan(0.05);
    expect(f16.bytes).toBeLessThan(f32.bytes);
    expect(u8.bytes).toBeLessThan(f16.bytes);
    expect(f16.weightBytes * 2).toBe(f32.weightBytes);
    expect(u8.weightBytes * 4).toBe(f32.weightBytes);
    expect(Object.keys(u8.files)).toContain('model.json');
    reference.dispose();
    x.dispose();
    model.dispose();
  });
});
