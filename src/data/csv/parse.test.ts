import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvText, looksLikeHeader } from './parse';
import { DataError } from '../errors';
import { fixtureBytes, fixtureText } from '../fixtures/read';

async function parseError(source: string | Uint8Array | Blob, file: string, options = {}): Promise<DataError> {
  try {
    await parseCsv(source, { file, ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseCsv: dialects', () => {
  it('reads a comma file with a header and quoted fields holding commas and quotes', async () => {
    const { table, delimiter, hasHeader } = await parseCsv(fixtureBytes('people.csv'), { file: 'people.csv' });
    expect(delimiter).toBe(',');
    expect(hasHeader).toBe(true);
    expect(table.columns).toEqual(['id', 'age', 'city', 'member', 'joined', 'comment', 'income', 'plan']);
    expect(table.rows).toHaveLength(12);
    expect(table.rows[0]?.[5]).toBe('Likes the product, says "great"');
    expect(table.rowNumbers.slice(0, 3)).toEqual([2, 3, 4]);
  });

  it('detects semicolons, strips a BOM and keeps newlines and delimiters inside quotes', async () => {
    const { table, delimiter } = await parseCsv(fixtureBytes('semicolon-bom.csv'), { file: 'semicolon-bom.csv' });
    expect(delimiter).toBe(';');
    expect(table.columns[0]).toBe('name'); // no \uFEFF glued to the first name
    expect(table.rows.map((r) => r[0])).toEqual(['Smith; John', 'Doe', 'Roe']);
    expect(table.rows[0]?.[2]).toBe('two\nlines');
    expect(table.rows[2]?.[2]).toBe('with "quotes"');
  });

  it('detects tabs', async () => {
    const { table, delimiter } = await parseCsv(fixtureText('tabs.tsv'), { file: 'tabs.tsv' });
    expect(delimiter).toBe('\t');
    expect(table.columns).toEqual(['x', 'y', 'class']);
    expect(table.rows[2]).toEqual(['3.5', '4', 'a']);
  });

  it('names columns when the first row is data', () => {
    const { table, hasHeader } = parseCsvText(fixtureText('no-header.csv'));
    expect(hasHeader).toBe(false);
    expect(table.columns).toEqual(['column 1', 'column 2', 'column 3']);
    expect(table.rows).toHaveLength(3);
    expect(table.rowNumbers[0]).toBe(1);
  });

  it('honours an explicit header option and renames duplicate or blank names', () => {
    const { table, warnings } = parseCsvText('a,a,\n1,2,3\n', { header: true });
    expect(table.columns).toEqual(['a', 'a (2)', 'column 3']);
    expect(warnings[0]?.message).toContain('"a (2)"');
    expect(looksLikeHeader([['1', '2'], ['3', '4']])).toBe(false);
    expect(looksLikeHeader([['w', 'h'], ['3', '4']])).toBe(true);
  });

  it('streams in small chunks with progress and gives the same table as whole-text parsing', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},"name, ${i}",${(i * 0.5).toFixed(1)}`);
    const text = `id,name,value\r\n${rows.join('\r\n')}\r\n`;
    const progress: number[] = [];
    const streamed = await parseCsv(new Blob([text]), { file: 'big.csv', chunkSize: 97, onProgress: (p) => progress.push(p.done) });
    const whole = parseCsvText(text, { file: 'big.csv' });
    expect(streamed.table.rows).toEqual(whole.table.rows);
    expect(streamed.table.rows).toHaveLength(500);
    expect(streamed.table.rows[499]).toEqual(['499', 'name, 499', '249.5']);
    expect(progress.length).toBeGreaterThan(100);
    expect(progress[progress.length - 1]).toBe(new TextEncoder().encode(text).length);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('decodes a multi-byte character cut across chunks', async () => {
    const text = 'city,n\nZürich,1\nMünchen,2\n';
    const { table } = await parseCsv(new TextEncoder().encode(text), { chunkSize: 9 });
    expect(table.rows.map((r) => r[0])).toEqual(['Zürich', 'München']);
  });

  it('reads a Windows-1252 file as such rather than showing replacement characters', async () => {
    const bytes = Uint8Array.from([...'name,n\nJos'].map((c) => c.charCodeAt(0)).concat([0xe9, 0x2c, 0x31, 0x0a]));
    const { table } = await parseCsv(bytes);
    expect(table.rows[0]?.[0]).toBe('José');
  });
});

describe('parseCsv: bad input', () => {
  it('rejects an empty file naming the file', async () => {
    const err = await parseError(fixtureBytes('empty.csv'), 'empty.csv');
    expect(err.file).toBe('empty.csv');
    expect(err.message).toContain('file "empty.csv"');
    expect(err.message).toContain('empty');
    expect(err.expected).toContain('header row');
    const blank = await parseError('  \n\n', 'blank.csv');
    expect(blank.message).toContain('empty');
  });

  it('rejects a header with no rows', async () => {
    const err = await parseError(fixtureBytes('header-only.csv'), 'header-only.csv');
    expect(err.row).toBe(1);
    expect(err.message).toMatch(/file "header-only.csv", row 1: .*header but no data rows/);
  });

  it('rejects rows with too few or too many fields, naming the first and listing the rest', async () => {
    const err = await parseError(fixtureBytes('ragged.csv'), 'ragged.csv');
    expect(err.row).toBe(3);
    expect(err.rows).toEqual([3, 5]);
    expect(err.message).toContain('row 3');
    expect(err.message).toContain('this row has 2 fields, too few; row 5 has 4 fields, too many');
    expect(err.expected).toBe('3 fields separated by commas, like the header');
    expect(err.message).toContain('Rows: 3, 5');
  });

  it('can skip ragged rows instead, with a warning that lists them', async () => {
    const { table, warnings } = await parseCsv(fixtureBytes('ragged.csv'), { file: 'ragged.csv', badRows: 'skip' });
    expect(table.rows).toEqual([['1', '2', '3'], ['6', '7', '8'], ['13', '14', '15']]);
    expect(table.rowNumbers).toEqual([2, 4, 6]);
    expect(warnings[0]?.rows).toEqual([3, 5]);
    expect(warnings[0]?.message).toContain('skipped');
    expect(warnings[0]?.message).toContain('row 5 has 4 fields, too many');
  });

  it('tolerates a trailing delimiter', () => {
    const { table } = parseCsvText('a,b\n1,2,\n3,4,\n');
    expect(table.rows).toEqual([['1', '2'], ['3', '4']]);
  });

  it('rejects a binary file, from bytes and from a string', async () => {
    const err = await parseError(fixtureBytes('not-text.csv'), 'not-text.csv');
    expect(err.message).toContain('file "not-text.csv"');
    expect(err.message).toContain('not a text file');
    expect(err.found).toContain('PNG');
    const noMagic = await parseError(Uint8Array.from([0x61, 0x00, 0x01, 0x02, 0x62]), 'blob.bin');
    expect(noMagic.found).toContain('NUL');
    const str = await parseError('a,b\u0000\u0001', 'decoded.csv');
    expect(str.message).toContain('not a text file');
  });

  it('rejects an unterminated quote with its row', async () => {
    const err = await parseError('a,b\n1,2\n3,"open\n', 'quote.csv');
    expect(err.row).toBe(3);
    expect(err.message).toContain('never closed');
  });

  it('refuses a file too big for the memory budget before reading it, with the estimate', async () => {
    let reads = 0;
    const big = new Blob(['a,b\n1,2\n'.repeat(1000)]);
    const err = await parseError(big, 'huge.csv', { memoryBudget: 50_000, onProgress: () => reads++ });
    expect(reads).toBe(0);
    expect(err.message).toContain('file "huge.csv": parsing this 7.8 KB file would need about 78.1 KB of memory');
    expect(err.expected).toContain('a file up to 4.9 KB');
  });

  it('checks its options', async () => {
    await expect(parseCsv('a\n1', { delimiter: '|' as ',' })).rejects.toThrow('`delimiter` must be ",", ";", "\\t" or "auto", got "|"');
    await expect(parseCsv('a\n1', { chunkSize: 0 })).rejects.toThrow('`chunkSize` must be a positive integer, got 0');
  });
});
