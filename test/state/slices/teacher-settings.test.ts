import { describe, expect, it } from 'vitest';
import { planCrops } from '../../../src/lib/evidence/crops';
import { DEFAULT_CRITIC_SETTINGS } from '../../../src/state/slices/critic';
import {
  OVERLAP_LIMITS,
  isValidOverlap,
  toTeacherSettings,
} from '../../../src/state/slices/teacher-settings';

const user = DEFAULT_CRITIC_SETTINGS.teacher;

describe('the teacher settings the worker gets', () => {
  it("passes the person's overlap on to the crop geometry", () => {
    const s = toTeacherSettings({ ...user, grids: [2], overlap: 0.5 });
    expect(s.crops).toEqual({ grids: [2], overlap: 0.5 });
    // Two windows over 640 px overlapping by half a window: each 640 / 1.5 wide, the second starting at half.
    expect(planCrops(640, 480, s.crops).map((c) => [c.x, c.width])).toEqual([
      [0, 427],
      [213, 427],
      [0, 427],
      [213, 427],
    ]);
    expect(toTeacherSettings({ ...user, overlap: 0 }).crops.overlap).toBe(0);
  });

  it('replaces an overlap the crop planner would refuse by the default, never throwing later', () => {
    for (const bad of [0.9, 0.95, -0.1, Number.NaN]) {
      const s = toTeacherSettings({ ...user, overlap: bad });
      expect(s.crops.overlap).toBe(0.25);
      expect(() => planCrops(640, 480, s.crops)).not.toThrow();
    }
  });

  it('offers the planner’s whole range in steps of 0.05', () => {
    expect(OVERLAP_LIMITS).toEqual({ min: 0, max: 0.85, step: 0.05 });
    expect(() => planCrops(64, 48, { grids: [8], overlap: OVERLAP_LIMITS.max })).not.toThrow();
    expect([0, 0.05, 0.85].map(isValidOverlap)).toEqual([true, true, true]);
    expect([0.86, 0.9, -0.01, '0.5', Infinity].map(isValidOverlap)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
