import type { PageFile } from './files';

/**
 * Functions that run in the page (passed to page.evaluate, so each is self-contained). They build what a
 * real drag of files and folders hands the page: a DataTransfer whose items give FileSystemEntry objects,
 * and for a folder a directory entry whose reader hands out its children in pieces, as Chromium does.
 */

export interface DropSpec {
  /** Loose files, dropped as themselves. */
  files: PageFile[];
  /** Folders: every file's path starts with the folder's name. */
  folders: PageFile[][];
}

export function dispatchDrop(spec: DropSpec): void {
  const toFile = (f: { path: string; base64: string; type: string }): File => {
    const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
    return new File([bytes], f.path.split('/').pop() ?? f.path, { type: f.type });
  };
  interface FakeEntry {
    isFile: boolean;
    isDirectory: boolean;
    name: string;
    fullPath: string;
    file?: (ok: (file: File) => void) => void;
    createReader?: () => { readEntries: (ok: (entries: FakeEntry[]) => void) => void };
  }
  const fileEntry = (file: File, fullPath: string): FakeEntry => ({
    isFile: true,
    isDirectory: false,
    name: file.name,
    fullPath,
    file: (ok) => setTimeout(() => ok(file), 0),
  });
  const dirEntry = (name: string, fullPath: string, children: FakeEntry[]): FakeEntry => ({
    isFile: false,
    isDirectory: true,
    name,
    fullPath,
    createReader: () => {
      let offset = 0;
      // Two per call: the walker must keep reading until it gets an empty batch.
      return {
        readEntries: (ok) => {
          const batch = children.slice(offset, offset + 2);
          offset += batch.length;
          setTimeout(() => ok(batch), 0);
        },
      };
    },
  });
  const folderEntry = (files: { path: string; base64: string; type: string }[]): FakeEntry => {
    type Node = { dirs: Map<string, Node>; files: FakeEntry[] };
    const rootName = files[0]!.path.split('/')[0]!;
    const tree: Node = { dirs: new Map(), files: [] };
    for (const f of files) {
      const parts = f.path.split('/').slice(1);
      let node = tree;
      for (const dir of parts.slice(0, -1)) {
        if (!node.dirs.has(dir)) node.dirs.set(dir, { dirs: new Map(), files: [] });
        node = node.dirs.get(dir)!;
      }
      node.files.push(fileEntry(toFile(f), `/${f.path}`));
    }
    const build = (name: string, path: string, node: Node): FakeEntry =>
      dirEntry(name, path, [
        ...[...node.dirs].map(([child, sub]) => build(child, `${path}/${child}`, sub)),
        ...node.files,
      ]);
    return build(rootName, `/${rootName}`, tree);
  };

  const real = new DataTransfer();
  for (const f of spec.files) real.items.add(toFile(f));
  const items = [
    ...Array.from(real.items).map((item) => ({
      kind: 'file',
      type: item.type,
      getAsFile: () => item.getAsFile(),
      webkitGetAsEntry: () => {
        const file = item.getAsFile();
        return file === null ? null : fileEntry(file, `/${file.name}`);
      },
    })),
    ...spec.folders.map((folder) => ({
      kind: 'file',
      type: '',
      getAsFile: () => null,
      webkitGetAsEntry: () => folderEntry(folder),
    })),
  ];
  const zone = document.querySelector('[data-testid="drop-zone"]');
  if (zone === null) throw new Error('no drop zone');
  const transfer = { items, files: real.files, types: ['Files'], dropEffect: 'copy', effectAllowed: 'all' };
  for (const type of ['dragenter', 'dragover', 'drop']) {
    const event = new DragEvent(type, { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'dataTransfer', { value: transfer });
    zone.dispatchEvent(event);
  }
}

/** A paste of one file, as the clipboard gives it (a real DataTransfer on a real ClipboardEvent). */
export function dispatchPaste(file: { path: string; base64: string; type: string }): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], file.path, { type: file.type }));
  document.body.dispatchEvent(
    new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
  );
}
