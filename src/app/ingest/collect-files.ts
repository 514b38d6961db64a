import type { IncomingFile } from '../../flows/studio-ports';

/**
 * Turns what was dropped, pasted or picked into a flat list of files, walking folders to any depth.
 * Two folder APIs exist: `webkitGetAsEntry` (every browser) and `getAsFileSystemHandle` (Chromium);
 * both must be called synchronously inside the event handler (the items die with the event), so
 * `snapshotItems` takes what it needs at once and the walk happens later.
 */

/** The parts of FileSystemEntry used here (a structural type, so tests can hand in plain objects). */
export interface EntryLike {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (error: unknown) => void): void;
  };
}

export interface HandleLike {
  readonly kind: 'file' | 'directory';
  readonly name: string;
  getFile?(): Promise<File>;
  values?(): AsyncIterable<HandleLike>;
}

/** One dropped item, captured while the event lasted. */
export type DroppedRoot =
  | { kind: 'entry'; entry: EntryLike }
  | { kind: 'handle'; handle: Promise<HandleLike | null | undefined>; fallback: File | null }
  | { kind: 'file'; file: File };

interface ItemLike {
  readonly kind: string;
  getAsFile(): File | null;
  webkitGetAsEntry?(): EntryLike | null;
  getAsFileSystemHandle?(): Promise<HandleLike | null | undefined>;
}

export interface TransferLike {
  readonly items?: ArrayLike<ItemLike>;
  readonly files?: ArrayLike<File>;
}

/** Hidden files inside folders (.DS_Store, ._IMG_0001.jpg, .git) are not something a person dropped. */
const isHidden = (name: string): boolean => name.startsWith('.');

/** Call inside the event handler. */
export function snapshotItems(transfer: TransferLike): DroppedRoot[] {
  const roots: DroppedRoot[] = [];
  const items = transfer.items ? Array.from(transfer.items).filter((item) => item.kind === 'file') : [];
  if (items.length === 0) {
    for (const file of Array.from(transfer.files ?? [])) roots.push({ kind: 'file', file });
    return roots;
  }
  for (const item of items) {
    const entry = item.webkitGetAsEntry?.() ?? null;
    if (entry !== null) {
      roots.push({ kind: 'entry', entry });
      continue;
    }
    const handle = item.getAsFileSystemHandle?.();
    const file = item.getAsFile();
    if (handle !== undefined) roots.push({ kind: 'handle', handle, fallback: file });
    else if (file !== null) roots.push({ kind: 'file', file });
  }
  return roots;
}

/** Walks the captured roots; files come out in a stable order (folder contents sorted by name). */
export async function collectFiles(roots: readonly DroppedRoot[]): Promise<IncomingFile[]> {
  const out: IncomingFile[] = [];
  for (const root of roots) {
    if (root.kind === 'file') out.push(fromFile(root.file, root.file.name));
    else if (root.kind === 'entry') await walkEntry(root.entry, '', out);
    else {
      // Chromium resolves null, or undefined for a pasted or script-made item: then the file is all there is.
      const handle = await root.handle.catch(() => null);
      if (handle !== null && handle !== undefined) await walkHandle(handle, '', out);
      else if (root.fallback !== null) out.push(fromFile(root.fallback, root.fallback.name));
    }
  }
  return out;
}

/** Files from an <input type=file> (with or without webkitdirectory: then webkitRelativePath is set). */
export function filesFromInput(files: ArrayLike<File>): IncomingFile[] {
  const list = Array.from(files).filter((file) => !(file.webkitRelativePath ?? '').split('/').some(isHidden));
  const fromFolder = list.length > 0 && list.every((file) => (file.webkitRelativePath ?? '') !== '');
  const incoming = list.map((file) => fromFile(file, file.webkitRelativePath || file.name));
  // The folder picker lists in file-system order; sort as a dropped folder is walked. Picked files keep theirs.
  return fromFolder ? incoming.sort((a, b) => a.name.localeCompare(b.name)) : incoming;
}

export function fromFile(file: File, name: string): IncomingFile {
  return { name, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) };
}

async function walkEntry(entry: EntryLike, prefix: string, out: IncomingFile[]): Promise<void> {
  const path = `${prefix}${entry.name}`;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
    out.push(fromFile(file, path));
    return;
  }
  if (!entry.isDirectory || !entry.createReader) return;
  const reader = entry.createReader();
  const children: EntryLike[] = [];
  // readEntries hands out a directory in pieces (100 at a time in Chromium) until it returns none.
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  children.sort((a, b) => a.name.localeCompare(b.name));
  for (const child of children) {
    if (!isHidden(child.name)) await walkEntry(child, `${path}/`, out);
  }
}

async function walkHandle(handle: HandleLike, prefix: string, out: IncomingFile[]): Promise<void> {
  const path = `${prefix}${handle.name}`;
  if (handle.kind === 'file' && handle.getFile) {
    out.push(fromFile(await handle.getFile(), path));
    return;
  }
  if (handle.kind !== 'directory' || !handle.values) return;
  const children: HandleLike[] = [];
  for await (const child of handle.values()) children.push(child);
  children.sort((a, b) => a.name.localeCompare(b.name));
  for (const child of children) {
    if (!isHidden(child.name)) await walkHandle(child, `${path}/`, out);
  }
}
