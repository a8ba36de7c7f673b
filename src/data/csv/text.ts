/**
 * Turning a file's bytes into text chunks: refusing binary files, removing a
 * byte-order mark, and reading large files in slices so parsing can report
 * progress. Works on strings, Uint8Arrays and Blobs (a File is a Blob), in a
 * worker and in Node.
 */
import { DataError } from '../errors';

export type TextSource = string | Uint8Array | Blob;

interface TextChunk {
  text: string;
  /** Bytes (or characters, for a string source) consumed so far. */
  done: number;
  total: number;
  last: boolean;
}

/** Bytes inspected to decide whether a file is text. */
const SNIFF_BYTES = 8192;

const MAGIC: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an .xlsx workbook is one; save it as CSV)'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Office document (.xls; save it as CSV)'],
];

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function detectEncoding(head: Uint8Array): Encoding {
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  return 'utf-8';
}

/** Describes why `head` is not text, or returns null when it looks like text. */
export function binaryReason(head: Uint8Array): string | null {
  for (const [magic, what] of MAGIC) if (startsWith(head, magic)) return `${what}`;
  if (detectEncoding(head) !== 'utf-8') return null;
  const n = Math.min(head.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i] as number;
    if (b === 0) return 'NUL bytes, so binary data';
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 0x7f) control++;
  }
  // A few stray control characters occur in real exports; many mean binary.
  return n > 0 && control / n > 0.05 ? `${control} control bytes in the first ${n}, so binary data` : null;
}

function assertText(head: Uint8Array, file: string): void {
  const reason = binaryReason(head);
  if (reason) {
    throw new DataError({
      file,
      problem: 'this is not a text file',
      found: reason,
      expected: 'a text CSV file (comma, semicolon or tab separated)',
    });
  }
}

function makeDecoder(head: Uint8Array): TextDecoder {
  const encoding = detectEncoding(head);
  if (encoding !== 'utf-8') return new TextDecoder(encoding);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, lastCompleteUtf8(head)), { stream: true });
    return new TextDecoder('utf-8');
  } catch {
    // Not UTF-8: spreadsheet exports on Windows are usually Windows-1252.
    return new TextDecoder('windows-1252');
  }
}

/** Index after the last complete UTF-8 sequence, so a cut character is not "invalid". */
function lastCompleteUtf8(bytes: Uint8Array): number {
  let i = bytes.length;
  for (let back = 0; back < 4 && i > 0; back++) {
    const b = bytes[i - 1] as number;
    if ((b & 0xc0) !== 0x80) return (b & 0x80) === 0 ? bytes.length : i - 1;
    i--;
  }
  return bytes.length;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Yields the source's text in chunks of about `chunkSize` bytes (or characters). */
export async function* readTextChunks(source: TextSource, file: string, chunkSize = 1 << 20): AsyncGenerator<TextChunk> {
  if (typeof source === 'string') {
    const text = stripBom(source);
    if (text.length === 0) yield { text: '', done: 0, total: 0, last: true };
    for (let at = 0; at < text.length; at += chunkSize) {
      const end = Math.min(at + chunkSize, text.length);
      yield { text: text.slice(at, end), done: end, total: text.length, last: end === text.length };
    }
    return;
  }
  const total = source instanceof Uint8Array ? source.length : source.size;
  const read = async (from: number, to: number): Promise<Uint8Array> =>
    source instanceof Uint8Array ? source.subarray(from, to) : new Uint8Array(await source.slice(from, to).arrayBuffer());
  const head = await read(0, Math.min(total, SNIFF_BYTES));
  assertText(head, file);
  const decoder = makeDecoder(head);
  if (total === 0) yield { text: '', done: 0, total: 0, last: true };
  let first = true;
  for (let at = 0; at < total; at += chunkSize) {
    const end = Math.min(at + chunkSize, total);
    const last = end === total;
    let text = decoder.decode(await read(at, end), { stream: !last });
    if (first) text = stripBom(text);
    first = false;
    yield { text, done: end, total, last };
  }
}

/** Reads the whole source as text (with the same checks as the chunked reader). */
export async function readText(source: TextSource, file: string): Promise<string> {
  let out = '';
  for await (const chunk of readTextChunks(source, file, Number.MAX_SAFE_INTEGER)) out += chunk.text;
  return out;
}
