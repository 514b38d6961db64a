import { describe, expect, it } from 'vitest';
import { maskToPolygons } from '../../../src/lib/scenes/mask-outline';
import { emptyMask, fillPolygons, maskArea, maskBounds } from '../../../src/lib/scenes/polygon-fill';
import { SceneRandom } from '../../../src/lib/scenes/random';

describe('polygon masks', () => {
  it('fill the pixels whose centres are inside, by the even-odd rule', () => {
    const square = fillPolygons(emptyMask(10, 10), [[2, 3, 6, 3, 6, 8, 2, 8]]);
    expect(maskArea(square)).toBe(4 * 5);
    expect(maskBounds(square)).toEqual([2, 3, 4, 5]);
    // A right triangle with legs of 8: centres (x+.5, y+.5) with x + y + 1 < 8 → 28 pixels.
    const triangle = fillPolygons(emptyMask(10, 10), [[0, 0, 8, 0, 0, 8]]);
    expect(maskArea(triangle)).toBe(28);
    // Clipped at the mask's edges.
    expect(maskBounds(fillPolygons(emptyMask(10, 10), [[-5, -5, 20, -5, 20, 4, -5, 4]]))).toEqual([
      0, 0, 10, 4,
    ]);
  });

  it('outlines that redraw the same mask (for masks without holes)', () => {
    const random = new SceneRandom(5);
    let exact = 0;
    for (let t = 0; t < 50; t++) {
      // A random blob: union of a few rectangles.
      const mask = emptyMask(24, 24);
      const x0 = random.int(2, 8);
      const y0 = random.int(2, 8);
      for (let k = 0; k < 4; k++) {
        const x = x0 + random.int(0, 6);
        const y = y0 + random.int(0, 6);
        fillPolygons(mask, [
          [x, y, x + random.int(2, 8), y, x + random.int(2, 8), y + random.int(2, 8), x, y + 5],
        ]);
      }
      const redrawn = fillPolygons(emptyMask(24, 24), maskToPolygons(mask));
      // Only a hole (outer loops only) may differ, and it lies inside the same bounds.
      if ([...mask.data].every((v, i) => v === redrawn.data[i])) exact += 1;
      expect(maskBounds(redrawn)).toEqual(maskBounds(mask));
      expect(maskArea(redrawn)).toBeGreaterThanOrEqual(maskArea(mask));
    }
    expect(exact).toBeGreaterThanOrEqual(45);
  });
});
