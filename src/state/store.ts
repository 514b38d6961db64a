import { persist } from 'zustand/middleware';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { notSavedMessage } from './persist/not-saved';
import {
  MIGRATIONS,
  PERSIST_KEY,
  PERSIST_VERSION,
  mergePersisted,
  runMigrations,
  toPersisted,
} from './persist/schema';
import type { ChannelLike } from '../lib/core/tabs/tab-owner';
import { applyRecords } from './persist/records';
import type { KeyValue } from './persist/key-value';
import { createStudioStorage, isRecordsChanged } from './persist/storage';
import { createCriticSlice } from './slices/critic';
import { createIngestSlice } from './slices/ingest';
import { createModelsSlice } from './slices/models';
import { createCaptionSlice } from './slices/caption';
import { createSettingsSlice } from './slices/settings';
import { createTrainingSlice } from './slices/train';
import type { StudioState } from './studio-state';

export interface StudioStore {
  api: StoreApi<StudioState>;
  /** Resolves when the saved state is loaded (or found unreadable: then the studio starts empty). */
  hydrated: Promise<void>;
  /** Resolves when every state change so far is written. */
  flush: () => Promise<void>;
  /** Calls `listener` after records another tab wrote were put in this tab's state (cards it added, say). */
  onRemoteChange: (listener: () => void) => () => void;
  /** Reads every record again (a tab that was hidden may have missed messages). */
  resync: () => Promise<void>;
  dispose: () => void;
}

export interface StudioStoreOptions {
  /** Where the tabs of this studio tell each other which records they wrote (a BroadcastChannel). */
  channel?: ChannelLike;
}

/**
 * The combined store: six slices, with the persist middleware applied once, here. `kv` is idb-keyval
 * bound to the studio's own database in the app, and the same over fake-indexeddb in tests.
 */
export function createStudioStore(kv: KeyValue, options: StudioStoreOptions = {}): StudioStore {
  let api: StoreApi<StudioState> | null = null;
  const remoteListeners = new Set<() => void>();
  const storage = createStudioStorage(kv, {
    current: () => toPersisted(api!.getState()),
    apply: (changed) => {
      api!.setState((s) => applyRecords(s, changed));
      for (const listener of [...remoteListeners]) listener();
    },
    ...(options.channel === undefined ? {} : { channel: options.channel }),
    onWriteError: (error) =>
      api?.getState().reportNotSaved('captions and statuses since the last save', notSavedMessage(error)),
    onBlocked: (error) => api?.getState().reportNotSaved('anything in this tab', error.message),
  });
  let markHydrated: () => void = () => {};
  const hydrated = new Promise<void>((resolve) => (markHydrated = resolve));
  api = createStore<StudioState>()(
    persist(
      (...a) => ({
        ...createIngestSlice(...a),
        ...createModelsSlice(...a),
        ...createCaptionSlice(...a),
        ...createSettingsSlice(...a),
        ...createCriticSlice(...a),
        ...createTrainingSlice(...a),
      }),
      {
        name: PERSIST_KEY,
        version: PERSIST_VERSION,
        storage,
        // Typed unknown (storage.ts says why): migrate and merge validate what was stored.
        partialize: (state): unknown => toPersisted(state),
        migrate: (persisted, version) => runMigrations(persisted, version, PERSIST_VERSION, MIGRATIONS),
        merge: mergePersisted,
        onRehydrateStorage: () => () => {
          // Cards added while the saved state was loading are written now (the storage waits for it).
          void storage.setItem(PERSIST_KEY, {
            state: toPersisted(api!.getState()),
            version: PERSIST_VERSION,
          });
          markHydrated();
        },
      },
    ),
  );
  const unsubscribe =
    options.channel?.subscribe((message) => {
      if (isRecordsChanged(message)) void storage.reload(message.keys);
    }) ?? (() => {});
  return {
    api,
    hydrated,
    flush: () => storage.flush(),
    onRemoteChange: (listener) => {
      remoteListeners.add(listener);
      return () => remoteListeners.delete(listener);
    },
    resync: () => storage.resync(),
    dispose: unsubscribe,
  };
}
