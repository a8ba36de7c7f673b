import { describe, expect, it } from 'vitest';
import { parseModelSpec, specFromJson, specFromUrl, specToJson, specToUrl } from './codec';
import { buildPreset, PRESETS, presetAvailability } from './presets';
import { defaultSchedule } from './recipe';
import { SCHEDULES, type ModelSpec, type TaskInfo } from './spec';

const mnist: TaskInfo = { inputShape: [28, 28, 1], task: 'classification', numClasses: 10, name: 'mnist' };
const cars: TaskInfo = { inputShape: [6], task: 'regression', name: 'cars' };

function allSpecs(): ModelSpec[] {
  const specs: ModelSpec[] = [];
  for (const info of [mnist, cars]) {
    for (const p of PRESETS) if (presetAvailability(p.id, info).available) specs.push(buildPreset(p.id, info));
  }
  // Every schedule, early stopping on and off, clipping and a null seed.
  SCHEDULES.forEach((type, i) => {
    const spec = buildPreset('mlp', cars, { dropout: 0.25, batchNorm: true, activation: 'leakyRelu' });
    spec.recipe.lrSchedule = defaultSchedule(type, 20);
    spec.recipe.earlyStopping = i % 2 ? null : { monitor: 'val_loss', patience: 3, mode: 'min' };
    spec.recipe.gradientClipVal = i % 2 ? 1.5 : null;
    spec.recipe.seed = i % 3 ? i : null;
    spec.recipe.optimizer = { type: 'adamw', lr: 3e-4, weightDecay: 0.05, momentum: 0 };
    specs.push(spec);
  });
  return specs;
}

describe('spec ↔ JSON and ↔ URL', () => {
  it('round-trips every preset and recipe through JSON', () => {
    for (const spec of allSpecs()) expect(specFromJson(specToJson(spec))).toEqual(spec);
  });

  it('round-trips every preset and recipe through a URL-safe string', () => {
    for (const spec of allSpecs()) {
      const url = specToUrl(spec);
      expect(url).toMatch(/^1\.[A-Za-z0-9_-]+$/);
      expect(encodeURIComponent(url)).toBe(url);
      expect(specFromUrl(url)).toEqual(spec);
    }
  });

  it('is shorter than the base64 of the plain JSON', () => {
    const spec = buildPreset('resnet', mnist);
    const plain = Buffer.from(specToJson(spec)).toString('base64url');
    expect(specToUrl(spec).length).toBeLessThan(plain.length * 0.8);
  });

  it('keeps non-ASCII text (a metric name) intact', () => {
    const spec = buildPreset('linear', cars);
    spec.recipe.earlyStopping = { monitor: 'val_précision', patience: 2, mode: 'max' };
    expect(specFromUrl(specToUrl(spec)).recipe.earlyStopping!.monitor).toBe('val_précision');
  });

  it('rejects a damaged link or an unknown version, saying why', () => {
    const url = specToUrl(buildPreset('mlp', cars));
    expect(() => specFromUrl(`2${url.slice(1)}`)).toThrow('the model link has format version "2"; this app reads version 1');
    expect(() => specFromUrl(url.slice(0, 40))).toThrow(/^the model link could not be decoded/);
    expect(() => specFromUrl('1.abc$%')).toThrow('the model link is not valid base64url');
  });

  it('rejects a structurally wrong spec, naming the field', () => {
    const good = JSON.parse(specToJson(buildPreset('mlp', cars))) as Record<string, unknown> & { layers: Array<Record<string, unknown>>; recipe: Record<string, unknown> };
    expect(() => specFromJson('{')).toThrow(/^the model spec must be JSON/);
    expect(() => parseModelSpec({ ...good, version: 7 })).toThrow('`version` must be 1, got 7');
    expect(() => parseModelSpec({ ...good, layers: [{ ...good.layers[0], kind: 'lstm' }] })).toThrow(
      '`layers[0].kind` must be one of dense, conv2d, maxPool2d, avgPool2d, globalAvgPool2d, flatten, dropout, batchNorm, activation, reshape, residualBlock, got "lstm"',
    );
    expect(() => parseModelSpec({ ...good, layers: [{ id: 'q', kind: 'dense', units: '8' }] })).toThrow('`layers[0].units` must be a number, got "8"');
    expect(() => parseModelSpec({ ...good, layers: [{ id: 'q', kind: 'dropout' }] })).toThrow('`layers[0].rate` must be given for a dropout layer');
    expect(() => parseModelSpec({ ...good, layers: [{ kind: 'flatten' }] })).toThrow('`layers[0].id` must be a non-empty string, got undefined');
    expect(() => parseModelSpec({ ...good, recipe: { ...good.recipe, batchSize: '64' } })).toThrow('`recipe.batchSize` must be a number, got "64"');
    expect(() => parseModelSpec({ ...good, recipe: { ...good.recipe, seed: 'x' } })).toThrow('`recipe.seed` must be a number or null, got "x"');
  });
});
