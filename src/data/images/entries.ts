/**
 * From uploaded files to labelled image entries: unzipping .zip files
 * (fflate), deriving each image's class from its parent folder, and listing
 * what was ignored and why.
 */
import { unzipSync } from 'fflate';
import { DataError, quoteValue } from '../errors';
import { extensionOf, hasImageExtension } from './sniff';

export interface FileEntry {
  /** Path relative to the upload, folders separated by "/" (or "\\"). */
  path: string;
  bytes: Uint8Array;
}

export interface LabelledImage {
  path: string;
  label: string;
  bytes: Uint8Array;
}

export interface IgnoredFile {
  path: string;
  reason: string;
}

export interface CollectedImages {
  images: LabelledImage[];
  /** Class names in label-index order (natural order: "2" before "10"). */
  classes: string[];
  ignored: IgnoredFile[];
}

/** Files the operating system adds to folders and archives, skipped silently. */
const SYSTEM_FILES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);

/**
 * Forward slashes, no leading "./" or "/", and "." / ".." segments resolved
 * inside the upload: an archive entry "../../etc/cat/a.png" stays "etc/cat/a.png"
 * (it can neither climb out nor be labelled "..").
 */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/') + (path.endsWith('/') && out.length > 0 ? '/' : '');
}

/** Bytes an upload's archives may unzip to, in all (their declared sizes are checked before inflating). */
const MAX_UNZIPPED_BYTES = 2 * 1024 ** 3;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function isSystemPath(path: string): boolean {
  const parts = path.split('/');
  const name = (parts[parts.length - 1] ?? '').toLowerCase();
  return parts[0] === '__MACOSX' || SYSTEM_FILES.has(name) || name.startsWith('._');
}

/** Replaces each .zip entry by its files, their paths prefixed with the zip's folder. */
export function expandZips(entries: readonly FileEntry[], options: { maxUnzippedBytes?: number } = {}): FileEntry[] {
  const out: FileEntry[] = [];
  const limit = options.maxUnzippedBytes ?? MAX_UNZIPPED_BYTES;
  let declared = 0;
  for (const entry of entries) {
    const path = normalisePath(entry.path);
    if (extensionOf(path) !== 'zip') {
      out.push({ path, bytes: entry.bytes });
      continue;
    }
    let files: Record<string, Uint8Array>;
    try {
      // First the central directory alone: the sizes the archive declares, nothing inflated (a zip bomb stops here).
      unzipSync(entry.bytes, {
        filter: (f) => {
          declared += f.originalSize;
          return false;
        },
      });
    } catch (e) {
      throw new DataError({ file: path, problem: `the zip archive could not be read (${(e as Error).message})`, expected: 'a valid .zip file' });
    }
    if (declared > limit) {
      throw new DataError({ file: path, problem: `the upload's archives declare ${mb(declared)} of files once unzipped`, expected: `at most ${mb(limit)}; split the archive or pick fewer images` });
    }
    try {
      files = unzipSync(entry.bytes);
    } catch (e) {
      throw new DataError({ file: path, problem: `the zip archive could not be read (${(e as Error).message})`, expected: 'a valid .zip file' });
    }
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const [inner, bytes] of Object.entries(files)) {
      if (inner.endsWith('/')) continue;
      out.push({ path: folder + normalisePath(inner), bytes });
    }
  }
  return out;
}

const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * Labels each image by its parent folder. `source` names the upload in
 * messages (the zip's or folder's name).
 */
export function collectImages(entries: readonly FileEntry[], source = 'upload'): CollectedImages {
  const images: LabelledImage[] = [];
  const ignored: IgnoredFile[] = [];
  for (const entry of expandZips(entries)) {
    const path = entry.path;
    if (isSystemPath(path)) continue;
    if (!hasImageExtension(path)) {
      ignored.push({ path, reason: `not an image (.${extensionOf(path) || 'no extension'}); expected .png, .jpg, .jpeg, .gif, .bmp or .webp` });
      continue;
    }
    const parts = path.split('/');
    if (parts.length < 2) {
      ignored.push({ path, reason: 'not inside a class folder' });
      continue;
    }
    images.push({ path, label: parts[parts.length - 2] as string, bytes: entry.bytes });
  }
  const classes = [...new Set(images.map((i) => i.label))].sort(natural);
  if (classes.length === 0) {
    throw new DataError({
      file: source,
      problem: images.length === 0 && ignored.length === 0 ? 'there are no files' : 'no image is inside a class folder',
      found: ignored.length ? `${ignored.length} other file(s), e.g. ${quoteValue(ignored[0]?.path ?? '')}` : 'nothing',
      expected: 'one folder per class holding its images, e.g. cats/1.png and dogs/2.png',
    });
  }
  if (classes.length === 1) {
    throw new DataError({
      file: source,
      column: 'label',
      problem: 'all images are in one class folder',
      found: quoteValue(classes[0] as string),
      expected: 'at least two class folders',
    });
  }
  return { images, classes, ignored };
}
