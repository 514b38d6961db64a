/**
 * One training run: epochs of shuffled micro-batches through a trainer, with checkpoints every N steps and at
 * the end, cooperative pause/stop between steps, and issue 5's guardrails (out of memory, a lost device, a
 * diverging loss) carried out as loop-state.ts and rounds/guardrails.ts decide them.
 *
 * The cursor is a sample offset into each epoch's permutation (the same permutation whatever the batch size),
 * so a resumed run, or one whose batch was halved, sees the samples in the same order.
 *
 * Where the run stands, and what each outcome of the trainer does to that, is the pure reducer in
 * loop-state.ts; this file is its driver: it runs the trainer, feeds the outcomes in, and carries out what the
 * new state asks for (events to the page, checkpoints, a new trainer).
 */
import { encodeCheckpoint } from './checkpoints/format';
import { makeBatch, makePreferenceBatch } from './graph/batches';
import { measureReferences, storedReferences, type PairReferences } from './preference-references';
import { SeededRandom } from '../core/rng';
import type { StepReport } from './graph/trainer';
import { classifyTrainingError, DEFAULT_GUARDRAIL_POLICY } from './rounds/guardrails';
import { RunStoppedError } from './rounds/errors';
import { asTuningCheckpoint, type TuningCheckpoint } from './checkpoints/data';
import { NoTrainingDataError, TrainingHaltedError } from './errors';
import {
  initialLoopState,
  isComplete,
  nextMicroBatch,
  reduce,
  savesOnStop,
  type LoopState,
  type RunEvent,
} from './loop-state';

import type {
  CreateTrainer,
  SavedCheckpoint,
  TrainerLike,
  TuningLoopOptions,
  TuningLoopResult,
} from './loop-types';

export type {
  CreateTrainer,
  LoopEvent,
  SavedCheckpoint,
  TrainerLike,
  TrainerRequest,
  TuningLoopOptions,
  TuningLoopResult,
} from './loop-types';

/**
 * The epoch's shuffled sample order, by (seed, epoch): the same on every run, after a resume, and whatever the
 * batch size (the cursor is an offset into it).
 */
export function epochPermutation(samples: number, seed: number, epoch: number): number[] {
  return new SeededRandom((seed * 7919 + epoch * 104729) >>> 0).permutation(samples);
}

export async function runTuningLoop(options: TuningLoopOptions): Promise<TuningLoopResult> {
  if (options.samples.length === 0) throw new NoTrainingDataError('There is nothing to train on.');
  return new TuningRun(options).run();
}

type TrainerHandle = Awaited<ReturnType<CreateTrainer>>;

/** The driver around loop-state.ts: one instance per run, its trainer and its state. */
class TuningRun {
  readonly #options: TuningLoopOptions;
  #state: LoopState;
  #handle: TrainerHandle | null = null;
  #order = { epoch: -1, ids: [] as number[] };
  #references: PairReferences | null = null;

  constructor(options: TuningLoopOptions) {
    this.#options = options;
    this.#state = initialLoopState(
      {
        runId: options.runId,
        sampleCount: options.samples.length,
        epochs: options.epochs,
        policy: options.guardrails ?? DEFAULT_GUARDRAIL_POLICY,
      },
      {
        batchSize: options.batchSize,
        accumulation: options.accumulation,
        ...(options.start
          ? { checkpoint: options.start.checkpoint, continues: options.start.continues }
          : {}),
      },
    );
  }

  get #current(): TrainerHandle {
    // Null only between releasing a trainer and building its replacement (no step runs then).
    if (this.#handle === null) throw new Error('The run has no trainer.');
    return this.#handle;
  }

  get #trainer(): TrainerLike {
    return this.#current.trainer;
  }

  async run(): Promise<TuningLoopResult> {
    await this.#newTrainer(this.#options.start?.checkpoint);
    try {
      if (this.#options.objective === 'preference') await this.#setReferences();
      while (!isComplete(this.#state)) await this.#advance();
      const final = await this.#save('final');
      return { final, runSteps: this.#state.runSteps, lastLoss: this.#state.lastLoss };
    } catch (error) {
      // Stop keeps every step done: one more checkpoint when the last one is behind.
      const stopped = error instanceof RunStoppedError && this.#handle !== null;
      if (stopped && savesOnStop(this.#state, this.#trainer.step)) await this.#save('interval');
      throw error;
    } finally {
      // No trainer when building its replacement failed (the old one is released already).
      await this.#handle?.trainer.release().catch(() => undefined);
    }
  }

  /** One micro-batch, or the end of an epoch (whose last group makes a step even when it is short). */
  async #advance(): Promise<void> {
    const next = nextMicroBatch(this.#state);
    if (next !== null) return this.#trainMicroBatch(next.from, next.to);
    if (this.#state.groupLosses.length > 0) await this.#flush();
    this.#dispatch({ type: 'epoch-ended' });
  }

  async #trainMicroBatch(from: number, to: number): Promise<void> {
    const options = this.#options;
    await options.control.yieldPoint();
    const { epoch } = this.#state.cursor;
    // A lost device may have sent the cursor back into an earlier epoch.
    if (this.#order.epoch !== epoch)
      this.#order = { epoch, ids: epochPermutation(options.samples.length, options.seed, epoch) };
    const ids = this.#order.ids.slice(from, to);
    let report: StepReport;
    try {
      const samples = ids.map((i) => options.samples[i]!);
      const { shapes } = this.#current;
      const batch =
        this.#references === null
          ? makeBatch(samples, shapes, options.special)
          : makePreferenceBatch(
              samples,
              shapes,
              options.special,
              ids.map((i) => this.#references![i]!),
            );
      report = await this.#trainer.trainStep(batch);
    } catch (error) {
      return this.#recover(error);
    }
    await this.#afterTrainer({
      type: 'micro-batch',
      samples: ids.length,
      report,
      trainerStep: this.#trainer.step,
    });
  }

  async #flush(): Promise<void> {
    const report = await this.#trainer.flush();
    if (report) await this.#afterTrainer({ type: 'flushed', report, trainerStep: this.#trainer.step });
  }

  /** Feeds a trainer outcome in; a step that was made goes to the page, and every N steps to a checkpoint. */
  async #afterTrainer(event: RunEvent & { type: 'micro-batch' | 'flushed' }): Promise<void> {
    const before = this.#state.runSteps;
    this.#dispatch(event);
    const { report } = event;
    if (!report.updated || this.#state.runSteps === before) return;
    this.#options.onEvent({
      kind: 'step',
      step: report.step,
      runStep: this.#state.runSteps,
      epoch: this.#state.cursor.epoch,
      loss: this.#state.lastLoss ?? NaN,
      lr: report.lr ?? this.#trainer.learningRate,
      gradNorm: report.gradNorm ?? null,
    });
    if (report.step % this.#options.checkpointEvery === 0) await this.#save('interval');
  }

  /** Out of memory or a lost device: a new trainer as the guardrails decide; any other error ends the run. */
  async #recover(error: unknown): Promise<void> {
    const incident = classifyTrainingError(error);
    if (incident === null) throw error;
    this.#dispatch({ type: 'trainer-failed', incident, detail: String(error) });
    const { rebuild, restart } = this.#state;
    if (rebuild === null) throw error; // not reached: a failure either halts or rebuilds
    if (rebuild.reason === 'device-lost') {
      await this.#newTrainer(restart.checkpoint);
      this.#options.onEvent({ kind: 'rewind', step: restart.checkpoint?.step ?? 0 });
      return;
    }
    // Keep what was learned since the last update: apply the partial accumulation, then carry the state over.
    if (this.#state.groupLosses.length > 0) await this.#flush();
    const current = asTuningCheckpoint(await this.#trainer.checkpoint(this.#extra('interval')));
    await this.#newTrainer(current);
    const { batchSize, accumulation } = this.#state.guard;
    this.#options.onEvent({ kind: 'batch-size', batchSize, accumulation });
  }

  /** Applies `event`; sends a new guardrail notice, halts the run, or sets the trainer's rate as it asks. */
  #dispatch(event: RunEvent): void {
    const before = this.#state;
    const after = reduce(before, event);
    this.#state = after;
    if (after.notice !== null && after.notice !== before.notice)
      this.#options.onEvent({ kind: 'notice', notice: after.notice });
    if (after.status === 'halted') throw new TrainingHaltedError(after.notice?.message ?? 'Training halted.');
    if (this.#handle !== null && after.guard.lrScale !== before.guard.lrScale)
      this.#trainer.lrScale = after.guard.lrScale;
  }

  /** Replaces the trainer (the first one too), for the state's batch shape, from `resume`'s tensors. */
  async #newTrainer(resume: TuningCheckpoint | undefined): Promise<void> {
    if (this.#handle !== null) {
      await this.#handle.trainer.release().catch(() => undefined);
      this.#handle = null;
    }
    const guard = this.#state.rebuild?.guard ?? this.#state.guard;
    this.#handle = await this.#options.createTrainer({
      batchSize: guard.batchSize,
      accumulation: guard.accumulation,
      ...(resume ? { resume } : {}),
    });
    this.#handle.trainer.lrScale = guard.lrScale;
    this.#dispatch({ type: 'trainer-rebuilt' });
  }

  #extra(kind: 'interval' | 'final') {
    const { cursor, guard, lastLoss: loss, runSteps } = this.#state;
    const references = this.#references === null ? {} : { references: this.#references };
    return { runId: this.#options.runId, cursor, guard, kind, loss, runSteps, ...references };
  }

  /** A preference run's reference log-probabilities: stored by the run it continues, or measured now. */
  async #setReferences(): Promise<void> {
    const { start, samples, special } = this.#options;
    const trainer = this.#trainer;
    if (start?.continues)
      this.#references = storedReferences(start.checkpoint.extra.references, samples.length);
    else if (trainer.sequenceLogp)
      this.#references = await measureReferences(
        { sequenceLogp: (batch) => trainer.sequenceLogp!(batch) },
        samples,
        this.#current.shapes,
        special,
      );
    else throw new Error('the trainer cannot score captions for a preference run');
  }

  async #save(kind: 'interval' | 'final'): Promise<SavedCheckpoint> {
    const raw = await this.#trainer.checkpoint(this.#extra(kind));
    const saved = { checkpoint: asTuningCheckpoint(raw), bytes: encodeCheckpoint(raw) };
    await this.#options.onCheckpoint(saved);
    this.#dispatch({ type: 'saved', checkpoint: saved.checkpoint, final: kind === 'final' });
    return saved;
  }
}
