/**
 * The generator's defaults, chosen by measurement (src/lib/scenes/README.md has the table and the reasons).
 */
import type { SceneOptions } from './plan';

export const DEFAULT_SCENE_SETTINGS = Object.freeze({
  categories: ['person', 'chair', 'car', 'cup', 'bowl', 'toilet', 'dog', 'teddy bear'] as readonly string[],
  bias: [{ a: 'chair', b: 'person' }] as ReadonlyArray<{ a: string; b: string }>,
  minBackgroundSide: 96,
  options: Object.freeze({
    biasRate: 0.95,
    scaleMin: 0.3,
    scaleMax: 0.65,
    minVisible: 0.6,
    heldoutFraction: 0.15,
    testBackgroundFraction: 0.2,
    colourJitter: 0.12,
  }) satisfies Partial<SceneOptions>,
});
