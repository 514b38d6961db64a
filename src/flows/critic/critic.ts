import type { StoreApi } from 'zustand/vanilla';
import type { CalibrationImage, EvidenceCalibration } from '../../lib/critic/calibration';
import { measureCalibration } from '../../lib/critic/calibration';
import { ruleScore } from '../../lib/score/rule-scoring';
import { canonicalCategory } from '../../lib/score/student-scores';
import type { CriticItem } from '../../lib/critic/records';
import { decide } from '../../lib/critic/records';
import type { ImageRefinement } from '../../lib/critic/refine-image';
import type { TeacherEvidence } from '../../lib/evidence/teacher/types';
import { errorSummary } from '../../lib/core/errors';
import { mayRunWork } from '../../lib/core/tabs/ownership';
import type { Studio, WorkOwner } from '../studio';
import type { StudioState } from '../../state/studio-state';
import { engineFromSettings } from './engines';
import type { CriticPersistence } from '../../state/persist/critic';
import type { CriticDataPort, TeacherPort } from './ports';
import { CriticRunner } from './runner';
import { needsReload } from '../../state/slices/teacher-settings';

export interface CriticDetail {
  evidence: TeacherEvidence | undefined;
  refinement: ImageRefinement | undefined;
}

/** What the UI can ask of the critic; components never see the worker, the cache or the queue. */
export interface Critic {
  readonly ready: Promise<void>;
  /** Queues captioned images (all when omitted); returns how many were queued. */
  start(ids?: readonly string[]): number;
  /** Critiques these images again even if done. */
  again(ids: readonly string[]): number;
  pause(): void;
  resume(): void;
  cancel(): void;
  accept(id: string): Promise<void>;
  edit(id: string, text: string): Promise<void>;
  reject(id: string): Promise<void>;
  /** The stored evidence and refinement of an image (from IndexedDB). */
  detail(id: string): Promise<CriticDetail>;
  /** Resolves when nothing is being critiqued and the critic's state is written. */
  settled(): Promise<void>;
  /**
   * Measures the evidence's calibration on the critiqued images that carry ground truth (imported COCO
   * annotations, the sample scenes) and makes it the one calibrated verdicts use. Throws
   * NoGroundTruthError when no critiqued image has ground truth.
   */
  measureCalibration(): Promise<EvidenceCalibration>;
  /** Back to the committed calibration (COCO train photos). */
  forgetCalibration(): void;
  dispose(): void;
}

/** Calibration needs images whose objects are known. */
export class NoGroundTruthError extends Error {
  override readonly name = 'NoGroundTruthError';
}

export interface CriticDeps {
  store: StoreApi<StudioState>;
  teacher: TeacherPort;
  data: CriticDataPort;
  persistence: CriticPersistence;
  /** Resolves when the studio's own state is loaded (cards, captions). */
  studioReady: Promise<void>;
  /**
   * Which tab owns the work (src/lib/core/tabs) and the studio's handover, when there are tabs: only the owner runs
   * the queue. A follower's "Refine captions" queues the items as records; the owner hears of them over the
   * records channel and critiques them (as it captions photos a follower dropped).
   */
  tabs?: { owner: WorkOwner; onHandOver: Studio['onHandOver'] };
  now?: () => number;
}

export function createCritic(deps: CriticDeps): Critic {
  const { store, teacher, data } = deps;
  const now = deps.now ?? Date.now;
  const state = () => store.getState();
  const owner = deps.tabs?.owner;
  const mayRun = (): boolean => owner === undefined || mayRunWork(owner.state);
  const runner = new CriticRunner({
    store,
    teacher,
    data,
    engine: async () => engineFromSettings(state().critic, await data.synonyms(), teacher),
    mayRun,
  });
  // This tab became the owner (the other closed or handed over): the queue is its own now. It reads the
  // critic's records first (the old owner's last writes may not have reached it yet: an item stored as done
  // must not be critiqued again). Items another tab queues arrive as records: an owner runs them.
  const unsubscribeOwner =
    owner?.subscribe((ownership) => {
      if (!mayRunWork(ownership)) return;
      const kick = () => runner.kick();
      void deps.persistence.resync().then(kick, kick);
    }) ?? (() => {});
  const unsubscribeRemote = deps.persistence.onRemoteChange(() => runner.kick());
  const unregisterHandOver =
    deps.tabs?.onHandOver(async () => {
      await runner.handOver();
      await deps.persistence.flush();
    }) ?? (() => {});

  const unsubscribe = store.subscribe((s, prev) => {
    if (needsReload(s.critic.settings.teacher, prev.critic.settings.teacher)) {
      teacher.invalidate();
      void teacher.resolveDevice().catch(() => {});
    }
    if (s.cards !== prev.cards) {
      for (const id of Object.keys(s.critic.items)) if (s.cards[id] === undefined) s.criticRemoveItem(id);
    }
  });

  const ready = Promise.all([deps.studioReady, deps.persistence.hydrated]).then(() => {
    void teacher.resolveDevice().catch((error: unknown) => {
      state().criticTeacherPatch({ status: 'error', error: errorSummary(error) });
    });
    runner.kick(); // unfinished work from before the reload (unless paused)
  });

  const item = (id: string): CriticItem => {
    const found = state().critic.items[id];
    if (found === undefined) throw new Error(`The critic has not looked at image ${id}.`);
    return found;
  };

  const record = async (decided: CriticItem): Promise<void> => {
    state().criticPutItem(decided);
    if (decided.target === undefined) return;
    await data.addTarget(
      decided.imageId,
      decided.captionModel,
      decided.target,
      decided.decision === 'edited' ? 'user' : 'refined',
      {
        decision: decided.decision,
        ...(decided.targetScore === undefined ? {} : { score: decided.targetScore }),
        ...(decided.refinementKey ? { refinementKey: decided.refinementKey } : {}),
        ...(decided.engine ? { engine: decided.engine } : {}),
      },
    );
  };

  const detail = async (id: string): Promise<CriticDetail> => {
    const it = state().critic.items[id];
    const [evidence, refinement] = await Promise.all([
      it?.evidenceKey ? data.cache.get<TeacherEvidence>(it.evidenceKey) : undefined,
      it?.refinementKey ? data.cache.get<ImageRefinement>(it.refinementKey) : undefined,
    ]);
    return { evidence, refinement };
  };

  return {
    ready,
    start: (ids) => runner.enqueue(ids ?? state().order),
    again: (ids) => runner.enqueue(ids, true),
    pause: () => runner.pause(),
    resume: () => runner.resume(),
    cancel: () => runner.cancel(),
    accept: (id) => record(decide(item(id), 'accepted', undefined, now())),
    async edit(id, text) {
      // The person's caption gets the rules' score on the same evidence, for weighting in training.
      const { evidence } = await detail(id);
      const score = evidence ? ruleScore(text, evidence.evidence, await data.synonyms()).score : undefined;
      await record(decide(item(id), 'edited', { text, ...(score === undefined ? {} : { score }) }, now()));
    },
    reject: (id) => record(decide(item(id), 'rejected', undefined, now())),
    detail,
    async measureCalibration() {
      const s = state();
      const matches = s.training.coco?.matches ?? {};
      const table = await data.synonyms();
      const images: CalibrationImage[] = [];
      for (const id of s.order) {
        const key = s.critic.items[id]?.evidenceKey;
        const truth = matches[id];
        if (key === undefined || truth === undefined) continue;
        const stored = await data.cache.get<TeacherEvidence>(key);
        if (stored === undefined) continue;
        images.push({
          present: new Set(truth.objects.map((c) => canonicalCategory(c, table))),
          evidence: stored.evidence,
        });
      }
      if (images.length === 0)
        throw new NoGroundTruthError(
          'No critiqued image has ground truth: import COCO annotations (or load the sample scenes) and refine their captions first.',
        );
      const calibration = measureCalibration(
        images,
        `${images.length} of your images with ground truth, measured ${new Date(now()).toISOString().slice(0, 16).replace('T', ' ')}`,
      );
      state().criticSetSettings({ calibrationTable: calibration });
      return calibration;
    },
    forgetCalibration: () => state().criticSetSettings({ calibrationTable: null }),
    async settled() {
      await ready;
      await runner.idle();
      await deps.persistence.flush();
    },
    dispose: () => {
      unsubscribe();
      unsubscribeOwner();
      unsubscribeRemote();
      unregisterHandOver();
      deps.persistence.dispose();
    },
  };
}
