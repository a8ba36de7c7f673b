import { describe, expect, it } from 'vitest';
import { csvCell, escapeHtml, markdownText, sanitizeFileName } from './text';

describe('sanitizeFileName', () => {
  it('keeps plain names and strips folders, traversal and odd characters', () => {
    expect(sanitizeFileName('model.json')).toBe('model.json');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\me\\data set (1).csv')).toBe('data_set_1_.csv');
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('.hidden')).toBe('hidden');
    expect(sanitizeFileName('<img src=x onerror=alert(1)>')).toBe('img_src_x_onerror_alert_1');
    expect(sanitizeFileName('CON.txt')).toBe('_CON.txt');
    expect(sanitizeFileName(`${'a'.repeat(150)}.csv`)).toBe(`${'a'.repeat(96)}.csv`);
  });
});

describe('escaping', () => {
  it('escapes HTML, Markdown and CSV', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(markdownText('a_b | <i>\nnext')).toBe('a\\_b \\| &lt;i&gt; next');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell(0.5)).toBe('0.5');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});
