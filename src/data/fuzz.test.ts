// Property-based tests of the loaders (fast-check): whatever the bytes, a loader ends in a result or a
// DataError naming what is wrong, never another exception or a hang. The seed is printed on failure
// (fast-check's report); FUZZ_RUNS raises the number of cases.
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadCsv } from './csv/load';
import { isDataError } from './errors';
import { collectImages, expandZips } from './images/entries';

const RUNS = Number(process.env.FUZZ_RUNS) || 400;

/** Runs `fn` and says how it ended: 'ok', or 'data-error' for a DataError; anything else fails the property. */
async function ends(fn: () => unknown): Promise<'ok' | 'data-error'> {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    if (isDataError(e)) return 'data-error';
    throw e;
  }
}

// Cells built from the characters that break CSV readers.
const nasty = fc.constantFrom(',', ';', '\t', '|', '"', '""', '\n', '\r\n', '\r', '\uFEFF', '\u0000', ' ', 'NA', 'None', '1', '-2.5', '3,5', '1e308', 'x'.repeat(300), '2020-02-30', '<b>', '\u00e9', '\uD83D\uDE00');
const cell = fc.array(nasty, { maxLength: 6 }).map((parts) => parts.join(''));
const csvText = fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 0, maxLength: 25 }).chain((rows) =>
  fc.constantFrom(',', ';', '\t').map((d) => rows.map((r) => r.join(d)).join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0])),
);

describe('CSV loader, fuzzed', () => {
  it('random bytes load or fail with a DataError', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
      expect(['ok', 'data-error']).toContain(await ends(() => loadCsv(bytes, { file: 'fuzz.csv' })));
    }), { numRuns: RUNS });
  });

  it('CSV-shaped text with quotes, delimiters, BOMs and NULs loads or fails with a DataError', async () => {
    await fc.assert(fc.asyncProperty(csvText, async (text) => {
      expect(['ok', 'data-error']).toContain(await ends(() => loadCsv(new TextEncoder().encode(text), { file: 'fuzz.csv' })));
    }), { numRuns: RUNS });
  });

  it('a valid CSV truncated at any byte loads or fails with a DataError', async () => {
    const good = new TextEncoder().encode('a,b,"c, quoted"\n1,2,"x ""y"""\n3,4,z\n5,6,"multi\nline"\n7,8,w\n');
    for (let cut = 0; cut <= good.length; cut++) {
      expect(['ok', 'data-error']).toContain(await ends(() => loadCsv(good.slice(0, cut), { file: 'cut.csv' })));
    }
  });
});

describe('zip reader, fuzzed', () => {
  const goodZip = zipSync({ 'pets/cat/a.png': new Uint8Array([1, 2, 3]), 'pets/dog/b.png': new Uint8Array(300).fill(7) });

  it('random and truncated zips expand or fail with a DataError', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
      expect(['ok', 'data-error']).toContain(await ends(() => expandZips([{ path: 'x.zip', bytes }])));
    }), { numRuns: RUNS });
    for (let cut = 0; cut < goodZip.length; cut++) {
      expect(['ok', 'data-error']).toContain(await ends(() => expandZips([{ path: 'x.zip', bytes: goodZip.slice(0, cut) }])));
    }
  });

  it('a zip bomb is refused by its declared sizes before it is inflated', () => {
    // 64 MiB of zeros deflate to ~64 KB; the limit below is what the reader enforces for this test.
    const bomb = zipSync({ 'big/zeros.png': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    let err: unknown;
    try {
      expandZips([{ path: 'bomb.zip', bytes: bomb }], { maxUnzippedBytes: 16 * 1024 * 1024 });
    } catch (e) {
      err = e;
    }
    expect(isDataError(err)).toBe(true);
    expect((err as Error).message).toMatch(/declare 64\.0 MB of files once unzipped.*at most 16\.0 MB/);
  });

  it('entries with ../ paths and duplicate names stay inside the upload and are labelled by real folders', () => {
    const z = zipSync({ '../../etc/cat/a.png': new Uint8Array([1]), './cat/b.png': new Uint8Array([2]), 'cat/../dog/c.png': new Uint8Array([3]) });
    const files = expandZips([{ path: 'up/x.zip', bytes: z }]);
    for (const f of files) expect(f.path.split('/')).not.toContain('..');
    const { classes } = collectImages(files);
    expect(classes).not.toContain('..');
  });
});
