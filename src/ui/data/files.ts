import type { PickedFile } from '../../store';

interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: FsEntry[]) => void, fail: (e: unknown) => void): void };
}

/** Every file under a dropped entry, with its path (folder names become image labels). */
async function walk(entry: FsEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries returns at most ~100 entries per call: read until it returns none.
    for (;;) {
      const batch = await new Promise<FsEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, out);
    }
  }
}

/** Files and folders dropped on the page, with relative paths. */
export async function droppedFiles(data: DataTransfer): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const entries = Array.from(data.items)
    .map((it) => (it.webkitGetAsEntry?.() ?? null) as unknown as FsEntry | null)
    .filter((e): e is FsEntry => e !== null);
  if (entries.length === 0) return Array.from(data.files, (f) => ({ path: f.name, file: f }));
  for (const e of entries) await walk(e, out);
  return out;
}

/** Files from the file input; a picked folder gives each file's path inside it. */
export function pickedFiles(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (f) => ({ path: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, file: f }));
}
