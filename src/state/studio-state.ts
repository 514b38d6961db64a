import type { StateCreator } from 'zustand';
import type { CriticSlice } from './slices/critic';
import type { ImagesSlice } from './slices/images';
import type { ModelsSlice } from './slices/models';
import type { RunsSlice } from './slices/runs';
import type { SettingsSlice } from './slices/settings';
import type { TrainingSlice } from './slices/train';

/** The whole UI state: four typed slices, combined once in store.ts (middleware only there). */
export type StudioState = ImagesSlice & ModelsSlice & RunsSlice & SettingsSlice & CriticSlice & TrainingSlice;

/** A slice's creator, typed for the persist middleware that wraps the combined store. */
export type SliceCreator<Slice> = StateCreator<StudioState, [['zustand/persist', unknown]], [], Slice>;
