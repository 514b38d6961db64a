/**
 * The train stage of a round (round-stages.ts): the accepted targets train the student in its worker, going on
 * in a fresh worker from the last stored checkpoint after a crash or a lost GPU device.
 */
import { buildTrainingSet, type TrainingSet } from '../../lib/train/rounds/training-set';
import type { StageContext } from '../../lib/train/rounds/round-scheduler';
import { trainingCandidate } from '../../lib/critic/records';
import { NoTrainingDataError } from '../../lib/train/errors';
import type { TrainingEvent } from '../../lib/train/worker-api';
import type { TrainingSettingsState } from '../../state/slices/train';
import { isRestartable } from '../bridge/errors';
import type { StageDeps } from './stage-deps';

/** Fresh workers one train stage may take after crashes or lost devices (the guardrail's 3 device losses). */
const MAX_WORKER_RESTARTS = 3;

function restartReason(error: unknown): string {
  return (error as { name?: unknown }).name === 'DeviceLostError'
    ? 'The GPU device was lost'
    : 'The student worker stopped';
}

/** One round's run: the samples, the settings and the run id its checkpoints are stored under. */
interface RoundRun {
  readonly deps: StageDeps;
  readonly ctx: StageContext;
  readonly runId: string;
  readonly set: TrainingSet;
  readonly settings: TrainingSettingsState;
}

export async function trainStage(deps: StageDeps, ctx: StageContext) {
  const { store } = deps;
  const { settings } = store.getState().training;
  const run: RoundRun = { deps, ctx, runId: roundRunId(deps, ctx.round), set: trainingSet(deps), settings };
  const onAbort = () => void deps.port.stop();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    // A crashed worker or a lost GPU device: the run goes on in a fresh worker from its last stored
    // checkpoint (the steps after it are redone once, the curve cut back to it), a bounded number of times.
    for (let restarts = 0; ; restarts++) {
      try {
        return await trainFromLastStoredPoint(run);
      } catch (error) {
        if (!isRestartable(error) || ctx.signal.aborted || restarts >= MAX_WORKER_RESTARTS) throw error;
        const from = deps.book.lastOfRun(run.runId);
        store.getState().addNotice({
          level: 'warning',
          message:
            `${restartReason(error)}; training goes on in a fresh student worker from ` +
            (from ? `the checkpoint at step ${from.step}.` : 'the start of this round.'),
        });
      }
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    store.getState().patchTraining({ phase: null });
  }
}

/** The accepted targets as weighted samples; none refined is an error that says what to do. */
function trainingSet(deps: StageDeps): TrainingSet {
  const state = deps.store.getState();
  const { settings } = state.training;
  const candidates = Object.values(state.critic.items).map(trainingCandidate);
  const set = buildTrainingSet(candidates, {
    weighting: settings.loop.weighting,
    minWeight: 0.1,
    cleanRatio: settings.loop.cleanRatio,
    cleanWeight: 1,
    seed: settings.tuning.seed,
  });
  if (set.refined > 0) return set;
  const unbacked = set.skippedReasons;
  const them = unbacked.length === 1 ? 'it' : 'them';
  throw new NoTrainingDataError(
    'Accept or edit at least one refined caption before training.' +
      (unbacked.length === 0
        ? ''
        : ` ${unbacked.length} accepted rewrite${unbacked.length === 1 ? ' is' : 's are'} left out. ` +
          `${unbacked[0]!.reason} Edit ${them} to train on ${them}.`),
  );
}

/** The round's run id, made and recorded the first time (a reload goes on with the same run). */
function roundRunId(deps: StageDeps, round: number): string {
  const { runIds } = deps.store.getState().training;
  const known = runIds[round];
  if (known !== undefined) return known;
  const runId = deps.newRunId(round);
  deps.store.getState().patchTraining({ runIds: { ...runIds, [round]: runId } });
  return runId;
}

async function trainFromLastStoredPoint(run: RoundRun) {
  const { deps, ctx, runId } = run;
  const store = deps.store;
  // A reload in the middle of this round's run: continue at its last checkpoint; else start from the
  // weights in use (the previous round's, or a rolled-back checkpoint), or from the student's own.
  const own = deps.book.lastOfRun(runId);
  const active = store.getState().training.active;
  const from = own ?? (active ? deps.book.rows().find((r) => r.id === active) : undefined);
  const start = from ? { bytes: await deps.book.read(from.id), continues: from === own } : undefined;
  store.getState().truncateLosses(ctx.round, own?.step ?? 0);
  store.getState().patchTraining({
    lastStart: {
      round: ctx.round,
      runId,
      fromStep: from?.step ?? null,
      continues: from !== undefined && from === own,
    },
  });
  return deps.port.train(
    {
      runId,
      samples: run.set.samples.map(({ kind: _kind, ...sample }) => sample),
      settings: run.settings.tuning,
      ...(start ? { start } : {}),
    },
    (event) => onTrainingEvent(run, event),
    deps.pixels,
  );
}

async function onTrainingEvent(run: RoundRun, event: TrainingEvent): Promise<void> {
  const { deps, ctx } = run;
  const s = deps.store.getState();
  switch (event.kind) {
    case 'step':
      s.addLossPoint({ round: ctx.round, step: event.step, epoch: event.epoch, loss: event.loss });
      break;
    case 'notice':
      s.addNotice(event.notice);
      break;
    case 'rewind':
      s.truncateLosses(ctx.round, event.step);
      break;
    case 'phase':
      s.patchTraining({ phase: phaseText(event) });
      break;
    case 'checkpoint':
      await deps.book.add({ runId: run.runId, round: ctx.round, ...event });
      break;
    default:
      break;
  }
}

function phaseText(event: Extract<TrainingEvent, { kind: 'phase' }>): string {
  switch (event.phase) {
    case 'reading-model':
      return 'reading the model';
    case 'encoding':
      return `encoding images ${event.done ?? 0}/${event.total ?? 0}`;
    case 'building-graph':
      return 'building the training graph';
    case 'training':
      return 'training';
  }
}
