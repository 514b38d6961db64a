import type { Studio } from '../flows/studio';
import type { CapgradSnapshot } from './test-hook-types';

/**
 * The typed hook the e2e tests read numbers through. `__CAPGRAD_TEST__` is false outside test builds, so
 * the bundler drops this body (and the hook) from real builds.
 */
export function installTestHook(studio: Studio): void {
  if (!__CAPGRAD_TEST__) return;
  const snapshot = (): CapgradSnapshot => {
    const s = studio.store.getState();
    return {
      cards: s.order.map((id) => s.cards[id]).filter((card) => card !== undefined),
      run: s.run,
      student: {
        status: s.student.status,
        device: s.student.device,
        modelId: s.student.info?.modelId ?? null,
      },
      settings: s.settings,
      storageProblem: s.storageProblem,
      tabRole: studio.owner?.state.role ?? null,
    };
  };
  window.__capgrad = {
    settled: () => studio.settled(),
    snapshot,
    subscribe: (listener) => studio.store.subscribe(() => listener(snapshot())),
  };
}
