import { describe, expect, it } from 'vitest';
import { inferColumn } from './infer';
import { buildReport, defaultTarget, defaultTask, summariseTarget } from './report';
import { parseCsvText } from './parse';
import { parseDate, parseNumber, isMissing } from './cells';
import { fixtureText } from '../fixtures/read';

const rows = (n: number) => Array.from({ length: n }, (_, i) => i + 2);
const infer = (name: string, cells: string[]) => inferColumn(name, cells, rows(cells.length));

describe('cells', () => {
  it('reads numbers strictly, with an optional decimal comma', () => {
    expect(parseNumber(' -1.5e3 ')).toBe(-1500);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('0x1F')).toBeNull();
    expect(parseNumber('Infinity')).toBeNull();
    expect(parseNumber('3,5')).toBeNull();
    expect(parseNumber('3,5', true)).toBe(3.5);
  });

  it('reads ISO, slash and day-first dates and rejects impossible ones', () => {
    expect(parseDate('1970-01-02')).toBe(1);
    expect(parseDate('1970-01-01T12:00')).toBe(0.5);
    expect(parseDate('2020/03/04')).toBe(parseDate('2020-03-04'));
    expect(parseDate('03/04/2020')).toBe(parseDate('2020-03-04'));
    expect(parseDate('03/04/2020', true)).toBe(parseDate('2020-04-03'));
    expect(parseDate('2021-02-31')).toBeNull();
    expect(parseDate('12')).toBeNull();
  });

  it('knows the usual missing markers', () => {
    for (const m of ['', ' ', 'NA', 'n/a', 'NaN', 'null', 'None', '?', '#N/A']) expect(isMissing(m)).toBe(true);
    expect(isMissing('0')).toBe(false);
  });
});

describe('inferColumn', () => {
  it('infers numeric with missing cells and lists a few unreadable ones', () => {
    const info = infer('age', ['34', '', '28', 'NA', '45', 'thirty', '51', '39', '23', '62']);
    expect(info.type).toBe('numeric');
    expect(info.missing).toBe(2);
    expect(info.invalidRows).toEqual([7]);
    expect(info.summary?.min).toBe(23);
    expect(info.summary?.max).toBe(62);
    expect(info.summary?.mean).toBeCloseTo((34 + 28 + 45 + 51 + 39 + 23 + 62) / 7);
  });

  it('treats a column with many words as categorical, not numeric', () => {
    expect(infer('size', ['1', '2', 'small', 'large', 'small', 'medium']).type).toBe('categorical');
  });

  it('infers boolean from yes/no and from 0/1', () => {
    expect(infer('m', ['yes', 'No', 'YES', '']).type).toBe('boolean');
    expect(infer('m', ['0', '1', '1', '0']).type).toBe('boolean');
  });

  it('infers dates, day-first when a day exceeds 12', () => {
    expect(infer('d', ['2020-01-01', '2021-06-30', '2019-12-31']).type).toBe('date');
    const dayFirst = infer('d', ['01/02/2020', '25/12/2020', '03/04/2021']);
    expect(dayFirst.type).toBe('date');
    expect(dayFirst.dayFirst).toBe(true);
  });

  it('infers decimal-comma numbers', () => {
    const info = infer('w', ['3,5', '4,25', '5']);
    expect(info.type).toBe('numeric');
    expect(info.decimalComma).toBe(true);
    expect(info.summary?.max).toBe(5);
  });

  it('marks row ids, identifiers and free text as excluded by default', () => {
    const ids = infer('n', Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(ids.type).toBe('identifier');
    expect(ids.excludedReason).toContain('row id');
    const codes = infer('code', Array.from({ length: 12 }, (_, i) => `AB${i * 7}X`));
    expect(codes.type).toBe('identifier');
    const text = infer('comment', Array.from({ length: 12 }, (_, i) => `said thing number ${i} to us`));
    expect(text.type).toBe('text');
    expect(text.excludedReason).toContain('free text');
    // Distinct but not consecutive measurements stay numeric.
    expect(infer('w', ['3.1', '4.7', '5.2', '6.8', '7.1', '8.4', '9.9', '10.2', '11.5', '12.6']).type).toBe('numeric');
  });

  it('reports counts and top categories', () => {
    const info = infer('city', ['Paris', 'Berlin', 'Paris', '', 'Rome', 'Paris']);
    expect(info.type).toBe('categorical');
    expect(info.unique).toBe(3);
    expect(info.missing).toBe(1);
    expect(info.top?.[0]).toEqual({ value: 'Paris', count: 3 });
  });
});

describe('buildReport', () => {
  const parsed = parseCsvText(fixtureText('people.csv'), { file: 'people.csv' });
  const report = buildReport(parsed.table, parsed.warnings);

  it('types each column of a realistic file', () => {
    const types = Object.fromEntries(report.columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({
      id: 'identifier',
      age: 'numeric',
      city: 'categorical',
      member: 'boolean',
      joined: 'date',
      comment: 'text',
      income: 'numeric',
      plan: 'categorical',
    });
    expect(report.rows).toBe(12);
    expect(report.preview).toHaveLength(10);
  });

  it('warns about the non-numeric age cell with file, row and column', () => {
    const w = report.warnings.find((x) => x.column === 'age');
    expect(w?.row).toBe(12);
    expect(w?.rows).toEqual([12]);
    expect(w?.message).toContain('file "people.csv", row 12, column "age"');
    expect(w?.message).toContain('"thirty"');
    expect(w?.expected).toBe('a number');
  });

  it('prefers a categorical with few classes over a last column that is nearly unique or has one-row classes', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'cat' : 'dog'},${(i * 7) % 13},code-${i % 37}`);
    const nearlyUnique = buildReport(parseCsvText(['kind,n,code', ...rows].join('\n'), { file: 'x.csv' }).table);
    expect(defaultTarget(nearlyUnique)).toBe('kind');
    const oneRowClass = buildReport(parseCsvText(['kind,n,grade', ...rows.map((r, i) => `${r.split(',').slice(0, 2).join(',')},${i === 0 ? 'F' : ['A', 'B'][i % 2]}`)].join('\n'), { file: 'y.csv' }).table);
    expect(defaultTarget(oneRowClass)).toBe('kind');
    // A good last column stays the default.
    const fine = buildReport(parseCsvText(['kind,n,grade', ...rows.map((r, i) => `${r.split(',').slice(0, 2).join(',')},${['A', 'B'][i % 2]}`)].join('\n'), { file: 'z.csv' }).table);
    expect(defaultTarget(fine)).toBe('grade');
  });

  it('picks a default target and task, and gives the class balance', () => {
    expect(defaultTarget(report)).toBe('plan');
    const plan = summariseTarget(parsed.table, report, 'plan');
    expect(plan.task).toBe('classification');
    expect(plan.classBalance).toEqual([{ value: 'basic', count: 6 }, { value: 'pro', count: 6 }]);
    const income = summariseTarget(parsed.table, report, 'income');
    expect(income.task).toBe('regression');
    expect(income.missing).toBe(1);
    expect(income.summary?.min).toBe(21000);
    expect(() => summariseTarget(parsed.table, report, 'nope')).toThrow('`target` must be one of the columns');
  });

  it('defaults small integer targets to classification', () => {
    expect(defaultTask(infer('digit', ['0', '1', '2', '3', '4', '5', '2']))).toBe('classification');
    expect(defaultTask(infer('price', ['10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '25']))).toBe('regression');
  });
});
