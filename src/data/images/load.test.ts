import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { collectImages, type FileEntry } from './entries';
import { loadImages, estimateImageMemory, encodeImage, datasetThumbnails } from './load';
import { browserDecoder, canDecodeInThisEnvironment } from './decode-browser';
import { DataError, formatBytes } from '../errors';
import { decodeTestPng, encodePng, solid } from '../fixtures/png';

const red = encodePng(4, 4, solid(4, 4, [255, 0, 0, 255]));
const white = encodePng(8, 8, solid(8, 8, [255, 255, 255, 255]));
const black = encodePng(2, 2, solid(2, 2, [0, 0, 0, 255]));
// A PNG signature followed by garbage: recognised as PNG, fails to decode.
const broken = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);

function folderUpload(): FileEntry[] {
  return [
    { path: 'shapes/red/a.png', bytes: red },
    { path: 'shapes/red/b.png', bytes: red },
    { path: 'shapes\\white\\c.png', bytes: white },
    { path: 'shapes/white/d.PNG', bytes: white },
    { path: 'shapes/white/e.png', bytes: broken },
    { path: 'shapes/black/f.png', bytes: black },
    { path: 'shapes/black/g.png', bytes: black },
    { path: 'shapes/white/notes.txt', bytes: strToU8('hello') },
    { path: 'shapes/README.md', bytes: strToU8('# shapes') },
    { path: 'top.png', bytes: red },
    { path: 'shapes/red/.DS_Store', bytes: new Uint8Array(4) },
  ];
}

function thrown(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

async function rejected(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('collectImages', () => {
  it('labels images by their parent folder and lists what it ignores', () => {
    const { images, classes, ignored } = collectImages(folderUpload());
    expect(classes).toEqual(['black', 'red', 'white']);
    expect(images.map((i) => `${i.label}:${i.path}`)).toContain('white:shapes/white/c.png');
    expect(images).toHaveLength(7);
    expect(ignored).toEqual([
      { path: 'shapes/white/notes.txt', reason: expect.stringContaining('not an image (.txt)') },
      { path: 'shapes/README.md', reason: expect.stringContaining('not an image (.md)') },
      { path: 'top.png', reason: 'not inside a class folder' },
    ]);
  });

  it('unzips a .zip of class folders, skipping macOS metadata', () => {
    const zip = zipSync({
      'animals/cat/1.png': red,
      'animals/dog/2.png': white,
      'animals/dog/3.png': white,
      '__MACOSX/animals/cat/._1.png': new Uint8Array(8),
      'animals/list.csv': strToU8('a,b'),
    });
    const { images, classes, ignored } = collectImages([{ path: 'uploads/animals.zip', bytes: zip }], 'animals.zip');
    expect(classes).toEqual(['cat', 'dog']);
    expect(images.map((i) => i.path)).toEqual(['uploads/animals/cat/1.png', 'uploads/animals/dog/2.png', 'uploads/animals/dog/3.png']);
    expect(ignored.map((i) => i.path)).toEqual(['uploads/animals/list.csv']);
  });

  it('rejects a zip with no class folders, naming it', () => {
    const zip = zipSync({ 'a.png': red, 'b.png': white, 'info.txt': strToU8('x') });
    const err = thrown(() => collectImages([{ path: 'flat.zip', bytes: zip }], 'flat.zip'));
    expect(err.file).toBe('flat.zip');
    expect(err.message).toContain('file "flat.zip": no image is inside a class folder');
    expect(err.expected).toContain('one folder per class');
  });

  it('rejects a single class folder and an unreadable zip', () => {
    const one = thrown(() => collectImages([{ path: 'cats/1.png', bytes: red }, { path: 'cats/2.png', bytes: red }], 'cats'));
    expect(one.message).toContain('all images are in one class folder (found "cats")');
    const bad = thrown(() => collectImages([{ path: 'bad.zip', bytes: strToU8('PK not really a zip') }]));
    expect(bad.file).toBe('bad.zip');
    expect(bad.message).toContain('could not be read');
  });
});

describe('loadImages', () => {
  it('decodes, resizes and scales to [0, 1], skipping and naming images that fail', async () => {
    const progress: number[] = [];
    const { dataset, report } = await loadImages(folderUpload(), {
      decode: decodeTestPng,
      size: 2,
      channels: 1,
      source: 'shapes',
      split: { validation: 0.34, test: 0, seed: 1 },
      onProgress: (p) => progress.push(p.done),
    });
    expect(report.skipped).toEqual([{ path: 'shapes/white/e.png', reason: expect.stringContaining('could not be decoded') }]);
    expect(dataset.warnings[0]?.message).toContain('shapes/white/e.png');
    expect(report.classes).toEqual([
      { name: 'black', count: 2 },
      { name: 'red', count: 2 },
      { name: 'white', count: 2 },
    ]);
    expect(dataset.inputShape).toEqual([2, 2, 1]);
    expect(dataset.x.length).toBe(6 * 4);
    const first = (label: number) => dataset.x[[...dataset.y].indexOf(label) * 4] as number;
    expect(first(0)).toBe(0);
    expect(first(1)).toBeCloseTo(0.299, 3);
    expect(first(2)).toBeCloseTo(1, 5);
    expect(progress[progress.length - 1]).toBe(7);
    expect(dataset.spec).toMatchObject({ kind: 'image', width: 2, height: 2, channels: 1, labelNames: ['black', 'red', 'white'] });
    expect(dataset.splits.validation.length).toBe(2);
  });

  it('keeps RGB and gives a few thumbnails per class as RGBA bytes', async () => {
    const { dataset, report } = await loadImages(folderUpload(), { decode: decodeTestPng, size: 3, channels: 3, thumbnailsPerClass: 1 });
    expect(dataset.inputShape).toEqual([3, 3, 3]);
    const redAt = [...dataset.y].indexOf(1) * 27;
    expect(Array.from(dataset.x.subarray(redAt, redAt + 3))).toEqual([1, 0, 0]);
    expect(report.thumbnails.map((t) => t.label)).toEqual(['red', 'white', 'black']);
    const thumb = report.thumbnails[0]!;
    expect(thumb.rgba.length).toBe(thumb.width * thumb.height * 4);
    expect(Array.from(thumb.rgba.subarray(0, 4))).toEqual([255, 0, 0, 255]);
  });

  it('encodes a new image for inference exactly as in training, and makes thumbnails of any image set', async () => {
    const { dataset } = await loadImages(folderUpload(), { decode: decodeTestPng, size: 3, channels: 3 });
    if (dataset.spec.kind !== 'image') throw new Error('image spec expected');
    const again = encodeImage(JSON.parse(JSON.stringify(dataset.spec)), await decodeTestPng(red, 'new.png'));
    const redAt = [...dataset.y].indexOf(1) * 27;
    expect(Array.from(again)).toEqual(Array.from(dataset.x.subarray(redAt, redAt + 27)));
    const thumbs = datasetThumbnails(dataset, 1);
    expect(thumbs.map((t) => t.label).sort()).toEqual(['black', 'red', 'white']);
    expect(thumbs[0]?.rgba.length).toBe(3 * 3 * 4);
  });

  it('refuses before decoding when the estimate exceeds the memory budget', async () => {
    let decoded = 0;
    const decode = async (b: Uint8Array, n: string) => {
      decoded++;
      return decodeTestPng(b, n);
    };
    const estimate = estimateImageMemory(collectImages(folderUpload()).images, 128, 3);
    const err = await rejected(loadImages(folderUpload(), { decode, size: 128, channels: 3, memoryBudget: 100_000, source: 'shapes' }));
    expect(decoded).toBe(0);
    expect(err.file).toBe('shapes');
    expect(estimate).toBeGreaterThan(7 * 128 * 128 * 3 * 4);
    expect(err.message).toContain(`would need about ${formatBytes(estimate)}`);
    expect(err.expected).toContain('at most 97.7 KB');
  });

  it('fails clearly when too few classes survive decoding', async () => {
    const entries = [
      { path: 'a/1.png', bytes: red },
      { path: 'b/2.png', bytes: broken },
    ];
    const err = await rejected(loadImages(entries, { decode: decodeTestPng, size: 4, channels: 1 }));
    expect(err.message).toContain('only 1 class(es) have images');
  });

  it('checks its options', async () => {
    await expect(loadImages(folderUpload(), { decode: decodeTestPng, size: 0, channels: 1 })).rejects.toThrow('`size` must be an integer from 1 to 1024, got 0');
    await expect(loadImages(folderUpload(), { decode: decodeTestPng, size: 28, channels: 2 as 1 })).rejects.toThrow('`channels` must be 1 or 3, got 2');
  });
});

describe('browserDecoder', () => {
  it('is unavailable in Node and says so instead of crashing', async () => {
    expect(canDecodeInThisEnvironment()).toBe(false);
    await expect(browserDecoder(red, 'a.png')).rejects.toThrow('browserDecoder needs createImageBitmap and OffscreenCanvas');
  });
});

describe('one corrupt image in a folder', () => {
  /** A PNG signature and an IHDR chunk declaring `w` × `h` pixels, and nothing else. */
  function headerOnlyPng(w: number, h: number): Uint8Array {
    const b = new Uint8Array(33);
    b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(b.buffer).setUint32(16, w);
    new DataView(b.buffer).setUint32(20, h);
    b.set([8, 6, 0, 0, 0], 24);
    return b;
  }

  it('a header declaring ~1.9e9 × 1.9e9 px does not inflate the estimate: it is skipped and named, the others load', async () => {
    const entries: FileEntry[] = [];
    for (let i = 0; i < 60; i++) entries.push({ path: `pets/cats/img_${i}.png`, bytes: red }, { path: `pets/dogs/img_${i}.png`, bytes: white });
    entries.push({ path: 'pets/cats/img_031.png', bytes: headerOnlyPng(1_900_000_000, 1_900_000_000) });
    expect(entries).toHaveLength(121);
    // Sized by the target (28 × 28) and the real files: kilobytes, far from the 1 GiB budget.
    expect(estimateImageMemory(entries, 28, 1)).toBeLessThan(1024 ** 2);
    const { dataset, report } = await loadImages(entries, { decode: decodeTestPng, size: 28, channels: 1, source: 'pets.zip' });
    expect(dataset.y.length).toBe(120);
    expect(report.skipped).toEqual([{ path: 'pets/cats/img_031.png', reason: 'not a decodable image (its header declares 1900000000 × 1900000000 pixels)' }]);
    expect(dataset.warnings[0]!.message).toContain('skipped: pets/cats/img_031.png — not a decodable image');
  });
});
