/**
 * The five stages of a round (train-loop/scheduler-state.ts), as the studio carries them out:
 * - caption: the studio's captioning settles; the first time, the student's captions become the "before" ones
 *   and are scored;
 * - refine: after the first round, the critic refines the new captions (when a critic run is wired in); the
 *   accepted targets are recorded for the before/after view;
 * - train: the accepted targets (critic decisions, train-loop/training-set.ts) train the student in its worker,
 *   continuing the round's own run from its last checkpoint after a reload;
 * - recaption: the worker loads the tuned weights and the studio captions every image again;
 * - rescore: the new captions are scored.
 */
import type { StoreApi } from 'zustand/vanilla';
import { trainingCandidate } from '../../lib/critic/records';
import type { RoundStages, StageContext } from '../../lib/train/rounds/round-scheduler';
import { buildTrainingSet } from '../../lib/train/rounds/training-set';
import { NoTrainingDataError } from '../../lib/train/errors';
import type { TrainingEvent } from '../../lib/train/worker-api';
import type { ImageOutcome } from '../../state/slices/train';
import type { StudioState } from '../../state/studio-state';
import type { CheckpointBook } from './checkpoint-book';
import type { CaptioningPort, CriticRunPort, ImagePixels, TrainingPort } from './ports';
import type { ScoringPort } from '../../lib/score/rule-scoring';
import { isRestartable } from '../bridge/errors';
import { scoreCaptions } from '../../lib/score/rule-scoring';

/** Fresh workers one train stage may take after crashes or lost devices (the guardrail's 3 device losses). */
const MAX_WORKER_RESTARTS = 3;

function restartReason(error: unknown): string {
  return (error as { name?: unknown }).name === 'DeviceLostError'
    ? 'The GPU device was lost'
    : 'The student worker stopped';
}

export interface StageDeps {
  readonly store: StoreApi<StudioState>;
  readonly port: TrainingPort;
  readonly book: CheckpointBook;
  readonly captioning: CaptioningPort;
  readonly scoring: ScoringPort;
  readonly pixels: ImagePixels;
  readonly critic?: CriticRunPort;
  readonly newRunId: (round: number) => string;
}

/** Captions of every captioned card, by id. */
function captionedCards(state: StudioState): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of state.order) {
    const card = state.cards[id];
    if (card?.status === 'captioned' && card.caption !== undefined) out.set(id, card.caption);
  }
  return out;
}

export function roundStages(deps: StageDeps): RoundStages {
  const { store } = deps;
  const training = () => store.getState().training;
  const score = (captions: ReadonlyMap<string, string>) =>
    scoreCaptions(captions, {
      scoring: deps.scoring,
      coco: training().coco,
      threshold: training().settings.loop.complexityThreshold,
    });
  const outcomes = (patches: Record<string, Partial<ImageOutcome>>) =>
    store.getState().patchImageOutcomes(patches);

  return {
    async caption() {
      await deps.captioning.settled();
      const captions = captionedCards(store.getState());
      const images = training().images;
      const fresh = [...captions].filter(([id]) => images[id]?.original === undefined);
      if (fresh.length > 0) outcomes(Object.fromEntries(fresh.map(([id, original]) => [id, { original }])));
      if (!training().scores.some((s) => s.round === -1) || fresh.length > 0) {
        const originals = new Map([...captions].map(([id, c]) => [id, training().images[id]?.original ?? c]));
        const scored = await score(originals);
        store.getState().setRoundScores({ round: -1, summary: scored.summary });
        outcomes(
          Object.fromEntries(
            Object.entries(scored.perImage).map(([id, { objectCount, ...scores }]) => [
              id,
              { originalScores: scores, ...(objectCount === undefined ? {} : { objectCount }) },
            ]),
          ),
        );
      }
      return { images: captions.size };
    },

    async refine(ctx: StageContext) {
      const first = training().scores.filter((s) => s.round >= 0).length === 0 && ctx.round === 0;
      if (!first && deps.critic)
        await deps.critic.refine([...captionedCards(store.getState()).keys()], ctx.signal);
      const candidates = Object.values(store.getState().critic.items).map(trainingCandidate);
      const targets = new Map(
        candidates.filter((c) => c.status === 'accepted').map((c) => [c.imageId, c.target]),
      );
      const scored = await score(targets);
      outcomes(
        Object.fromEntries(
          [...targets].map(([id, target]) => {
            const { objectCount: _count, ...scores } = scored.perImage[id] ?? {};
            return [id, { target, targetScores: scores }];
          }),
        ),
      );
      return { accepted: targets.size };
    },

    async train(ctx: StageContext) {
      const { settings, runIds } = training();
      const candidates = Object.values(store.getState().critic.items).map(trainingCandidate);
      const set = buildTrainingSet(candidates, {
        weighting: settings.loop.weighting,
        minWeight: 0.1,
        cleanRatio: settings.loop.cleanRatio,
        cleanWeight: 1,
        seed: settings.tuning.seed,
      });
      if (set.refined === 0) {
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
      const runId = runIds[ctx.round] ?? deps.newRunId(ctx.round);
      if (runIds[ctx.round] === undefined)
        store.getState().patchTraining({ runIds: { ...runIds, [ctx.round]: runId } });

      const onAbort = () => void deps.port.stop();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        // A crashed worker or a lost GPU device: the run goes on in a fresh worker from its last stored
        // checkpoint (the steps after it are redone once, the curve cut back to it), a bounded number of times.
        for (let restarts = 0; ; restarts++) {
          try {
            return await trainFromLastStoredPoint();
          } catch (error) {
            if (!isRestartable(error) || ctx.signal.aborted || restarts >= MAX_WORKER_RESTARTS) throw error;
            const from = deps.book.lastOfRun(runId);
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

      async function trainFromLastStoredPoint() {
        // A reload in the middle of this round's run: continue at its last checkpoint; else start from the
        // weights in use (the previous round's, or a rolled-back checkpoint), or from the student's own.
        const own = deps.book.lastOfRun(runId);
        const active = training().active;
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
            samples: set.samples.map((s) => ({ imageId: s.imageId, text: s.text, weight: s.weight })),
            settings: settings.tuning,
            ...(start ? { start } : {}),
          },
          (event) => onTrainingEvent(event),
          deps.pixels,
        );
      }

      async function onTrainingEvent(event: TrainingEvent): Promise<void> {
        const s = store.getState();
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
            await deps.book.add({ runId, round: ctx.round, ...event });
            break;
          default:
            break;
        }
      }
    },

    async recaption(ctx: StageContext) {
      const active = training().active;
      const row = deps.book.rows().find((r) => r.id === active);
      const info = await deps.port.useWeights(
        row ? { bytes: await deps.book.read(row.id), label: `r${row.round + 1}s${row.step}` } : null,
      );
      store.getState().studentReady(info);
      const ids = [...captionedCards(store.getState()).keys()];
      deps.captioning.captionAgain(ids);
      await deps.captioning.settled();
      const tuned = captionedCards(store.getState());
      outcomes(Object.fromEntries([...tuned].map(([id, caption]) => [id, { tuned: caption }])));
      return { round: ctx.round, images: tuned.size };
    },

    async rescore(ctx: StageContext) {
      const tuned = new Map<string, string>();
      for (const [id, o] of Object.entries(training().images))
        if (o.tuned !== undefined) tuned.set(id, o.tuned);
      const scored = await score(tuned);
      store.getState().setRoundScores({ round: ctx.round, summary: scored.summary });
      outcomes(
        Object.fromEntries(
          Object.entries(scored.perImage).map(([id, { objectCount: _c, ...scores }]) => [
            id,
            { tunedScores: scores },
          ]),
        ),
      );
      return scored.summary;
    },
  };
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
