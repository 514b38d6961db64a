/**
 * The studio as the browser runs it, wired once, in dependency order: the records and the image database, the
 * worker bridges (ingest, student, teacher), which tab owns the work, then the flows (captioning, the critic,
 * training), each given its ports as arguments. src/main.tsx calls this once; the app reads the returned
 * objects through its context, so there is exactly one studio, one critic and one training per page.
 */
import { idbKeyvalBackend, openStudioStore } from '../lib/store';
import { TabOwner } from '../lib/core/tabs/tab-owner';
import { idbKeyValue } from '../state/persist/idb';
import { persistCritic } from '../state/persist/critic';
import { loadModelFolder } from '../state/persist/model-folders';
import { createStudioStore } from '../state/store';
import { TAB_NAMES, broadcastChannel } from './browser-tabs';
import { imageStorePort } from './bridge/image-store-port';
import { createIngestBridge, ingestPort } from './bridge/ingest-port';
import { createStudentPort } from './bridge/student-port';
import { createCriticDataPort, createTeacherPort } from './critic/browser-ports';
import { createCritic, type Critic } from './critic/critic';
import { createStudio, type Studio } from './studio';
import { createBrowserTraining, type TrainingActions } from './train/browser-training';

export interface BrowserStudio {
  readonly studio: Studio;
  readonly critic: Critic;
  readonly training: TrainingActions;
  /** Stops every flow, lets go of the lock and the channels, and terminates the workers. */
  dispose(): void;
}

export function wireBrowserStudio(): BrowserStudio {
  // The records every tab shares (the UI state database), and the images, captions and checkpoints.
  const uiState = idbKeyValue();
  const recordsChannel = broadcastChannel(TAB_NAMES.recordsChannel);
  const state = createStudioStore(uiState, { channel: recordsChannel });
  const opened = openStudioStore({
    backend: idbKeyvalBackend('capgrad'),
    estimate: () => navigator.storage.estimate(),
  });
  const images = imageStorePort(opened);

  // One worker per role. Training shares the student's worker (and its GPU device); the critic decodes
  // through the same ingest worker as the studio.
  const ingestBridge = createIngestBridge();
  const ingest = ingestPort(ingestBridge);
  const student = createStudentPort({ store: state.api, folderFiles: loadModelFolder });
  const teacher = createTeacherPort(state.api, location.origin);

  // One tab at a time (the lock's holder) runs the work; handing over stops every flow (studio.onHandOver).
  const owner = new TabOwner({
    locks: navigator.locks,
    channel: broadcastChannel(TAB_NAMES.ownerChannel),
    lockName: TAB_NAMES.ownerLock,
    stopWork: () => studio.handOver(),
  });

  const studio = createStudio({
    store: state.api,
    owner,
    onRemoteChange: state.onRemoteChange,
    resync: state.resync,
    hydrated: Promise.all([state.hydrated, opened]).then(() => undefined),
    flush: state.flush,
    ingest,
    images,
    student: student.port,
  });

  // The critic's records go over their own handle on the records channel: a follower tab sees critiques as
  // the owner stores them (a BroadcastChannel does not hear its own messages, and the studio's records
  // storage hears the critic's).
  const criticChannel = broadcastChannel(TAB_NAMES.recordsChannel);
  const criticRecords = persistCritic(
    state.api,
    uiState,
    (error) =>
      state.api
        .getState()
        .reportNotSaved('the critic’s results', error instanceof Error ? error.message : String(error)),
    { channel: criticChannel },
  );
  const critic = createCritic({
    store: state.api,
    teacher: teacher.port,
    data: createCriticDataPort(opened, ingestBridge),
    persistence: criticRecords,
    studioReady: studio.ready,
    tabs: { owner, onHandOver: studio.onHandOver },
  });

  const training = createBrowserTraining({
    store: state.api,
    opened,
    bridge: student.bridge,
    studio,
    critic,
    ingest,
    images,
    folderFiles: loadModelFolder,
    persisted: state.flush,
    tabs: {
      owner,
      requests: broadcastChannel(TAB_NAMES.requestsChannel),
      onHandOver: studio.onHandOver,
      onRemoteChange: state.onRemoteChange,
      resync: state.resync,
    },
  });

  // Writes still pending when the tab goes away: give them their chance.
  addEventListener('pagehide', () => {
    void state.flush();
    void criticRecords.flush();
  });
  // A hidden tab may have missed another tab's messages: read the records again when it is shown.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    void state.resync();
    void criticRecords.resync();
  });

  return {
    studio,
    critic,
    training,
    dispose() {
      critic.dispose();
      studio.dispose();
      owner.dispose();
      state.dispose();
      criticChannel.close();
      teacher.bridge.dispose();
      ingestBridge.dispose();
      student.bridge.dispose();
    },
  };
}
