import { describe, expect, it } from 'vitest';
import {
  RunStoppedError,
  SchedulerStateError,
  LoopSettingsError,
} from '../../../../src/lib/train/rounds/errors';
import {
  RoundScheduler,
  type RoundStages,
  type StageContext,
  type StageReport,
} from '../../../../src/lib/train/rounds/round-scheduler';
import type { RoundPosition, SchedulerState } from '../../../../src/lib/train/rounds/scheduler-state';

/** Lets pending promise callbacks and timers run (the scheduler only ever waits on its own promises). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface Harness {
  stages: RoundStages;
  log: string[];
  /** Training steps done, across runs. */
  steps: number[];
  signals: AbortSignal[];
  onStep?: (round: number, step: number) => void;
}

/** Stages that log their calls; training does `stepsPerRound` steps with a yield point before each. */
function harness(stepsPerRound = 4): Harness {
  const h: Harness = { log: [], steps: [], signals: [], stages: undefined as unknown as RoundStages };
  const simple = (ctx: StageContext) => {
    h.log.push(`${ctx.round}:${ctx.stage}`);
    return Promise.resolve(`${ctx.stage}-result`);
  };
  h.stages = {
    caption: simple,
    refine: simple,
    recaption: simple,
    rescore: async (ctx) => {
      h.log.push(`${ctx.round}:${ctx.stage}`);
      return { meanScore: 0.5 + ctx.round / 10 };
    },
    train: async (ctx) => {
      h.log.push(`${ctx.round}:train`);
      h.signals.push(ctx.signal);
      const done = h.steps.filter((s) => Math.floor(s / 100) === ctx.round).length;
      for (let step = done; step < stepsPerRound; step++) {
        await ctx.yieldPoint();
        h.steps.push(ctx.round * 100 + step);
        h.onStep?.(ctx.round, step);
      }
      return { steps: stepsPerRound };
    },
  };
  return h;
}

const ROUND = (r: number) => ['caption', 'refine', 'train', 'recaption', 'rescore'].map((s) => `${r}:${s}`);

describe('RoundScheduler', () => {
  it('runs every stage of every round in order and reports each result before moving on', async () => {
    const h = harness(2);
    const reports: StageReport[] = [];
    const positions: RoundPosition[] = [];
    let clock = 0;
    const scheduler = new RoundScheduler(h.stages, {
      rounds: 2,
      now: () => (clock += 10),
      onState: (s) => positions.push(s.position),
      onStageDone: (r) => {
        reports.push(r);
        // The position still names the stage that just finished.
        expect(scheduler.state.position).toEqual({ round: r.round, stage: r.stage });
      },
    });
    const end = await scheduler.run();
    expect(end.status).toBe('done');
    expect(h.log).toEqual([...ROUND(0), ...ROUND(1)]);
    expect(h.steps).toEqual([0, 1, 100, 101]);
    expect(reports.map((r) => r.result)).toContainEqual({ meanScore: 0.6 });
    expect(reports.every((r) => r.ms === 10)).toBe(true);
    expect(positions.at(-1)).toEqual({ round: 1, stage: 'rescore' });
  });

  it('pauses training at its next yield point, does no step while paused, and resumes', async () => {
    const h = harness(6);
    const scheduler = new RoundScheduler(h.stages, { rounds: 1 });
    h.onStep = (_, step) => step === 1 && scheduler.pause();
    const finished = scheduler.run();
    await settle();
    expect(scheduler.state).toMatchObject({ status: 'paused', inStage: true, position: { stage: 'train' } });
    expect(h.steps).toEqual([0, 1]);
    for (let i = 0; i < 5; i++) await settle();
    expect(h.steps).toEqual([0, 1]);
    scheduler.resume();
    expect((await finished).status).toBe('done');
    expect(h.steps).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('paused again before a held stage went on: the stage stays held and the state says paused', async () => {
    const h = harness(4);
    const scheduler = new RoundScheduler(h.stages, { rounds: 1 });
    h.onStep = (_, step) => step === 0 && scheduler.pause();
    const finished = scheduler.run();
    await settle();
    expect(scheduler.state.status).toBe('paused');
    scheduler.resume();
    scheduler.pause(); // before the held stage could take a step
    expect(scheduler.state.status).toBe('pausing');
    await settle();
    expect(scheduler.state).toMatchObject({ status: 'paused', inStage: true });
    expect(h.steps).toEqual([0]);
    scheduler.resume();
    expect((await finished).status).toBe('done');
    expect(h.steps).toEqual([0, 1, 2, 3]);
  });

  it('stops at a yield point with the signal aborted, and a new run continues from the interrupted stage', async () => {
    const h = harness(5);
    const scheduler = new RoundScheduler(h.stages, { rounds: 1 });
    h.onStep = (_, step) => step === 2 && scheduler.stop();
    const stopped = await scheduler.run();
    expect(stopped).toEqual({
      status: 'stopped',
      position: { round: 0, stage: 'train' },
      rounds: 1,
      inStage: false,
    });
    expect(h.signals[0]!.aborted).toBe(true);
    expect(h.signals[0]!.reason).toBeInstanceOf(RunStoppedError);
    expect(h.steps).toEqual([0, 1, 2]);
    h.onStep = undefined;
    expect((await scheduler.run()).status).toBe('done');
    // The train stage ran again and picked up after its last step, as training does from its checkpoint.
    expect(h.steps).toEqual([0, 1, 2, 3, 4]);
    expect(h.log.filter((l) => l === '0:train')).toHaveLength(2);
  });

  it('stops while paused inside a stage, and while paused between stages', async () => {
    const h = harness(4);
    const inside = new RoundScheduler(h.stages, { rounds: 1 });
    h.onStep = (_, step) => step === 0 && inside.pause();
    const a = inside.run();
    await settle();
    expect(inside.state.status).toBe('paused');
    inside.stop();
    expect((await a).status).toBe('stopped');

    const h2 = harness(1);
    const between = new RoundScheduler(
      { ...h2.stages, caption: async (ctx) => void (ctx.round === 0 && between.pause()) },
      { rounds: 1 },
    );
    const b = between.run();
    await settle();
    expect(between.state).toMatchObject({ status: 'paused', inStage: false, position: { stage: 'refine' } });
    between.stop();
    expect(await b).toMatchObject({ status: 'stopped', position: { stage: 'refine' } });
  });

  it('fails with the stage error and retries that stage on the next run', async () => {
    const h = harness(1);
    let down = true;
    const stages: RoundStages = {
      ...h.stages,
      refine: async (ctx) => {
        h.log.push(`${ctx.round}:refine`);
        if (down) throw new TypeError('the critic engine is not reachable');
      },
    };
    const scheduler = new RoundScheduler(stages, { rounds: 1 });
    expect(await scheduler.run()).toEqual({
      status: 'failed',
      position: { round: 0, stage: 'refine' },
      rounds: 1,
      inStage: false,
      error: { name: 'TypeError', message: 'the critic engine is not reachable' },
    });
    down = false;
    expect((await scheduler.run()).status).toBe('done');
    expect(h.log).toEqual(['0:caption', '0:refine', '0:refine', '0:train', '0:recaption', '0:rescore']);
  });

  it('resumes after a reload from the persisted position', async () => {
    const h = harness(3);
    let persisted: SchedulerState | null = null;
    const first = new RoundScheduler(h.stages, { rounds: 2, onState: (s) => (persisted = s) });
    h.onStep = (round, step) => round === 1 && step === 0 && first.stop();
    await first.run();
    expect(persisted!.position).toEqual({ round: 1, stage: 'train' });

    const after = harness(3);
    const second = new RoundScheduler(after.stages, { rounds: 2, start: persisted!.position });
    expect((await second.run()).status).toBe('done');
    expect(after.log).toEqual(['1:train', '1:recaption', '1:rescore']);
  });

  it('refuses a second concurrent run and a bad number of rounds', async () => {
    const h = harness(2);
    const scheduler = new RoundScheduler(h.stages, { rounds: 1 });
    const running = scheduler.run();
    await expect(scheduler.run()).rejects.toBeInstanceOf(SchedulerStateError);
    await running;
    expect(() => new RoundScheduler(h.stages, { rounds: 0 })).toThrow(LoopSettingsError);
    expect(() => scheduler.setRounds(1.5)).toThrow(LoopSettingsError);
  });

  it('takes more rounds while running', async () => {
    const h = harness(1);
    const scheduler = new RoundScheduler(h.stages, { rounds: 1 });
    h.onStep = (round) => round === 0 && scheduler.setRounds(3);
    expect((await scheduler.run()).status).toBe('done');
    expect(h.log).toEqual([...ROUND(0), ...ROUND(1), ...ROUND(2)]);
  });
});
