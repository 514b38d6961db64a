/**
 * One training run as a pure state machine: where the run stands (cursor, steps, last loss, the guardrails'
 * state, the half-done accumulation, where a lost device sends it back to), and how each outcome of the trainer
 * moves it. loop.ts is the driver: it runs the trainer, feeds the outcomes here as events, and carries out what
 * the new state asks for (notices, checkpoints, a new trainer). rounds/scheduler-state.ts is the model.
 *
 * The guardrails (rounds/guardrails.ts decides each incident):
 * - a non-finite loss (or gradient norm): the step is skipped (the trainer changed nothing), the learning rate
 *   is lowered, a notice goes out; a run that keeps diverging halts;
 * - out of memory: the batch is halved and accumulation doubled; the trainer is rebuilt for the new shape from
 *   its own current state (a partial accumulation is applied first), and the micro-batch is tried again;
 * - a lost device: a new trainer from the last checkpoint of this run (or the run's start), the cursor and the
 *   loss curve rewound to it.
 *
 * `reduce` returns the same object when an event does not apply in the current state, so the driver (and the
 * tests) can tell with `===`.
 */
import {
  afterFiniteStep,
  decide,
  initialGuardrailState,
  type GuardrailPolicy,
  type GuardrailState,
  type Notice,
} from './rounds/guardrails';
import type { TuningCheckpoint, TuningCursor } from './checkpoints/data';
import type { StepReport } from './graph/trainer';

/** Where a lost device sends the run back to: the last checkpoint saved in this run, or the run's start. */
export interface RestartPoint {
  readonly checkpoint: TuningCheckpoint | undefined;
  readonly cursor: TuningCursor;
  readonly runSteps: number;
  readonly loss: number | null;
}

/** The run's fixed plan (it never changes while the run goes on). */
export interface LoopPlan {
  readonly runId: string;
  readonly sampleCount: number;
  readonly epochs: number;
  readonly policy: GuardrailPolicy;
}

export type LoopStatus =
  /** Training micro-batches (or, past the last epoch, about to save the final checkpoint). */
  | 'running'
  /** A guardrail asked for a new trainer (`rebuild` says why and for which shape); no step runs until it is built. */
  | 'rebuilding'
  /** The final checkpoint is saved. */
  | 'finished'
  /** A guardrail stopped the run (`notice` says why). */
  | 'halted';

export interface LoopState {
  readonly plan: LoopPlan;
  readonly status: LoopStatus;
  readonly guard: GuardrailState;
  readonly cursor: TuningCursor;
  /** Optimizer updates in this run (the trainer's step also counts the runs it resumed from). */
  readonly runSteps: number;
  readonly lastLoss: number | null;
  /** Losses of the micro-batches since the last update: the trainer's half-done accumulation. */
  readonly groupLosses: readonly number[];
  /** The trainer step of the last checkpoint saved (or resumed from). */
  readonly lastSavedStep: number;
  readonly restart: RestartPoint;
  /** While 'rebuilding': why, and the guardrail state (batch size, accumulation) the new trainer is built for. */
  readonly rebuild: {
    readonly reason: 'out-of-memory' | 'device-lost';
    readonly guard: GuardrailState;
  } | null;
  /** The latest guardrail notice: a new object each time one is decided (the driver sends it when it changes). */
  readonly notice: Notice | null;
}

export type RunEvent =
  /** A micro-batch of `samples` went through the trainer; `trainerStep` is the trainer's step after it. */
  | {
      readonly type: 'micro-batch';
      readonly samples: number;
      readonly report: StepReport;
      readonly trainerStep: number;
    }
  /** The trainer applied the half-done accumulation (at an epoch's end, or before a rebuild). */
  | { readonly type: 'flushed'; readonly report: Omit<StepReport, 'loss'>; readonly trainerStep: number }
  /** Every sample of the epoch has gone through and no accumulation is pending. */
  | { readonly type: 'epoch-ended' }
  /** A checkpoint was stored; a final one ends the run. */
  | { readonly type: 'saved'; readonly checkpoint: TuningCheckpoint; readonly final: boolean }
  /** The trainer failed in a way the guardrails handle (loop.ts classifies errors; others end the run). */
  | {
      readonly type: 'trainer-failed';
      readonly incident: 'out-of-memory' | 'device-lost';
      readonly detail: string;
    }
  /** The trainer asked for by 'rebuilding' is built. */
  | { readonly type: 'trainer-rebuilt' };

export interface LoopStart {
  readonly batchSize: number;
  readonly accumulation: number;
  /** A checkpoint to start from; `continues`: the same run, at its cursor (else only its tensors are used). */
  readonly checkpoint?: TuningCheckpoint;
  readonly continues?: boolean;
}

export function initialLoopState(plan: LoopPlan, start: LoopStart): LoopState {
  const resume = start.checkpoint;
  const continuing = resume !== undefined && start.continues === true;
  const cursor = continuing ? resume.extra.cursor : { epoch: 0, offset: 0 };
  const runSteps = continuing ? resume.extra.runSteps : 0;
  const lastLoss = continuing ? resume.extra.loss : null;
  return {
    plan,
    status: 'running',
    guard: continuing ? resume.extra.guard : initialGuardrailState(start.batchSize, start.accumulation),
    cursor,
    runSteps,
    lastLoss,
    groupLosses: [],
    lastSavedStep: resume?.step ?? 0,
    restart: { checkpoint: resume, cursor, runSteps, loss: lastLoss },
    rebuild: null,
    notice: null,
  };
}

/** The samples of the next micro-batch: [from, to) of the current epoch's order, or null when none is due. */
export function nextMicroBatch(state: LoopState): { readonly from: number; readonly to: number } | null {
  const { cursor, plan } = state;
  if (state.status !== 'running' || cursor.epoch >= plan.epochs || cursor.offset >= plan.sampleCount)
    return null;
  return { from: cursor.offset, to: Math.min(plan.sampleCount, cursor.offset + state.guard.batchSize) };
}

/** Every epoch is done: the final checkpoint is due. */
export function isComplete(state: LoopState): boolean {
  return state.status === 'running' && state.cursor.epoch >= state.plan.epochs;
}

/** On Stop: one more checkpoint when the trainer is ahead of the last one and no accumulation is half done. */
export function savesOnStop(state: LoopState, trainerStep: number): boolean {
  return state.groupLosses.length === 0 && trainerStep > state.lastSavedStep;
}

/** A non-finite loss or gradient norm: the guardrails lower the rate (or halt); the group is dropped. */
function nonFinite(state: LoopState, step: number, loss: number): LoopState {
  const decision = decide({ kind: 'non-finite-loss', step, loss }, state.guard, state.plan.policy);
  return {
    ...state,
    guard: decision.state,
    notice: decision.notice,
    status: decision.action.kind === 'stop' ? 'halted' : state.status,
  };
}

/** The trainer's update report closes the group: a real update counts a step with the group's mean loss. */
function closeGroup(
  state: LoopState,
  report: Omit<StepReport, 'loss'>,
  losses: readonly number[],
): LoopState {
  if (!report.updated) return { ...state, groupLosses: [] };
  const lastLoss = losses.length > 0 ? losses.reduce((a, b) => a + b, 0) / losses.length : state.lastLoss;
  return {
    ...state,
    groupLosses: [],
    guard: afterFiniteStep(state.guard),
    runSteps: state.runSteps + 1,
    lastLoss,
  };
}

function microBatch(state: LoopState, event: Extract<RunEvent, { type: 'micro-batch' }>): LoopState {
  const { report } = event;
  const cursor = { epoch: state.cursor.epoch, offset: state.cursor.offset + event.samples };
  const moved = { ...state, cursor };
  if (!Number.isFinite(report.loss)) return nonFinite(moved, event.trainerStep + 1, report.loss);
  // The update's gradient norm was not finite: the trainer dropped the whole group.
  if (report.skipped)
    return nonFinite({ ...moved, groupLosses: [] }, event.trainerStep + 1, report.gradNorm ?? NaN);
  const losses = [...state.groupLosses, report.loss];
  return report.updated ? closeGroup(moved, report, losses) : { ...moved, groupLosses: losses };
}

function flushed(state: LoopState, event: Extract<RunEvent, { type: 'flushed' }>): LoopState {
  if (state.groupLosses.length === 0) return state;
  const { report } = event;
  // Before a rebuild a skipped group is only dropped: the rebuild's own notice has gone out already.
  if (report.skipped && state.status === 'running')
    return nonFinite({ ...state, groupLosses: [] }, event.trainerStep + 1, report.gradNorm ?? NaN);
  return closeGroup(state, report, state.groupLosses);
}

function trainerFailed(state: LoopState, event: Extract<RunEvent, { type: 'trainer-failed' }>): LoopState {
  const { plan, restart } = state;
  if (event.incident === 'out-of-memory') {
    const decision = decide({ kind: 'out-of-memory', detail: event.detail }, state.guard, plan.policy);
    if (decision.action.kind === 'stop') return { ...state, status: 'halted', notice: decision.notice };
    // The guard changes once the new trainer exists: the checkpoint it is built from is taken before.
    return {
      ...state,
      status: 'rebuilding',
      rebuild: { reason: 'out-of-memory', guard: decision.state },
      notice: decision.notice,
    };
  }
  const last = restart.checkpoint;
  const lastCheckpoint =
    last && last.extra.runId === plan.runId ? { id: String(last.step), step: last.step } : null;
  const decision = decide(
    { kind: 'device-lost', detail: event.detail, lastCheckpoint },
    state.guard,
    plan.policy,
  );
  if (decision.action.kind === 'stop') return { ...state, status: 'halted', notice: decision.notice };
  return {
    ...state,
    status: 'rebuilding',
    rebuild: { reason: 'device-lost', guard: decision.state },
    notice: decision.notice,
    guard: decision.state,
    cursor: restart.cursor,
    runSteps: restart.runSteps,
    lastLoss: restart.loss,
  };
}

/** The next state; the same object when the event does not apply. */
export function reduce(state: LoopState, event: RunEvent): LoopState {
  const { status } = state;
  switch (event.type) {
    case 'micro-batch':
      return nextMicroBatch(state) === null ? state : microBatch(state, event);
    case 'flushed':
      return status === 'running' || status === 'rebuilding' ? flushed(state, event) : state;
    case 'epoch-ended': {
      const { cursor, plan } = state;
      if (status !== 'running' || cursor.epoch >= plan.epochs || cursor.offset < plan.sampleCount)
        return state;
      if (state.groupLosses.length > 0) return state;
      return { ...state, cursor: { epoch: cursor.epoch + 1, offset: 0 } };
    }
    case 'saved': {
      if (status !== 'running' && status !== 'rebuilding') return state;
      if (event.final && !isComplete(state)) return state;
      const { cursor, runSteps, lastLoss } = state;
      return {
        ...state,
        status: event.final ? 'finished' : status,
        lastSavedStep: event.checkpoint.step,
        restart: { checkpoint: event.checkpoint, cursor, runSteps, loss: lastLoss },
      };
    }
    case 'trainer-failed':
      return status === 'running' ? trainerFailed(state, event) : state;
    case 'trainer-rebuilt': {
      if (status !== 'rebuilding' || state.rebuild === null) return state;
      return { ...state, status: 'running', guard: state.rebuild.guard, groupLosses: [], rebuild: null };
    }
  }
}
