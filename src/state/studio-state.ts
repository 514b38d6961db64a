import type { StateCreator } from 'zustand';
import type { CriticSlice } from './slices/critic';
import type { IngestSlice } from './slices/ingest';
import type { ModelsSlice } from './slices/models';
import type { CaptionSlice } from './slices/caption';
import type { SettingsSlice } from './slices/settings';
import type { TrainingSlice } from './slices/train';

/** The whole UI state: six typed slices, one per stage besides the shared models and settings (README.md), combined once in store.ts (middleware only there). */
export type StudioState = IngestSlice &
  ModelsSlice &
  CaptionSlice &
  SettingsSlice &
  CriticSlice &
  TrainingSlice;

/** A slice's creator, typed for the persist middleware that wraps the combined store. */
export type SliceCreator<Slice> = StateCreator<StudioState, [['zustand/persist', unknown]], [], Slice>;
