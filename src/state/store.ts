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
  type PersistedState,
} from './persist/schema';
import { createStudioStorage, type KeyValue } from './persist/storage';
import { createCriticSlice } from './critic/slice';
import { createImagesSlice } from './slices/images';
import { createModelsSlice } from './slices/models';
import { createRunsSlice } from './slices/runs';
import { createSettingsSlice } from './slices/settings';
import { createTrainingSlice } from './slices/training';
import type { StudioState } from './studio-state';

export interface StudioStore {
  api: StoreApi<StudioState>;
  /** Resolves when the saved state is loaded (or found unreadable: then the studio starts empty). */
  hydrated: Promise<void>;
  /** Resolves when every state change so far is written. */
  flush: () => Promise<void>;
}

/**
 * The combined store: four slices, with the persist middleware applied once, here. `kv` is idb-keyval
 * bound to the studio's own database in the app, and the same over fake-indexeddb in tests.
 */
export function createStudioStore(kv: KeyValue): StudioStore {
  let api: StoreApi<StudioState> | null = null;
  const storage = createStudioStorage<PersistedState>(kv, {
    onWriteError: (error) =>
      api?.getState().reportNotSaved('captions and statuses since the last save', notSavedMessage(error)),
    onBlocked: (error) => api?.getState().reportNotSaved('anything in this tab', error.message),
  });
  let markHydrated: () => void = () => {};
  const hydrated = new Promise<void>((resolve) => (markHydrated = resolve));
  api = createStore<StudioState>()(
    persist(
      (...a) => ({
        ...createImagesSlice(...a),
        ...createModelsSlice(...a),
        ...createRunsSlice(...a),
        ...createSettingsSlice(...a),
        ...createCriticSlice(...a),
        ...createTrainingSlice(...a),
      }),
      {
        name: PERSIST_KEY,
        version: PERSIST_VERSION,
        storage,
        partialize: toPersisted,
        migrate: (persisted, version) =>
          runMigrations(persisted, version, PERSIST_VERSION, MIGRATIONS) as PersistedState,
        merge: mergePersisted,
        onRehydrateStorage: () => () => markHydrated(),
      },
    ),
  );
  return { api, hydrated, flush: () => storage.flush() };
}
