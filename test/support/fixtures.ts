/**
 * Where the committed test data lives: one constant per folder, used by every test helper, e2e spec and
 * browser benchmark default, so that a clone needs nothing beside it. test/fixtures/README.md lists the
 * source and licence of each file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Twelve real COCO photos (JPEG, and one PNG: the two cats of image 39769). */
export const PHOTOS_DIR = join(REPO_DIR, 'test', 'fixtures', 'photos');

/** COCO instance annotations (coco_val2017_000000039769_instances.json). */
export const ANNOTATIONS_DIR = join(REPO_DIR, 'test', 'fixtures', 'annotations');

/** OpenCV's downscaling references for the studio's resizes (tools/make_resize_fixtures.py). */
export const RESIZE_DIR = join(REPO_DIR, 'test', 'fixtures', 'resize');

/** The sample scenes the app's "Load sample scenes" adds (a COCO folder; public/samples/scenes/README.md). */
export const SAMPLE_SCENES_DIR = join(REPO_DIR, 'public', 'samples', 'scenes');

/** The real FastestDet the app serves (committed: public/models/fastestdet/README.md). */
export const FASTESTDET_DIR = join(REPO_DIR, 'public', 'models', 'fastestdet');

/** The photos of a folder (PHOTOS_DIR unless given), as full paths sorted by name. */
export function photoPaths(dir: string = PHOTOS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
    .map((name) => join(dir, name));
}
