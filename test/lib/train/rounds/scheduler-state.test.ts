import { describe, expect, it } from 'vitest';
import {
  ROUND_STAGES,
  canApply,
  initialState,
  nextPosition,
  reduce,
  type SchedulerEvent,
  type SchedulerState,
} from '../../../../src/lib/train/rounds/scheduler-state';

const run = (state: SchedulerState, ...events: SchedulerEvent['type'][]) =>
  events.reduce(
    (s, type) =>
      reduce(
        s,
        type === 'stage-failed'
          ? { type, error: { name: 'E', message: 'boom' } }
          : ({ type } as SchedulerEvent),
      ),
    state,
  );

describe('nextPosition', () => {
  it('walks caption → refine → train → recaption → rescore, R times, then ends', () => {
    const seen: string[] = [];
    for (let p: ReturnType<typeof nextPosition> = { round: 0, stage: 'caption' }; p; p = nextPosition(p, 2)) {
      seen.push(`${p.round}:${p.stage}`);
    }
    expect(seen).toEqual([...ROUND_STAGES.map((s) => `0:${s}`), ...ROUND_STAGES.map((s) => `1:${s}`)]);
  });
});

describe('reduce', () => {
  const idle = initialState(2);

  it('runs stage after stage and is done after the last stage of the last round', () => {
    let s = run(idle, 'start');
    for (let i = 0; i < 2 * ROUND_STAGES.length - 1; i++) s = run(s, 'stage-started', 'stage-finished');
    expect(s).toEqual({
      status: 'running',
      position: { round: 1, stage: 'rescore' },
      rounds: 2,
      inStage: false,
    });
    expect(run(s, 'stage-started', 'stage-finished').status).toBe('done');
  });

  it('pauses at the next yield point, resumes, and pauses at a stage boundary when no yield point comes', () => {
    const training = run(idle, 'start', 'stage-started');
    const pausing = run(training, 'pause');
    expect(pausing.status).toBe('pausing');
    expect(run(pausing, 'yielded')).toMatchObject({ status: 'paused', inStage: true });
    expect(run(pausing, 'yielded', 'resume')).toMatchObject({ status: 'running', inStage: true });
    // The stage ended before any yield point: paused between stages, at the next one.
    expect(run(pausing, 'stage-finished')).toEqual({
      status: 'paused',
      position: { round: 0, stage: 'refine' },
      rounds: 2,
      inStage: false,
    });
    // Between stages, Pause is immediate.
    expect(run(idle, 'start', 'pause').status).toBe('paused');
  });

  it('stops through "stopping" while a stage is in flight, and at once between stages', () => {
    const inStage = run(idle, 'start', 'stage-started', 'pause', 'yielded');
    const stopping = run(inStage, 'stop');
    expect(stopping.status).toBe('stopping');
    // The stage throws RunStoppedError: stopped, at the same stage, so a restart runs it again.
    expect(run(stopping, 'stage-failed')).toEqual({
      status: 'stopped',
      position: { round: 0, stage: 'caption' },
      rounds: 2,
      inStage: false,
    });
    // The stage finished anyway: stopped at the next stage.
    expect(run(stopping, 'stage-finished').position.stage).toBe('refine');
    expect(run(idle, 'start', 'pause', 'stop').status).toBe('stopped');
  });

  it('fails with the error, and Start retries the failed stage', () => {
    const failed = run(idle, 'start', 'stage-started', 'stage-finished', 'stage-started', 'stage-failed');
    expect(failed).toEqual({
      status: 'failed',
      position: { round: 0, stage: 'refine' },
      rounds: 2,
      inStage: false,
      error: { name: 'E', message: 'boom' },
    });
    const retried = run(failed, 'start');
    expect(retried).toEqual({
      status: 'running',
      position: { round: 0, stage: 'refine' },
      rounds: 2,
      inStage: false,
    });
  });

  it('continues from a persisted position after a reload', () => {
    const reloaded = initialState(3, { round: 1, stage: 'train' });
    expect(run(reloaded, 'start', 'stage-started', 'stage-finished').position).toEqual({
      round: 1,
      stage: 'recaption',
    });
    expect(run(initialState(2, { round: 2, stage: 'caption' }), 'start').status).toBe('done');
  });

  it('returns the same state for events that do not apply', () => {
    const running = run(idle, 'start');
    for (const [state, type] of [
      [idle, 'pause'],
      [idle, 'resume'],
      [idle, 'stop'],
      [idle, 'stage-finished'],
      [running, 'start'],
      [running, 'resume'],
      [running, 'yielded'],
      [running, 'stage-finished'],
      [run(running, 'stage-started'), 'stage-started'],
      [run(running, 'pause'), 'pause'],
    ] as const) {
      expect(reduce(state, { type } as SchedulerEvent)).toBe(state);
      expect(canApply(state, { type } as SchedulerEvent)).toBe(false);
    }
  });

  it('changes the number of rounds but never below the round already begun', () => {
    const inRound2 = initialState(3, { round: 1, stage: 'refine' });
    expect(reduce(inRound2, { type: 'set-rounds', rounds: 5 }).rounds).toBe(5);
    expect(reduce(inRound2, { type: 'set-rounds', rounds: 1 }).rounds).toBe(2);
    expect(reduce(inRound2, { type: 'set-rounds', rounds: 0 })).toBe(inRound2);
    expect(reduce(inRound2, { type: 'set-rounds', rounds: 2.5 })).toBe(inRound2);
  });
});
