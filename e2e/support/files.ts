import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The committed real photos (test/fixtures/photos), the same folder the unit tests read. */
export { PHOTOS_DIR, photoPaths } from '../../test/support/fixtures';

/** A file as the page builds it: a path (inside a dropped folder) and its bytes as base64. */
export interface PageFile {
  path: string;
  base64: string;
  type: string;
}

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  heic: 'image/heic',
  txt: 'text/plain',
};

function typeOf(path: string): string {
  return TYPES[path.split('.').pop()?.toLowerCase() ?? ''] ?? '';
}

export function pageFile(path: string, as: string = path.split('/').pop() ?? path): PageFile {
  return { path: as, base64: readFileSync(path).toString('base64'), type: typeOf(path) };
}

/** Every file under `dir`, with paths relative to its parent (so they start with the folder's name). */
export function pageFolder(dir: string): PageFile[] {
  const parent = resolve(dir, '..');
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(at, entry.name)) : [join(at, entry.name)],
    );
  return walk(dir).map((file) => pageFile(file, relative(parent, file)));
}
