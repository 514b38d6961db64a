import type { DeviceResolution } from '../lib/core/devices';
import type { ImageCard, StorageProblem } from '../state/slices/ingest';
import type { CaptionRunState } from '../state/slices/caption';
import type { StudioSettings } from '../state/slices/settings';

/** What `window.__capgrad` offers e2e tests in test builds: plain data, read through page.evaluate. */
export interface CapgradTestHook {
  /** Resolves when nothing is being ingested or captioned and the state is written to IndexedDB. */
  settled(): Promise<void>;
  snapshot(): CapgradSnapshot;
  /**
   * Calls `listener` synchronously on every store change with the new snapshot; returns the unsubscribe. Lets a
   * test act at an exact point of a run (pause after the first caption) however fast the device captions.
   */
  subscribe(listener: (snapshot: CapgradSnapshot) => void): () => void;
  /** Where a test keeps a pending in-page action between page.evaluate calls (see StudioPage.clickWhenCaptioned). */
  armed?: Promise<void>;
}

export interface CapgradSnapshot {
  cards: ImageCard[];
  run: CaptionRunState;
  student: { status: string; device: DeviceResolution | null; modelId: string | null };
  settings: StudioSettings;
  storageProblem: StorageProblem | null;
  /** This tab's part in the studio's work (src/lib/core/tabs): 'owner' runs it, 'follower' shows it. */
  tabRole: string | null;
}

declare global {
  interface Window {
    /** Present in test builds only (see test-hook.ts). */
    __capgrad?: CapgradTestHook;
  }
}
