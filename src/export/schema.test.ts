import { describe, expect, it } from 'vitest';
import { imageSpec, tableSpec, EVIL } from './fixtures/specs';
import { checkSchema } from './schema';

describe('checkSchema', () => {
  it('accepts the columns the model was trained on', () => {
    const report = checkSchema(tableSpec(), tableSpec().columns);
    expect(report).toEqual({ ok: true, issues: [] });
  });

  it('reports each missing, extra and mistyped column by name', () => {
    const report = checkSchema(tableSpec(), [
      { name: 'age', type: 'text' },
      { name: 'joined', type: 'date' },
      { name: 'member', type: 'numeric' },
      { name: 'city', type: 'numeric' },
      { name: EVIL, type: 'categorical' },
      { name: 'plan', type: 'categorical' },
      { name: 'shoe size', type: 'numeric' },
    ]);
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => [i.column, i.kind, i.severity])).toEqual([
      ['age', 'type', 'error'],
      ['member', 'type', 'warning'],
      ['price', 'missing', 'error'],
      ['city', 'type', 'warning'],
      ['shoe size', 'extra', 'warning'],
    ]);
    expect(report.issues[0]!.message).toBe('column "age" is text in the dataset but the model reads it as numeric; its cells would all count as missing');
    expect(report.issues[2]!.message).toBe('column "price" is missing from the dataset; the model reads it as numeric');
    expect(report.issues[4]!.message).toBe('column "shoe size" is not used by the model and will be ignored');
  });

  it('needs the target to evaluate, not to predict', () => {
    const columns = tableSpec().columns.filter((c) => c !== 'plan');
    expect(checkSchema(tableSpec(), columns).issues).toEqual([
      { column: 'plan', kind: 'target', severity: 'error', message: 'target column "plan" is missing from the dataset; predictions work but metrics cannot be computed' },
    ]);
    expect(checkSchema(tableSpec(), columns, { requireTarget: false }).ok).toBe(true);
  });

  it('checks image shape and classes', () => {
    const spec = imageSpec(1);
    expect(checkSchema(spec, { kind: 'image', inputShape: [6, 6, 1], labelNames: spec.labelNames }).ok).toBe(true);
    const report = checkSchema(spec, { kind: 'image', inputShape: [6, 6, 3], labelNames: ['cat', 'cow'] });
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.message)).toEqual([
      'images are [6, 6, 3] but the model takes [6, 6, 1] (height, width, channels); load them at 6×6, greyscale',
      `class "cow" is not one the model knows ("cat", "dog", ${JSON.stringify(EVIL)})`,
      'class "dog" has no examples in the dataset',
      `class ${JSON.stringify(EVIL)} has no examples in the dataset`,
    ]);
    const reordered = checkSchema(spec, { kind: 'image', inputShape: [6, 6, 1], labelNames: ['dog', 'cat', EVIL] });
    expect(reordered.issues[0]!.message).toContain('different order');
  });

  it('refuses a table for an image model and the reverse', () => {
    expect(checkSchema(imageSpec(), ['a']).issues[0]!.message).toBe('the model was trained on images but the dataset is a table');
    expect(checkSchema(tableSpec(), { kind: 'image', inputShape: [6, 6, 1], labelNames: [] }).issues[0]!.message).toBe('the model was trained on a table but the dataset is images');
  });
});
