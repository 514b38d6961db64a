import type { CriticItem } from '../../lib/critic/records';
import type { Critic, CriticDetail } from '../../flows/critic/critic';
import type { CriticRunState, CriticSettings, TeacherState } from '../../state/slices/critic';
import type { Studio } from '../../flows/studio';

/** What `window.__capgradCritic` offers e2e tests in test builds: plain data, read through page.evaluate. */
export interface CriticTestHook {
  settled(): Promise<void>;
  snapshot(): CriticSnapshot;
  detail(id: string): Promise<CriticDetail>;
  /**
   * Critiques `caption` as image `id`'s caption instead of the student's (a fresh item, no decision). Test builds
   * only: the tests' student writes word salad, and no control lets a person choose the caption that is critiqued.
   */
  critiqueCaption(id: string, caption: string): void;
}

export interface CriticSnapshot {
  items: CriticItem[];
  run: CriticRunState;
  teacher: TeacherState;
  /** Without the key; `hasKey` says whether one is held. */
  settings: CriticSettings;
  hasKey: boolean;
}

declare global {
  interface Window {
    /** Present in test builds only. */
    __capgradCritic?: CriticTestHook;
  }
}

/** `__CAPGRAD_TEST__` is false outside test builds, so the bundler drops this body. */
export function installCriticTestHook(studio: Studio, critic: Critic): void {
  if (!__CAPGRAD_TEST__ || window.__capgradCritic !== undefined) return;
  window.__capgradCritic = {
    settled: () => critic.settled(),
    detail: (id) => critic.detail(id),
    critiqueCaption: (id, caption) => {
      studio.store.getState().criticPutItem({
        imageId: id,
        caption,
        captionModel: 'test hook',
        status: 'queued',
        decision: 'pending',
      });
      critic.start([id]); // queued already: this only starts the run
    },
    snapshot: () => {
      const s = studio.store.getState();
      return {
        items: s.order.map((id) => s.critic.items[id]).filter((i): i is CriticItem => i !== undefined),
        run: s.critic.run,
        teacher: s.critic.teacher,
        settings: s.critic.settings,
        hasKey: s.critic.apiKey !== '',
      };
    },
  };
}
