import { idbKeyvalBackend, openStudioStore } from '../lib/store';
import { createIngestBridge, ingestPort } from './bridge/ingest-port';
import { imageStorePort } from './bridge/image-store-port';
import { createStudentPort } from './bridge/student-port';
import { idbKeyValue } from './persist/idb';
import { loadModelFolder } from './persist/model-folders';
import { createStudio, type Studio } from './pipeline/studio';
import { createStudioStore } from './store';

/** The studio as the browser runs it: state in IndexedDB, images through the ingest worker, the student worker. */
export function createBrowserStudio(): Studio {
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
  // Writes still pending when the tab goes away: give them their chance.
  addEventListener('pagehide', () => void state.flush());
  return {
    ...studio,
    dispose() {
      studio.dispose();
      ingestBridge.dispose();
      student.bridge.dispose();
    },
  };
}
