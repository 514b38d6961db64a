import type { IngestOutcome as WorkerOutcome, IngestWorkerApi } from '../../../workers/ingest.worker';
import type { IngestPort } from '../studio-ports';
import { WorkerBridge } from './worker-bridge';

/** The ingest worker holds nothing worth keeping: it goes after a minute without files. */
const INGEST_IDLE_MS = 60_000;

export function createIngestBridge(): WorkerBridge<IngestWorkerApi> {
  return new WorkerBridge<IngestWorkerApi>({
    name: 'image decoder',
    idleMs: INGEST_IDLE_MS,
    create: () =>
      new Worker(new URL('../../../workers/ingest.worker.ts', import.meta.url), {
        type: 'module',
        name: 'ingest',
      }),
  });
}

/**
 * Ingest through the worker. File bytes are copied, not transferred: the page still stores them after
 * the worker has decoded them.
 */
export function ingestPort(bridge: WorkerBridge<IngestWorkerApi>): IngestPort {
  return {
    async ingest(bytes, name) {
      // Comlink's Remote type spreads over the union; the worker's own type is the truth.
      const outcome = await bridge.run((api) => api.ingestOne(bytes, name) as Promise<WorkerOutcome>);
      return outcome.ok
        ? outcome
        : { ok: false, error: { name: outcome.error.name, message: outcome.error.message } };
    },
    decode: (bytes, name) => bridge.run((api) => api.decode(bytes, name)),
  };
}
