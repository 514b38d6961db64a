import { describe, expect, it } from 'vitest';
import {
  collectFiles,
  filesFromInput,
  snapshotItems,
  type EntryLike,
  type HandleLike,
} from '../../../src/app/ingest/collect-files';

const file = (name: string, text = name) => new File([text], name);

function fileEntry(name: string): EntryLike {
  return { isFile: true, isDirectory: false, name, file: (ok) => setTimeout(() => ok(file(name)), 0) };
}

/** Hands out children `perRead` at a time, as Chromium's reader does (100 there). */
function dirEntry(name: string, children: EntryLike[], perRead = 2): EntryLike {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let offset = 0;
      return {
        readEntries: (ok) => {
          const batch = children.slice(offset, offset + perRead);
          offset += batch.length;
          setTimeout(() => ok(batch), 0);
        },
      };
    },
  };
}

function dirHandle(name: string, children: HandleLike[]): HandleLike {
  return {
    kind: 'directory',
    name,
    values: async function* () {
      yield* children;
    },
  };
}
const fileHandle = (name: string): HandleLike => ({ kind: 'file', name, getFile: async () => file(name) });

async function names(files: Promise<{ name: string; bytes: () => Promise<Uint8Array> }[]>) {
  return (await files).map((f) => f.name);
}

describe('collectFiles', () => {
  it('walks a dropped folder to any depth, reading every piece, sorted, hidden files skipped', async () => {
    const folder = dirEntry('photos', [
      fileEntry('b.jpg'),
      fileEntry('.DS_Store'),
      dirEntry('inner', [fileEntry('z.png'), dirEntry('.git', [fileEntry('x')]), fileEntry('c.png')]),
      fileEntry('a.jpg'),
      fileEntry('d.jpg'),
    ]);
    const roots = snapshotItems({
      items: [
        { kind: 'file', getAsFile: () => null, webkitGetAsEntry: () => folder },
        { kind: 'file', getAsFile: () => file('loose.png'), webkitGetAsEntry: () => fileEntry('loose.png') },
        { kind: 'string', getAsFile: () => null },
      ],
    });
    expect(await names(collectFiles(roots))).toEqual([
      'photos/a.jpg',
      'photos/b.jpg',
      'photos/d.jpg',
      'photos/inner/c.png',
      'photos/inner/z.png',
      'loose.png',
    ]);
  });

  it('uses file system handles where there is no entry, and the plain file when the handle is empty', async () => {
    const roots = snapshotItems({
      items: [
        {
          kind: 'file',
          getAsFile: () => null,
          getAsFileSystemHandle: async () => dirHandle('dir', [fileHandle('2.png'), fileHandle('1.png')]),
        },
        // A pasted image: Chromium resolves the handle with undefined.
        { kind: 'file', getAsFile: () => file('pasted.png'), getAsFileSystemHandle: async () => undefined },
      ],
    });
    expect(await names(collectFiles(roots))).toEqual(['dir/1.png', 'dir/2.png', 'pasted.png']);
  });

  it('falls back to the file list when there are no items, and reads bytes only when asked', async () => {
    const roots = snapshotItems({ files: [file('one.png', 'abc')] });
    const [one] = await collectFiles(roots);
    expect(one?.name).toBe('one.png');
    expect(one?.size).toBe(3);
    expect(Array.from(await one!.bytes())).toEqual([97, 98, 99]);
  });
});

describe('filesFromInput', () => {
  it('names files by their path in a picked folder, sorted, without hidden ones', () => {
    const picked = [
      ['album/z.jpg', 'z.jpg'],
      ['album/.hidden/a.jpg', 'a.jpg'],
      ['album/a.jpg', 'a.jpg'],
      ['album/._a.jpg', '._a.jpg'],
    ].map(([path, name]) => Object.defineProperty(file(name!), 'webkitRelativePath', { value: path }));
    expect(filesFromInput(picked).map((f) => f.name)).toEqual(['album/a.jpg', 'album/z.jpg']);
    expect(filesFromInput([file('x.png'), file('a.png')]).map((f) => f.name)).toEqual(['x.png', 'a.png']);
  });
});
