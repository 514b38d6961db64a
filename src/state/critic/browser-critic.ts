import { createIngestBridge } from '../bridge/ingest-port';
import { idbKeyValue } from '../persist/idb';
import type { Studio } from '../pipeline/studio';
import { createCriticDataPort, createTeacherPort } from './browser-ports';
import type { Critic } from './critic';
import { createCritic } from './critic';
import { persistCritic } from './persist';

const critics = new WeakMap<Studio, Critic>();

/** The critic as the browser runs it, one per studio: the teacher worker, IndexedDB, its own image decoder. */
export function browserCritic(studio: Studio): Critic {
  let critic = critics.get(studio);
  if (critic !== undefined) return critic;
  const origin = location.origin;
  const store = studio.store;
  const teacher = createTeacherPort(store, origin);
  const ingest = createIngestBridge();
  const persistence = persistCritic(store, idbKeyValue(), (error) =>
    store
      .getState()
      .reportNotSaved('the critic’s results', error instanceof Error ? error.message : String(error)),
  );
  const created = createCritic({
    store,
    teacher: teacher.port,
    data: createCriticDataPort(ingest),
    persistence,
    studioReady: studio.ready,
  });
  critic = {
    ...created,
    dispose() {
      created.dispose();
      teacher.bridge.dispose();
      ingest.dispose();
    },
  };
  critics.set(studio, critic);
  addEventListener('pagehide', () => void persistence.flush());
  return critic;
}
