import { describe, expect, it } from 'vitest';
import {
  FASTESTDET_CHANNELS,
  FASTESTDET_GRID,
  decodeFastestDet,
  writeFastestDetInput,
} from '../../../../src/lib/evidence/fastestdet/fastestdet-codec';
import { loadResizeCases, REFERENCE_QUANTUM } from '../../../support/resize-fixtures';

const S = 352;
const PLANE = S * S;

describe('FastestDet preprocessing', () => {
  it('writes BGR planes scaled by 1/255 in NCHW order', () => {
    // A 2×2 RGB image of one colour: every output pixel is that colour.
    const data = new Uint8Array([255, 128, 0, 255, 128, 0, 255, 128, 0, 255, 128, 0]);
    const out = new Float32Array(3 * PLANE);
    writeFastestDetInput(
      { width: 2, height: 2, channels: 3, data },
      { x: 0, y: 0, width: 2, height: 2 },
      out,
    );
    expect(out[0]).toBe(0); // B
    expect(out[PLANE + 1234]).toBeCloseTo(128 / 255, 6); // G
    expect(out[2 * PLANE + PLANE - 1]).toBe(1); // R
  });

  it("resamples bilinearly with OpenCV's pixel-centre convention and clamps at the edges", () => {
    // A 2×1 grey ramp 0 → 255 (RGBA, alpha ignored) stretched to 352 wide: src x = (dx + 0.5)·2/352 − 0.5.
    const data = new Uint8Array([0, 0, 0, 7, 255, 255, 255, 7]);
    const out = new Float32Array(3 * PLANE);
    writeFastestDetInput(
      { width: 2, height: 1, channels: 4, data },
      { x: 0, y: 0, width: 2, height: 1 },
      out,
    );
    for (const dx of [0, 50, 87, 88, 175, 176, 200, 263, 264, 351]) {
      const src = Math.min(Math.max((dx + 0.5) * (2 / S) - 0.5, 0), 1);
      expect(out[dx]).toBeCloseTo(src, 6); // blue plane, row 0
      expect(out[100 * S + dx]).toBeCloseTo(src, 6); // every row is the same
    }
    expect(out[0]).toBe(0);
    expect(out[S - 1]).toBe(1);
  });

  it('samples only inside the region, at an offset in the batch buffer', () => {
    // 4×1 image: black, black, white, white. The right half is all white.
    const data = new Uint8Array([0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
    const out = new Float32Array(2 * 3 * PLANE).fill(-1);
    writeFastestDetInput(
      { width: 4, height: 1, channels: 3, data },
      { x: 2, y: 0, width: 2, height: 1 },
      out,
      3 * PLANE,
    );
    expect(out[0]).toBe(-1); // first image untouched
    expect(out.subarray(3 * PLANE).every((v) => v === 1)).toBe(true);
  });
});

/**
 * FastestDet's runtime resizes with cv2.resize(INTER_LINEAR), which does not antialias on downscale, so the
 * reference is OpenCV's INTER_LINEAR (not PIL's BILINEAR) on a float64 copy of each region: the exact
 * interpolation. writeFastestDetInput keeps the value unrounded (float32 of v / 255), so it must match that to
 * within the reference's storage quantum (1/512 of a level) plus float32 rounding (about 1.5e-5 of a level at
 * 255). A wrong pixel-centre convention, nearest-neighbour sampling or a swapped channel is off by whole levels.
 * (OpenCV's own uint8 path, 11-bit weights and one rounding, lies within 0.77 of a level of these values.)
 */
describe('FastestDet preprocessing against OpenCV INTER_LINEAR (downscaling)', () => {
  const TOLERANCE = REFERENCE_QUANTUM + 1e-4;
  for (const { fixture, pixels, reference } of loadResizeCases('bilinear')) {
    const { width, height, channels } = fixture.source;
    const { region, size, step } = fixture;
    it(`${fixture.name}: ${region.width}×${region.height} of ${width}×${height} → ${size}×${size}`, () => {
      const plane = size * size;
      const out = new Float32Array(3 * plane);
      writeFastestDetInput({ width, height, channels, data: pixels }, region, out, 0, size);
      const kept = Math.ceil(size / step);
      let worst = 0;
      let worstAt = '';
      for (let ry = 0; ry < kept; ry++) {
        for (let rx = 0; rx < kept; rx++) {
          for (let c = 0; c < 3; c++) {
            // Reference channel c (the source's RGB order) is BGR plane 2 − c of ours.
            const ours = out[(2 - c) * plane + ry * step * size + rx * step]! * 255;
            const error = Math.abs(ours - reference[(ry * kept + rx) * 3 + c]!);
            if (error > worst) [worst, worstAt] = [error, `x ${rx * step}, y ${ry * step}, channel ${c}`];
          }
        }
      }
      expect(worst, `worst at ${worstAt}`).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

/** An output tensor [85, 22, 22] that is zero except for what `set` writes. */
function output(
  set: (put: (channel: number, gx: number, gy: number, v: number) => void) => void,
): Float32Array {
  const cells = FASTESTDET_GRID * FASTESTDET_GRID;
  const o = new Float32Array(FASTESTDET_CHANNELS * cells);
  set((channel, gx, gy, v) => {
    o[channel * cells + gy * FASTESTDET_GRID + gx] = v;
  });
  return o;
}

describe('FastestDet decoding', () => {
  it('decodes one cell: tanh offsets, sigmoid sizes, score = obj^0.6 · cls^0.4', () => {
    const o = output((put) => {
      put(0, 5, 7, 0.9); // objectness
      put(1, 5, 7, 0.3); // x offset (pre-tanh)
      put(2, 5, 7, -0.2);
      put(3, 5, 7, 0.4); // width (pre-sigmoid)
      put(4, 5, 7, -1.0);
      put(5 + 15, 5, 7, 0.8); // class 15 (cat)
      put(5 + 3, 5, 7, 0.1);
    });
    const [d, ...rest] = decodeFastestDet(o);
    expect(rest).toHaveLength(0);
    expect(d!.classIndex).toBe(15);
    const f = Math.fround; // the tensor holds float32
    expect(d!.score).toBeCloseTo(f(0.9) ** 0.6 * f(0.8) ** 0.4, 12);
    const cx = (5 + Math.tanh(f(0.3))) / 22;
    const cy = (7 + Math.tanh(f(-0.2))) / 22;
    const w = 1 / (1 + Math.exp(-f(0.4)));
    const h = 1 / (1 + Math.exp(1.0));
    expect(d!.box.x1).toBeCloseTo(cx - w / 2, 12);
    expect(d!.box.y1).toBeCloseTo(cy - h / 2, 12);
    expect(d!.box.x2).toBeCloseTo(cx + w / 2, 12);
    expect(d!.box.y2).toBeCloseTo(cy + h / 2, 12);
  });

  it('keeps scores strictly above the threshold (0.65 by default)', () => {
    const at = (v: number, scoreThreshold?: number) =>
      decodeFastestDet(
        output((put) => {
          put(0, 0, 0, v);
          put(5, 0, 0, v);
        }),
        0,
        scoreThreshold === undefined ? undefined : { scoreThreshold, nmsIou: 0.45 },
      );
    expect(at(0.64)).toHaveLength(0);
    expect(at(0.66)).toHaveLength(1);
    // obj = cls = 1 scores exactly 1: equal to the threshold is not above it.
    expect(at(1, 1)).toHaveLength(0);
    expect(at(1, 0.999)).toHaveLength(1);
  });

  it('suppresses overlapping boxes of one class at IoU 0.45 but keeps other classes', () => {
    // Two neighbouring cells with wide boxes (sigmoid(1) = 0.73 of the image): their IoU is about 0.9.
    const twoCells = (secondClass: number) =>
      output((put) => {
        for (const [gx, objectness, cls] of [
          [10, 0.9, 15],
          [11, 0.8, secondClass],
        ] as const) {
          put(0, gx, 10, objectness);
          put(5 + cls, gx, 10, 0.9);
          put(3, gx, 10, 1);
          put(4, gx, 10, 1);
        }
      });
    expect(decodeFastestDet(twoCells(15)).map((d) => d.classIndex)).toEqual([15]);
    expect(decodeFastestDet(twoCells(16)).map((d) => d.classIndex)).toEqual([15, 16]);
  });
});
