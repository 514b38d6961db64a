import { createIngestBridge } from '../bridge/ingest-port';
import { TAB_NAMES, broadcastChannel } from '../browser-tabs';
import { idbKeyValue } from '../../state/persist/idb';
import type { Studio } from '../studio';
import { createCriticDataPort, createTeacherPort } from './browser-ports';
import type { Critic } from './critic';
import { createCritic } from './critic';
import { persistCritic } from '../../state/persist/critic';

/**
 * One critic per studio, keyed by the studio's store: the app and the training wiring hold different objects
 * for the same studio (createBrowserStudio returns the studio spread with its training), and a second critic
 * meant a second teacher worker, a second runner taking the same queued items, and a second writer of the
 * same records, whose refused writes rolled items back to 'queued' after the first had finished them.
 */
const critics = new WeakMap<Studio['store'], Critic>();

/** The critic as the browser runs it, one per studio: the teacher worker, IndexedDB, its own image decoder. */
export function browserCritic(studio: Studio): Critic {
  let critic = critics.get(studio.store);
  if (critic !== undefined) return critic;
  const origin = location.origin;
  const store = studio.store;
  const teacher = createTeacherPort(store, origin);
  const ingest = createIngestBridge();
  // The critic's records share the studio's channel: a follower tab sees critiques as the owner stores them.
  const channel = broadcastChannel(TAB_NAMES.recordsChannel);
  const persistence = persistCritic(
    store,
    idbKeyValue(),
    (error) =>
      store
        .getState()
        .reportNotSaved('the critic’s results', error instanceof Error ? error.message : String(error)),
    { channel },
  );
  const created = createCritic({
    store,
    teacher: teacher.port,
    data: createCriticDataPort(ingest),
    persistence,
    studioReady: studio.ready,
    ...(studio.owner === null ? {} : { tabs: { owner: studio.owner, onHandOver: studio.onHandOver } }),
  });
  critic = {
    ...created,
    dispose() {
      created.dispose();
      teacher.bridge.dispose();
      ingest.dispose();
      channel.close();
    },
  };
  critics.set(studio.store, critic);
  addEventListener('pagehide', () => void persistence.flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void persistence.resync();
  });
  return critic;
}
