/**
 * The five stages of a round (lib/train/rounds/scheduler-state.ts), as the studio carries them out:
 * - caption: the studio's captioning settles; the first time, the student's captions become the "before" ones
 *   and are scored;
 * - refine: after the first round, the critic refines the new captions (when a critic run is wired in); the
 *   accepted targets are recorded for the before/after view;
 * - train: the accepted targets (critic decisions, lib/train/rounds/training-set.ts) train the student in its worker,
 *   continuing the round's own run from its last checkpoint after a reload;
 * - recaption: the worker loads the tuned weights and the studio captions every image again;
 * - rescore: the new captions are scored.
 */
import { trainingCandidate } from '../../lib/critic/records';
import type { RoundStages, StageContext } from '../../lib/train/rounds/round-scheduler';
import type { ImageOutcome } from '../../state/slices/train';
import type { StudioState } from '../../state/studio-state';
import { scoreCaptions, type ScoredCaptions } from '../../lib/score/rule-scoring';
import { trainStage } from './train-stage';
import type { StageDeps } from './stage-deps';

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
    caption: () => captionStage(deps, score, outcomes),

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

    train: (ctx: StageContext) => trainStage(deps, ctx),

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

/**
 * The studio's captioning settles; the first time (or with new images), the student's captions become the
 * "before" ones and are scored.
 */
async function captionStage(
  deps: StageDeps,
  score: (captions: ReadonlyMap<string, string>) => Promise<ScoredCaptions>,
  outcomes: (patches: Record<string, Partial<ImageOutcome>>) => void,
) {
  const { store } = deps;
  const training = () => store.getState().training;
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
}
