/**
 * The round loop of issue 5 as a pure state machine: caption → refine → train → re-caption → re-score, R times,
 * with Pause, Resume and Stop. The reducer decides; round-scheduler.ts runs the stages and feeds it events.
 *
 * Pause and Stop are cooperative: a stage reaches a safe point at its next yield point (training calls one
 * between steps) or when it ends. So Pause goes through 'pausing' to 'paused', and Stop through 'stopping' to
 * 'stopped'. The position always names the next stage to run: after a reload the app starts again from it, and
 * the interrupted stage runs again (each stage resumes its own work: captions are cached, training restarts
 * from its last checkpoint).
 */

export const ROUND_STAGES = ['caption', 'refine', 'train', 'recaption', 'rescore'] as const;
export type RoundStage = (typeof ROUND_STAGES)[number];

export interface RoundPosition {
  /** 0-based round. */
  readonly round: number;
  readonly stage: RoundStage;
}

export type SchedulerStatus =
  'idle' | 'running' | 'pausing' | 'paused' | 'stopping' | 'stopped' | 'done' | 'failed';

export interface SchedulerState {
  readonly status: SchedulerStatus;
  /** The stage running now, or the next one to run. */
  readonly position: RoundPosition;
  readonly rounds: number;
  /** A stage's promise is pending (it may be blocked at a yield point while paused). */
  readonly inStage: boolean;
  /** Set when status is 'failed': what the stage threw. */
  readonly error?: { readonly name: string; readonly message: string };
}

export type SchedulerEvent =
  | { readonly type: 'start' }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  | { readonly type: 'stage-started' }
  /** The running stage reached a yield point (a safe place to pause). */
  | { readonly type: 'yielded' }
  | { readonly type: 'stage-finished' }
  | { readonly type: 'stage-failed'; readonly error: { readonly name: string; readonly message: string } }
  | { readonly type: 'set-rounds'; readonly rounds: number };

export const FIRST_POSITION: RoundPosition = { round: 0, stage: 'caption' };

export function initialState(rounds: number, position: RoundPosition = FIRST_POSITION): SchedulerState {
  return { status: 'idle', position, rounds, inStage: false };
}

/** The stage after `position`, or null after the last stage of the last round. */
export function nextPosition(position: RoundPosition, rounds: number): RoundPosition | null {
  const i = ROUND_STAGES.indexOf(position.stage);
  if (i < ROUND_STAGES.length - 1) return { round: position.round, stage: ROUND_STAGES[i + 1]! };
  return position.round + 1 < rounds ? { round: position.round + 1, stage: ROUND_STAGES[0] } : null;
}

const settled = (
  state: SchedulerState,
  status: SchedulerStatus,
  position = state.position,
): SchedulerState => ({
  status,
  position,
  rounds: state.rounds,
  inStage: false,
});

/**
 * The next state; the same object when the event does not apply (a second click on Pause, Resume while
 * running), so that callers can tell with `===` and buttons can use `canApply`.
 */
export function reduce(state: SchedulerState, event: SchedulerEvent): SchedulerState {
  const { status, inStage } = state;
  switch (event.type) {
    case 'start':
      // From 'failed' this retries the failed stage; from 'stopped' it continues where Stop left off.
      if (status !== 'idle' && status !== 'stopped' && status !== 'failed') return state;
      return settled(state, state.position.round >= state.rounds ? 'done' : 'running');
    case 'stage-started':
      return status === 'running' && !inStage ? { ...state, inStage: true } : state;
    case 'pause':
      return status === 'running' ? { ...state, status: inStage ? 'pausing' : 'paused' } : state;
    case 'yielded':
      return status === 'pausing' ? { ...state, status: 'paused' } : state;
    case 'resume':
      return status === 'pausing' || status === 'paused' ? { ...state, status: 'running' } : state;
    case 'stop':
      if (status !== 'running' && status !== 'pausing' && status !== 'paused') return state;
      return inStage ? { ...state, status: 'stopping' } : settled(state, 'stopped');
    case 'stage-finished': {
      if (!inStage) return state;
      const next = nextPosition(state.position, state.rounds);
      if (next === null) return settled(state, 'done');
      // A pause or stop asked for during the stage takes effect at this boundary.
      return settled(
        state,
        status === 'running' ? 'running' : status === 'stopping' ? 'stopped' : 'paused',
        next,
      );
    }
    case 'stage-failed':
      if (!inStage) return state;
      // A stage that ends with an error after Stop was pressed has stopped, not failed (it was told to).
      return status === 'stopping'
        ? settled(state, 'stopped')
        : { ...settled(state, 'failed'), error: event.error };
    case 'set-rounds': {
      if (!Number.isInteger(event.rounds) || event.rounds < 1 || event.rounds === state.rounds) return state;
      // Fewer rounds than already begun: the current round still finishes.
      const rounds = Math.max(event.rounds, state.position.round + 1);
      return rounds === state.rounds ? state : { ...state, rounds };
    }
  }
}

export function canApply(state: SchedulerState, event: SchedulerEvent): boolean {
  return reduce(state, event) !== state;
}
