import { describe, expect, it } from 'vitest';
import { seriesCsv, toCsv } from './csv';

describe('chart CSV', () => {
  it('quotes fields holding commas, quotes or line breaks', () => {
    expect(toCsv(['a', 'b,c'], [['x "y"', 1], [null, NaN], ['two\nlines', undefined]])).toBe('a,"b,c"\n"x ""y""",1\n,NaN\n"two\nlines",\n');
  });
  it('joins series by step, every logged point, an empty cell where one has none', () => {
    const train = [0, 1, 2, 3].map((step) => ({ step, value: 1 / (step + 1) }));
    const val = [{ step: 3, value: 0.3 }];
    const text = seriesCsv([{ label: 'train', points: train }, { label: 'validation', points: val }]);
    expect(text.split('\n')).toEqual(['step,train,validation', '0,1,', '1,0.5,', '2,0.3333333333333333,', '3,0.25,0.3', '']);
  });
  it('adds an epoch column when steps per epoch are known', () => {
    const text = seriesCsv([{ label: 'loss', points: [{ step: 5, value: 2 }] }, { label: 'none', points: undefined }], 10);
    expect(text).toBe('step,epoch,loss,none\n5,0.5,2,\n');
  });
});
