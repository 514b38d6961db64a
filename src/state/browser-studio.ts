import { idbKeyvalBackend, openStudioStore } from '../lib/store';
import { createIngestBridge, ingestPort } from './bridge/ingest-port';
import { imageStorePort } from './bridge/image-store-port';
import { createStudentPort } from './bridge/student-port';
import { idbKeyValue } from './persist/idb';
import { loadModelFolder } from './persist/model-folders';
import { createStudio, type Studio } from './pipeline/studio';
import { createStudioStore } from './store';
import { createBrowserTraining, type TrainingActions } from './training/browser-training';

/** The studio as the browser runs it: state in IndexedDB, images through the ingest worker, the student worker. */
export function createBrowserStudio(): Studio & { training: TrainingActions } {
  const state = createStudioStore(idbKeyValue());
  const opened = openStudioStore({
    backend: idbKeyvalBackend('capgrad'),
    estimate: () => navigator.storage.estimate(),
  });
  const ingestBridge = createIngestBridge();
  const student = createStudentPort({ store: state.api, folderFiles: loadModelFolder });
  const studio = createStudio({
    store: state.api,
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
  });
  // Writes still pending when the tab goes away: give them their chance.
  addEventListener('pagehide', () => void state.flush());
  return {
    ...studio,
    training,
    dispose() {
      studio.dispose();
      ingestBridge.dispose();
      student.bridge.dispose();
    },
  };
}
