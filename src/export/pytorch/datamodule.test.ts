/**
 * datamodule.py reads a CSV into the same rows as the studio: the same
 * header handling (none, repeated, blank or padded names), delimiter, quotes
 * and blank lines, checked by encoding awkward files on both sides.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvText, prepareTable } from '../../data';
import { runWithStub } from './fixtures/lightning-run';
import { DATAMODULE_PY } from './python-training';
import { PREPROCESSING_PY } from './python-preprocessing';
import { needPython, writeFiles } from './torch-env';


function rowsOf(lines: string[], eol = '\n'): string {
  return lines.join(eol) + eol;
}

const labels = ['u', 'v', 'w'];
const cases: Array<{ name: string; text: string; target: string }> = [
  {
    name: 'no header row (the studio names the columns "column 1", …)',
    text: rowsOf(Array.from({ length: 12 }, (_, i) => `${(i * 1.7).toFixed(2)},${i % 3 === 0 ? 'red' : 'blue'},${labels[i % 3]}`)),
    target: 'column 3',
  },
  {
    name: 'a repeated, a blank and padded header names, blank lines and trailing delimiters',
    text: rowsOf([' x , x ,, label ', ...Array.from({ length: 12 }, (_, i) => `${i % 4},${(i * 3) % 5},${i % 3},${labels[i % 3]}${i % 5 === 0 ? ',' : ''}${i === 6 ? '\n' : ''}`)]),
    target: 'label',
  },
  {
    name: "semicolons, decimal commas, CRLF, a byte-order mark, and cells in single quotes that are not quoting",
    text: `\ufeff${rowsOf(['a;tag;label', ...Array.from({ length: 12 }, (_, i) => `${i},5;'${i % 2 ? 'p' : 'q'}';${labels[i % 3]}`)], '\r\n')}`,
    target: 'label',
  },
  {
    name: 'a quoted cell with a delimiter, a doubled quote and a line break',
    text: rowsOf(['n,note,label', ...Array.from({ length: 12 }, (_, i) => `${i},${i % 3 === 0 ? '"a, ""b""\nc"' : 'plain'},${labels[i % 3]}`)]),
    target: 'label',
  },
];

describe('datamodule.py encode_table', () => {
  it('reads each awkward CSV into the rows and features the studio encoded', (ctx) => {
    needPython(ctx, 'torch');
    const files: Record<string, string> = { 'datamodule.py': DATAMODULE_PY, 'preprocessing.py': PREPROCESSING_PY };
    const expected = cases.map((c, i) => {
      const ds = prepareTable(parseCsvText(c.text).table, { target: c.target, split: { validation: 0.2, test: 0, seed: 1 } });
      files[`case${i}.csv`] = c.text;
      files[`case${i}.json`] = JSON.stringify(ds.spec);
      return { x: Array.from(ds.x), y: Array.from(ds.y) };
    });
    // A file whose header is not the one the model was trained on must be refused, not read as missing cells.
    files['other.csv'] = rowsOf(['x,y,kind', '1,2,u', '3,4,v']);
    const dir = writeFiles(files, 'volt-dm-');
    const script = `import json
from datamodule import encode_table
from preprocessing import load_spec
out = []
for i in range(${cases.length}):
    x, y = encode_table(load_spec(f"case{i}.json"), f"case{i}.csv")
    out.append({"x": x.reshape(-1).tolist(), "y": y.tolist()})
try:
    encode_table(load_spec("case3.json"), "other.csv")
    out.append("read")
except ValueError as e:
    out.append(str(e))
print(json.dumps(out))`;
    const r = runWithStub(dir, ['-c', script]);
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as [...Array<{ x: number[]; y: number[] }>, string];
    cases.forEach((c, i) => {
      const g = got[i] as { x: number[]; y: number[] };
      expect(g.y, c.name).toEqual(expected[i]!.y);
      expect(g.x.length, c.name).toBe(expected[i]!.x.length);
      g.x.forEach((v, j) => expect(Math.abs(v - expected[i]!.x[j]!), `${c.name}: x[${j}]`).toBeLessThan(1e-5));
    });
    expect(got[cases.length]).toBe('other.csv has the columns ["x", "y", "kind"]; preprocessing.json expects ["n", "note", "label"]');
  });
});
