/**
 * Training as the browser runs it: the student worker's bridge (training shares its worker and GPU device),
 * checkpoints in IndexedDB, the studio's captioning, the teacher's evidence from the content cache, CLIPScore
 * and PickScore on the page when their models are loaded, and the export zip. What the training components
 * call (TrainingActions).
 */
import type { StoreApi } from 'zustand/vanilla';
import { CHAIR_SYNONYMS } from '../../lib/vocabulary/chair-synonyms';
import type { ZipOutput } from '../../lib/export';
import type { ImageTextMetric } from '../../lib/score/clip-models';
import type { ClipPixels } from '../../lib/score/clip-transformers';
import type { CaptionRequest } from '../../lib/caption/types';
import type { StudioStore } from '../../lib/store';
import type { StudentWithTrainingApi } from '../../lib/train/worker-api';
import { errorSummary } from '../../lib/core/errors';
import type { WorkerBridge } from '../bridge/worker-bridge';
import type { ImageStorePort, IngestPort } from '../studio-ports';
import type { Studio } from '../studio';
import type { Critic } from '../critic/critic';
import type { StudioState } from '../../state/studio-state';
import { PagePreferenceScorer } from './page-preference-scorer';
import { importCoco } from './coco';
import { TrainingController, type TrainingControllerDeps } from './controller';
import { buildExportZip } from '../export/export-zip';
import type { CriticRunPort, ImagePixels, TrainingPort } from './ports';
import type { ScoringPort } from '../../lib/score/rule-scoring';
import { createTrainingPort } from './training-port';
import { connectTrainingTabs, trainingTabs, type TrainingTabsWiring } from './training-tabs';

export interface TrainingActions {
  readonly controller: TrainingController;
  importCoco(fileName: string, text: string): Promise<void>;
  /** Loads the model of one preference scorer (an optional download the person asked for). */
  loadScorer(metric: ImageTextMetric, modelId: string): Promise<void>;
  exportZip(): Promise<{ zip: ZipOutput; fileName: string }>;
}

export interface BrowserTrainingDeps {
  readonly store: StoreApi<StudioState>;
  readonly opened: Promise<StudioStore>;
  readonly bridge: WorkerBridge<StudentWithTrainingApi>;
  readonly studio: Studio;
  /** The page's one critic: its evidence scores the captions, and later rounds refine through it. */
  readonly critic: Critic;
  readonly ingest: IngestPort;
  readonly images: ImageStorePort;
  readonly folderFiles: (name: string) => Promise<Record<string, Uint8Array>>;
  /** Resolves once the studio slice's pending writes are in IndexedDB. */
  readonly persisted: () => Promise<void>;
  /** Several tabs: only the owner trains; a follower hands its requests to it (training-tabs.ts). */
  readonly tabs?: TrainingTabsWiring;
}

type Scorers = Record<ImageTextMetric, PagePreferenceScorer>;

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Pixels of stored images, decoded again in the ingest worker: for the student, and for CLIP and PickScore. */
function storedPixels(deps: BrowserTrainingDeps): {
  pixels: ImagePixels;
  clipPixels: (ids: string[]) => Promise<Map<string, ClipPixels>>;
} {
  const decoded = async (id: string) => {
    const card = deps.store.getState().cards[id];
    const file = await deps.images.getFile(id);
    if (!card || !file) throw new Error(`image ${id.slice(0, 12)}… is no longer stored`);
    return deps.ingest.decode(file, card.name);
  };
  return {
    async pixels(ids) {
      const out: CaptionRequest[] = [];
      for (const id of ids) {
        const p = await decoded(id);
        out.push({ id, image: { width: p.width, height: p.height, channels: 4, data: p.data } });
      }
      return out;
    },
    async clipPixels(ids) {
      const map = new Map<string, ClipPixels>();
      for (const id of ids) {
        const p = await decoded(id);
        map.set(id, { width: p.width, height: p.height, channels: 4, data: p.data });
      }
      return map;
    },
  };
}

/** Round scoring on the page: the critic's stored evidence, and CLIPScore and PickScore once loaded. */
function pageScoring(deps: BrowserTrainingDeps, scorers: Scorers): ScoringPort {
  const { clipPixels } = storedPixels(deps);
  return {
    synonyms: () => Promise.resolve(CHAIR_SYNONYMS),
    async evidence(imageId) {
      if (!deps.store.getState().critic.items[imageId]?.evidenceKey) return undefined;
      return (await deps.critic.detail(imageId)).evidence?.evidence;
    },
    clipScores: (items) => scorers.clipscore.scores(items, clipPixels),
    pickScores: (items) => scorers.pickscore.scores(items, clipPixels),
  };
}

/**
 * Later rounds: the critic looks at the new captions again, and the refinements of the images the person chose
 * to train on (accepted or edited before) are accepted, as the seed's automated rounds do.
 */
function criticRefinement(store: StoreApi<StudioState>, critic: Critic): CriticRunPort {
  return {
    async refine(imageIds, signal) {
      const items = store.getState().critic.items;
      const chosen = imageIds.filter((id) => ['accepted', 'edited'].includes(items[id]?.decision ?? ''));
      critic.again(chosen);
      const onAbort = () => critic.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await critic.settled();
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      for (const id of chosen)
        if (store.getState().critic.items[id]?.status === 'done') await critic.accept(id);
    },
  };
}

/** Checkpoints in the studio's database (src/lib/store's checkpoint area). */
function storedCheckpoints(opened: Promise<StudioStore>): TrainingControllerDeps['checkpoints'] {
  return {
    async put(id, label, bytes) {
      const meta = await (await opened).checkpoints.put({ id, label, bytes });
      return { byteLength: meta.byteLength, createdAt: meta.createdAt };
    },
    get: async (id) => (await opened).checkpoints.get(id),
    delete: async (id) => (await opened).checkpoints.delete(id),
    estimate: async () => (await opened).estimate(),
  };
}

export function createBrowserTraining(deps: BrowserTrainingDeps): TrainingActions {
  const { store, tabs } = deps;
  const port = createTrainingPort({ store, bridge: deps.bridge, folderFiles: deps.folderFiles });
  const scorers: Scorers = {
    clipscore: new PagePreferenceScorer('clipscore'),
    pickscore: new PagePreferenceScorer('pickscore'),
  };
  const controller = new TrainingController({
    store,
    port,
    persisted: deps.persisted,
    checkpoints: storedCheckpoints(deps.opened),
    captioning: {
      settled: () => deps.studio.settled(),
      captionAgain: (ids) => deps.studio.captionAgain(ids),
    },
    scoring: pageScoring(deps, scorers),
    pixels: storedPixels(deps).pixels,
    critic: criticRefinement(store, deps.critic),
    ...(tabs === undefined ? {} : { tabs: trainingTabs(tabs.owner, tabs.requests) }),
  });
  // Only the owner tab trains (training-tabs.ts).
  if (tabs !== undefined) connectTrainingTabs(controller, tabs);

  // A run that was going on resumes once the studio and the critic's decisions (its targets) are loaded.
  void Promise.all([deps.studio.ready, deps.critic.ready]).then(() => {
    controller.resumeAfterReload();
    void controller.book.refreshStorage();
  });
  return trainingActions(deps, controller, port, scorers);
}

/** What the training components call, beside the controller. */
function trainingActions(
  deps: BrowserTrainingDeps,
  controller: TrainingController,
  port: TrainingPort,
  scorers: Scorers,
): TrainingActions {
  const { store } = deps;
  /** The scorers' state in the training slice: CLIPScore's model under `clip`, PickScore's under `pickScore`. */
  const scorerKey = { clipscore: 'clip', pickscore: 'pickScore' } as const;
  return {
    controller,
    async importCoco(fileName, text) {
      try {
        // The list ships with the code; 'category-names' remains only in imports saved by older versions.
        importCoco(store, fileName, text, CHAIR_SYNONYMS, 'chair-list');
      } catch (error) {
        store.getState().patchTraining({ error: errorSummary(error) });
      }
    },
    async loadScorer(metric, modelId) {
      const patch = store.getState().patchTraining;
      const key = scorerKey[metric];
      patch({ [key]: { status: 'loading', modelId } });
      try {
        await scorers[metric].load(modelId, location.origin);
        patch({ [key]: { status: 'ready', modelId } });
      } catch (error) {
        patch({ [key]: { status: 'error', modelId, error: errorSummary(error) } });
      }
    },
    exportZip: () =>
      buildExportZip({
        store,
        port,
        book: controller.book,
        deflateRaw,
        imageFile: (id) => deps.images.getFile(id),
      }),
  };
}
