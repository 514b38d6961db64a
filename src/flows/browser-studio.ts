import { idbKeyvalBackend, openStudioStore } from '../lib/store';
import { TabOwner } from '../lib/core/tabs/tab-owner';
import { TAB_NAMES, broadcastChannel } from './browser-tabs';
import { createIngestBridge, ingestPort } from './bridge/ingest-port';
import { imageStorePort } from './bridge/image-store-port';
import { createStudentPort } from './bridge/student-port';
import { idbKeyValue } from '../state/persist/idb';
import { loadModelFolder } from '../state/persist/model-folders';
import { createStudio, type Studio } from './studio';
import { createStudioStore } from '../state/store';
import { createBrowserTraining, type TrainingActions } from './train/browser-training';

/** The studio as the browser runs it: state in IndexedDB, images through the ingest worker, the student worker. */
export function createBrowserStudio(): Studio & { training: TrainingActions } {
  // Every tab of the studio shares the records; one tab at a time (the lock's holder) runs the work.
  const state = createStudioStore(idbKeyValue(), { channel: broadcastChannel(TAB_NAMES.recordsChannel) });
  const opened = openStudioStore({
    backend: idbKeyvalBackend('capgrad'),
    estimate: () => navigator.storage.estimate(),
  });
  const ingestBridge = createIngestBridge();
  const student = createStudentPort({ store: state.api, folderFiles: loadModelFolder });
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
    ingest: ingestPort(ingestBridge),
    images: imageStorePort(opened),
    student: student.port,
  });
  // Training shares the student worker (and its GPU device) through the same bridge.
  const training = createBrowserTraining({
    store: state.api,
    opened,
    bridge: student.bridge,
    studio,
    ingest: ingestPort(ingestBridge),
    images: imageStorePort(opened),
    folderFiles: loadModelFolder,
    persisted: state.flush,
    requests: broadcastChannel(TAB_NAMES.requestsChannel),
    onRemoteChange: state.onRemoteChange,
    resync: state.resync,
  });
  // Writes still pending when the tab goes away: give them their chance.
  addEventListener('pagehide', () => void state.flush());
  // A hidden tab may have missed another tab's messages: read the records again when it is shown.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void state.resync();
  });
  return {
    ...studio,
    training,
    dispose() {
      studio.dispose();
      owner.dispose();
      state.dispose();
      ingestBridge.dispose();
      student.bridge.dispose();
    },
  };
}
