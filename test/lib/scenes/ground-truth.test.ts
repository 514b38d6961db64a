import { describe, expect, it } from 'vitest';
import type { RasterImage } from '../../../src/lib/evidence/raster';
import { planScenes, sceneObjects, splitFiles } from '../../../src/lib/scenes/generate';
import type { ScenePlan } from '../../../src/lib/scenes/plan';
import { emptyMask, fillPolygons, maskBounds } from '../../../src/lib/scenes/polygon-fill';
import { renderScene } from '../../../src/lib/scenes/render';
import { tinyRequest } from './helpers';

const SIZE = 96;
const BACKGROUND = [0, 0, 0] as const;
/** A colour per pasted object, none of them the background's. */
const colourOf = (i: number) => [40 + 30 * i, 255 - 25 * i, 100 + 20 * i] as const;

function solid(width: number, height: number, rgb: readonly number[]): RasterImage {
  const data = new Uint8Array(width * height * 3);
  for (let k = 0; k < width * height; k++) data.set(rgb, k * 3);
  return { width, height, channels: 3, data };
}

/** The scene drawn with one flat colour per object (no jitter), so each object's pixels can be found again. */
function paintObjects(plan: ScenePlan): RasterImage {
  const tagged: ScenePlan = {
    ...plan,
    placements: plan.placements.map((p, i) => ({ ...p, cutout: { ...p.cutout, key: `object-${i}` } })),
  };
  return renderScene(tagged, SIZE, (key) => {
    if (key === plan.background.key)
      return solid(plan.background.rect[2], plan.background.rect[3], BACKGROUND);
    const i = Number(key.slice('object-'.length));
    const [, , w, h] = plan.placements[i]!.cutout.rect;
    return solid(w, h, colourOf(i));
  });
}

function boundsOfColour(image: RasterImage, rgb: readonly number[]): number[] | null {
  const mask = emptyMask(image.width, image.height);
  for (let k = 0; k < image.width * image.height; k++)
    if (rgb.every((v, c) => image.data[k * 3 + c] === v)) mask.data[k] = 1;
  return maskBounds(mask);
}

describe('ground truth of composed scenes', () => {
  const planned = planScenes(
    tinyRequest({ train: 40, complex: 20 }, { colourJitter: 0, size: SIZE, minVisible: 0.3 }),
  );
  const plans = planned.splits.flatMap((s) => s.plans);

  it('boxes are the bounding boxes of what each pasted object shows, occlusion included', () => {
    let occluded = 0;
    for (const plan of plans) {
      const image = paintObjects(plan);
      const objects = sceneObjects(plan, SIZE);
      expect(objects).toHaveLength(plan.placements.length);
      objects.forEach((o, i) => {
        expect(o.bbox, `${plan.split} ${plan.index} object ${i}`).toEqual(boundsOfColour(image, colourOf(i)));
        if (o.area < o.pastedArea) occluded += 1;
      });
    }
    // The check covered objects partly hidden by others.
    expect(occluded).toBeGreaterThan(10);
  });

  it('instances.json holds those boxes, and its polygons cover exactly the visible pixels', () => {
    for (const { plans: splitPlans } of planned.splits) {
      const files = splitFiles(splitPlans, tinyRequest({}).options, planned.categories, 'png');
      for (const plan of splitPlans) {
        const objects = sceneObjects(plan, SIZE);
        const annotations = files.instances.annotations.filter((a) => a.image_id === plan.index + 1);
        expect(annotations.map((a) => a.bbox)).toEqual(objects.map((o) => o.bbox));
        annotations.forEach((a, i) => {
          const drawn = fillPolygons(emptyMask(SIZE, SIZE), a.segmentation as number[][]);
          expect(maskBounds(drawn)).toEqual(a.bbox);
          expect(a.area).toBe(objects[i]!.area);
          expect(a.category_id).toBe(plan.placements[i]!.cutout.categoryId);
        });
      }
    }
  });
});
