import { describe, expect, it } from 'vitest';
import {
  canDeleteCheckpoint,
  isCheckpointStep,
  planRetention,
  type CheckpointEntry,
  type CheckpointPolicy,
} from '../../../../src/lib/train/checkpoints/retention';
import { LoopSettingsError } from '../../../../src/lib/train/rounds/errors';

const POLICY: CheckpointPolicy = { everySteps: 10, keepLast: 2, keepRoundEnds: true };

/** Checkpoints as a run writes them: every 10 steps, and at the end of each 25-step round. */
function history(): CheckpointEntry[] {
  const out: CheckpointEntry[] = [];
  let t = 1000;
  for (let step = 1; step <= 50; step++) {
    const round = Math.floor((step - 1) / 25);
    if (isCheckpointStep(step, POLICY))
      out.push({ id: `s${step}`, step, round, kind: 'interval', createdAt: t++, byteLength: 100 });
    if (step % 25 === 0)
      out.push({ id: `r${round}`, step, round, kind: 'round-end', createdAt: t++, byteLength: 100 });
  }
  return out;
}

describe('isCheckpointStep', () => {
  it('is true every N optimizer steps, never at step 0', () => {
    const steps = Array.from({ length: 31 }, (_, i) => i).filter((s) => isCheckpointStep(s, POLICY));
    expect(steps).toEqual([10, 20, 30]);
  });

  it('refuses N or K below 1 or fractional', () => {
    expect(() => isCheckpointStep(5, { ...POLICY, everySteps: 0 })).toThrow(LoopSettingsError);
    expect(() => planRetention([], {}, { ...POLICY, keepLast: 0 })).toThrow(LoopSettingsError);
    expect(() => planRetention([], {}, { ...POLICY, everySteps: 2.5 })).toThrow(LoopSettingsError);
  });
});

describe('planRetention', () => {
  it('keeps the last K and every round end, and removes the rest oldest first', () => {
    const checkpoints = history();
    expect(checkpoints.map((c) => c.id)).toEqual(['s10', 's20', 'r0', 's30', 's40', 's50', 'r1']);
    const plan = planRetention(checkpoints, {}, POLICY);
    expect(plan.keep).toEqual([
      { id: 'r1', reasons: ['recent', 'round-end'] },
      { id: 's50', reasons: ['recent'] },
      { id: 'r0', reasons: ['round-end'] },
    ]);
    expect(plan.remove).toEqual(['s10', 's20', 's30', 's40']);
    expect(plan.keptBytes).toBe(300);
    expect(plan.freedBytes).toBe(400);
  });

  it('never removes the pinned checkpoint or the one training continues from', () => {
    const plan = planRetention(
      history(),
      { pinned: ['s10'], current: 's30' },
      { ...POLICY, keepRoundEnds: false },
    );
    expect(plan.keep.map((k) => [k.id, k.reasons])).toEqual([
      ['r1', ['recent']],
      ['s50', ['recent']],
      ['s30', ['current']],
      ['s10', ['pinned']],
    ]);
    expect(plan.remove).toEqual(['s20', 'r0', 's40']);
  });

  it('orders by creation, not by step, after a rollback', () => {
    // Rolled back to s20, then trained a new branch: its s30' is newer than the abandoned s40.
    const checkpoints: CheckpointEntry[] = [
      { id: 's20', step: 20, round: 0, kind: 'interval', createdAt: 1 },
      { id: 's30', step: 30, round: 0, kind: 'interval', createdAt: 2 },
      { id: 's40', step: 40, round: 0, kind: 'interval', createdAt: 3 },
      { id: "s30'", step: 30, round: 0, kind: 'interval', createdAt: 4 },
    ];
    const plan = planRetention(checkpoints, { current: 's20' }, POLICY);
    expect(plan.keep.map((k) => k.id)).toEqual(["s30'", 's40', 's20']);
    expect(plan.remove).toEqual(['s30']);
  });

  it('breaks creation-time ties by step, then id, so the plan does not depend on input order', () => {
    const a: CheckpointEntry = { id: 'a', step: 5, round: 0, kind: 'interval', createdAt: 7 };
    const b: CheckpointEntry = { id: 'b', step: 6, round: 0, kind: 'interval', createdAt: 7 };
    const c: CheckpointEntry = { id: 'c', step: 6, round: 0, kind: 'interval', createdAt: 7 };
    const one = { ...POLICY, keepLast: 1 };
    expect(planRetention([a, b, c], {}, one).keep[0]!.id).toBe('c');
    expect(planRetention([c, a, b], {}, one).keep[0]!.id).toBe('c');
  });

  it('lets the person delete anything but the checkpoint training continues from', () => {
    expect(canDeleteCheckpoint('s10', 's30')).toBe(true);
    expect(canDeleteCheckpoint('s30', 's30')).toBe(false);
    expect(canDeleteCheckpoint('s30', null)).toBe(true);
  });
});
