// Flags about where and how a run happens: deterministic (which backends) and defaultRootDir (where checkpoints go).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select';
import { ModelCheckpoint } from '../callbacks/model-checkpoint';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';
import { Trainer } from './trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('deterministic', () => {
  it("with accelerator 'auto' skips the GPU backends, saying why, and trains on wasm or cpu", async () => {
    const trainer = quietTrainer({ accelerator: 'auto', deterministic: true, maxSteps: 1 });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(['wasm', 'cpu']).toContain(trainer.backend!.name);
    const gpu = trainer.backend!.rejected.filter((r) => r.backend === 'webgpu' || r.backend === 'webgl');
    expect(gpu.map((r) => r.backend)).toEqual(['webgpu', 'webgl']);
    for (const r of gpu) expect(r.reason).toMatch(/`deterministic: true` runs only on .*\(wasm, cpu\)/);
    await tf.setBackend('cpu');
  });

  it('refuses a GPU backend by name, naming both options', () => {
    for (const accelerator of ['webgpu', 'webgl'] as const) {
      expect(() => new Trainer({ deterministic: true, accelerator })).toThrow(
        new RegExp(`\`deterministic: true\` cannot run on \`accelerator: '${accelerator}'\``),
      );
    }
    expect(() => new Trainer({ deterministic: true, accelerator: 'cpu', print: null })).not.toThrow();
    expect(() => new Trainer({ deterministic: false, accelerator: 'webgpu', print: null })).not.toThrow();
  });

  it('selectBackend refuses it too', async () => {
    await expect(selectBackend('webgl', { deterministic: true })).rejects.toThrow(/cannot run on `accelerator: 'webgl'`/);
  });
});

describe('defaultRootDir', () => {
  it("prefixes the default ModelCheckpoint's paths", async () => {
    const trainer = quietTrainer({ maxEpochs: 1, enableCheckpointing: true, defaultRootDir: 'runs/exp1/' });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(trainer.defaultRootDir).toBe('runs/exp1');
    expect(trainer.checkpointCallback!.dirpath).toBe('runs/exp1/checkpoints');
    expect(await trainer.checkpointStorage.list()).toEqual(['runs/exp1/checkpoints/epoch=0-step=2.ckpt']);
  });

  it('leaves an explicit dirpath alone, and without it checkpoints go to "checkpoints"', async () => {
    const mine = new ModelCheckpoint({ dirpath: 'elsewhere' });
    const a = quietTrainer({ maxEpochs: 1, defaultRootDir: 'runs', callbacks: [mine] });
    await a.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(await a.checkpointStorage.list()).toEqual(['elsewhere/epoch=0-step=2.ckpt']);
    const b = quietTrainer({ maxEpochs: 1, enableCheckpointing: true });
    await b.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(await b.checkpointStorage.list()).toEqual(['checkpoints/epoch=0-step=2.ckpt']);
  });

  it('must be a non-empty path prefix', () => {
    expect(() => new Trainer({ defaultRootDir: '' })).toThrow(/`defaultRootDir` must be a non-empty path prefix for checkpoint storage, e.g. "runs\/mnist", got ""/);
    expect(() => new Trainer({ defaultRootDir: 3 as unknown as string })).toThrow(/`defaultRootDir` must be/);
  });
});
