/** The committed tiny COCO folder (test/fixtures/scenes/tiny-coco) and scene options for tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceDataset } from '../../../src/lib/scenes/coco-types';
import type { GenerateRequest } from '../../../src/lib/scenes/generate';
import type { SceneOptions, SplitName } from '../../../src/lib/scenes/plan';
import { DEFAULT_OBJECT_COUNTS } from '../../../src/lib/scenes/plan';

export const TINY_COCO = join(import.meta.dirname, '..', '..', 'fixtures', 'scenes', 'tiny-coco');
export const PERSON = 1;
export const DOG = 18;
export const CHAIR = 62;

export function tinyDataset(): SourceDataset {
  return {
    name: 'tiny-coco',
    instances: JSON.parse(readFileSync(join(TINY_COCO, 'instances.json'), 'utf8')),
  };
}

export function tinyOptions(overrides: Partial<SceneOptions> = {}): SceneOptions {
  return {
    seed: 7,
    size: 96,
    categories: [PERSON, CHAIR, DOG],
    bias: [{ a: CHAIR, b: PERSON }],
    biasRate: 0.95,
    scaleMin: 0.3,
    scaleMax: 0.6,
    minVisible: 0.5,
    heldoutFraction: 0.15,
    testBackgroundFraction: 0.2,
    colourJitter: 0.12,
    objects: DEFAULT_OBJECT_COUNTS,
    ...overrides,
  };
}

export function tinyRequest(
  counts: Partial<Record<SplitName, number>>,
  overrides: Partial<SceneOptions> = {},
): GenerateRequest {
  return { datasets: [tinyDataset()], options: tinyOptions(overrides), counts, minBackgroundSide: 96 };
}
