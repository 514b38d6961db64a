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
import type { ImageStorePort, IngestPort } from '../pipeline-ports';
import type { Studio } from '../studio';
import type { StudioState } from '../../state/studio-state';
import { browserCritic } from '../critic/browser-critic';
import { PagePreferenceScorer } from './page-preference-scorer';
import { importCoco } from './coco';
import { TrainingController } from './controller';
import { buildExportZip } from '../export/export-zip';
import type { CriticRunPort, ImagePixels } from './ports';
import type { ScoringPort } from '../../lib/score/rule-scoring';
import { createTrainingPort } from './training-port';
import type { ChannelLike } from '../../lib/core/tabs/tab-owner';
import { connectTrainingTabs, trainingTabs } from './training-tabs';

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
  readonly ingest: IngestPort;
  readonly images: ImageStorePort;
  readonly folderFiles: (name: string) => Promise<Record<string, Uint8Array>>;
  /** Resolves once the studio slice's pending writes are in IndexedDB. */
  readonly persisted: () => Promise<void>;
  /** Several tabs: where a follower hands its training requests to the owner (a BroadcastChannel). */
  readonly requests?: ChannelLike;
  /** Called after another tab's records reached this tab (a run the old owner left 'running', say). */
  readonly onRemoteChange?: (listener: () => void) => () => void;
  /** Reads every record again (a tab that just became the owner goes on from what is stored). */
  readonly resync?: () => Promise<void>;
}

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function createBrowserTraining(deps: BrowserTrainingDeps): TrainingActions {
  const { store, opened } = deps;
  const { owner } = deps.studio;
  const tabs =
    owner === null || deps.requests === undefined
      ? null
      : {
          owner,
          requests: deps.requests,
          onHandOver: deps.studio.onHandOver,
          ...(deps.onRemoteChange === undefined ? {} : { onRemoteChange: deps.onRemoteChange }),
          ...(deps.resync === undefined ? {} : { resync: deps.resync }),
        };
  const port = createTrainingPort({ store, bridge: deps.bridge, folderFiles: deps.folderFiles });
  const scorers = {
    clipscore: new PagePreferenceScorer('clipscore'),
    pickscore: new PagePreferenceScorer('pickscore'),
  };
  /** The scorers' state in the training slice: CLIPScore's model under `clip`, PickScore's under `pickScore`. */
  const scorerKey = { clipscore: 'clip', pickscore: 'pickScore' } as const;

  const decoded = async (id: string) => {
    const card = store.getState().cards[id];
    const file = await deps.images.getFile(id);
    if (!card || !file) throw new Error(`image ${id.slice(0, 12)}… is no longer stored`);
    return deps.ingest.decode(file, card.name);
  };
  const pixels: ImagePixels = async (ids) => {
    const out: CaptionRequest[] = [];
    for (const id of ids) {
      const p = await decoded(id);
      out.push({ id, image: { width: p.width, height: p.height, channels: 4, data: p.data } });
    }
    return out;
  };

  const clipPixels = async (ids: string[]) => {
    const map = new Map<string, ClipPixels>();
    for (const id of ids) {
      const p = await decoded(id);
      map.set(id, { width: p.width, height: p.height, channels: 4, data: p.data });
    }
    return map;
  };

  const scoring: ScoringPort = {
    synonyms: () => Promise.resolve(CHAIR_SYNONYMS),
    async evidence(imageId) {
      if (!store.getState().critic.items[imageId]?.evidenceKey) return undefined;
      return (await critic().detail(imageId)).evidence?.evidence;
    },
    clipScores: (items) => scorers.clipscore.scores(items, clipPixels),
    pickScores: (items) => scorers.pickscore.scores(items, clipPixels),
  };

  // The critic is created on first use (src/flows/critic/browser-critic.ts keeps one per studio).
  const critic = () => browserCritic(deps.studio);
  const criticRun: CriticRunPort = {
    /**
     * Later rounds: the critic looks at the new captions again, and the refinements of the images the person
     * chose to train on (accepted or edited before) are accepted, as the seed's automated rounds do.
     */
    async refine(imageIds, signal) {
      const items = store.getState().critic.items;
      const chosen = imageIds.filter((id) => ['accepted', 'edited'].includes(items[id]?.decision ?? ''));
      critic().again(chosen);
      const onAbort = () => critic().cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await critic().settled();
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      for (const id of chosen)
        if (store.getState().critic.items[id]?.status === 'done') await critic().accept(id);
    },
  };

  const controller = new TrainingController({
    store,
    port,
    persisted: deps.persisted,
    checkpoints: {
      async put(id, label, bytes) {
        const meta = await (await opened).checkpoints.put({ id, label, bytes });
        return { byteLength: meta.byteLength, createdAt: meta.createdAt };
      },
      get: async (id) => (await opened).checkpoints.get(id),
      delete: async (id) => (await opened).checkpoints.delete(id),
      estimate: async () => (await opened).estimate(),
    },
    captioning: {
      settled: () => deps.studio.settled(),
      captionAgain: (ids) => deps.studio.captionAgain(ids),
    },
    scoring,
    pixels,
    critic: criticRun,
    ...(tabs === null ? {} : { tabs: trainingTabs(tabs.owner, tabs.requests) }),
  });
  // Only the owner tab trains (training-tabs.ts).
  if (tabs !== null) connectTrainingTabs(controller, tabs);

  // A run that was going on resumes once the studio and the critic's decisions (its targets) are loaded.
  void Promise.all([deps.studio.ready, critic().ready]).then(() => {
    controller.resumeAfterReload();
    void controller.book.refreshStorage();
  });

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
