import type { CriticItem } from '../../lib/critic/records';
import type { DevicePreference, DeviceResolution } from '../../lib/core/devices';
import type { TeacherInfo } from '../../lib/evidence/teacher/types';
import { DEFAULT_FLORENCE_MODEL } from '../../lib/evidence/teacher/types';
import type { ErrorInfo } from './ingest';
import type { SliceCreator } from '../studio-state';
import type { EvidenceCalibration } from '../../lib/critic/calibration';

export type EngineChoice = 'template' | 'openai' | 'transformers';

/** What the person sets for the teacher (turned into TeacherSettings by teacher-settings.ts). */
export interface TeacherUserSettings {
  useFlorence: boolean;
  florenceModelId: string;
  device: DevicePreference;
  /** Zoom levels as grid sizes, e.g. [1, 2, 3]. */
  grids: number[];
  overlap: number;
  /** Zoom levels whose crops get Florence-2's region descriptions. */
  denseZooms: number[];
  maxNewTokens: number;
  numBeams: number;
}

export interface CriticSettings {
  engine: EngineChoice;
  openai: { baseUrl: string; model: string; saveKey: boolean };
  transformersModelId: string;
  maxSteps: number;
  ensemble: boolean;
  /**
   * Judge by the evidence's measured reliability (src/lib/critic/calibration.ts): a missed object is a
   * hallucination only where the detector would very likely have seen it, an omission only where its boxes are
   * usually right; the rest is left alone (shown as unverified). On by default: on COCO photos it calls 3 % of the
   * real objects in human captions hallucinated where the plain rule calls 19 % (docs/measurements.md).
   */
  calibrated: boolean;
  /**
   * A calibration measured on the person's own images with ground truth (Critic.measureCalibration), used
   * instead of the committed one (COCO photos) when set: a detector's blind spots depend on the images.
   */
  calibrationTable: EvidenceCalibration | null;
  teacher: TeacherUserSettings;
}

export const DEFAULT_CRITIC_SETTINGS: CriticSettings = {
  engine: 'template',
  openai: { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o', saveKey: false },
  transformersModelId: 'onnx-community/Qwen2.5-0.5B-Instruct',
  maxSteps: 3,
  ensemble: false,
  calibrated: true,
  calibrationTable: null,
  teacher: {
    useFlorence: true,
    florenceModelId: DEFAULT_FLORENCE_MODEL,
    device: 'auto',
    grids: [1, 2, 3],
    overlap: 0.25,
    denseZooms: [1, 2, 3],
    maxNewTokens: 256,
    numBeams: 3,
  },
};

export interface TeacherState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  device: DeviceResolution | null;
  info: TeacherInfo | null;
  error: ErrorInfo | null;
}

export interface CriticRunState {
  state: 'idle' | 'running' | 'paused' | 'cancelling';
  /** The person's intent, persisted: a paused critic stays paused after a reload. */
  paused: boolean;
  completed: number;
  total: number;
  /** What the teacher is doing now. */
  current: { imageId: string; stage: string; done: number; total: number } | null;
  error: ErrorInfo | null;
}

export interface CriticState {
  /** By image id; an image enters when the critic is asked to look at it. */
  items: Record<string, CriticItem>;
  run: CriticRunState;
  settings: CriticSettings;
  /** The OpenAI-compatible key: in memory only, unless settings.openai.saveKey. */
  apiKey: string;
  teacher: TeacherState;
  /** The image whose critique is open. */
  selected: string | null;
}

export interface CriticSlice {
  critic: CriticState;
  criticPutItem: (item: CriticItem) => void;
  criticPatchItem: (id: string, patch: Partial<CriticItem>) => void;
  criticRemoveItem: (id: string) => void;
  criticRunPatch: (patch: Partial<CriticRunState>) => void;
  criticSetSettings: (patch: Partial<CriticSettings>) => void;
  criticSetTeacherSettings: (patch: Partial<TeacherUserSettings>) => void;
  criticSetApiKey: (key: string) => void;
  criticTeacherPatch: (patch: Partial<TeacherState>) => void;
  criticSelect: (id: string | null) => void;
  /** Puts a saved critic state (persist.ts) into the live one. */
  criticRestore: (saved: Pick<CriticState, 'items' | 'settings' | 'apiKey'> & { paused: boolean }) => void;
}

export const IDLE_CRITIC_RUN: CriticRunState = {
  state: 'idle',
  paused: false,
  completed: 0,
  total: 0,
  current: null,
  error: null,
};

export const INITIAL_CRITIC: CriticState = {
  items: {},
  run: IDLE_CRITIC_RUN,
  settings: DEFAULT_CRITIC_SETTINGS,
  apiKey: '',
  teacher: { status: 'idle', device: null, info: null, error: null },
  selected: null,
};

/** The critic's slice: everything under one `critic` key, so it cannot collide with the other slices. */
export const createCriticSlice: SliceCreator<CriticSlice> = (set) => {
  const patch = (f: (c: CriticState) => Partial<CriticState>) =>
    set((s) => ({ critic: { ...s.critic, ...f(s.critic) } }));
  return {
    critic: INITIAL_CRITIC,
    criticPutItem: (item) => patch((c) => ({ items: { ...c.items, [item.imageId]: item } })),
    criticPatchItem: (id, p) =>
      patch((c) => {
        const item = c.items[id];
        return item === undefined ? {} : { items: { ...c.items, [id]: { ...item, ...p } } };
      }),
    criticRemoveItem: (id) =>
      patch((c) => {
        const { [id]: _gone, ...items } = c.items;
        return { items, selected: c.selected === id ? null : c.selected };
      }),
    criticRunPatch: (p) => patch((c) => ({ run: { ...c.run, ...p } })),
    criticSetSettings: (p) => patch((c) => ({ settings: { ...c.settings, ...p } })),
    criticSetTeacherSettings: (p) =>
      patch((c) => ({ settings: { ...c.settings, teacher: { ...c.settings.teacher, ...p } } })),
    criticSetApiKey: (apiKey) => patch(() => ({ apiKey })),
    criticTeacherPatch: (p) => patch((c) => ({ teacher: { ...c.teacher, ...p } })),
    criticSelect: (selected) => patch(() => ({ selected })),
    criticRestore: (saved) =>
      patch((c) => ({
        items: { ...saved.items, ...c.items },
        settings: saved.settings,
        apiKey: c.apiKey !== '' ? c.apiKey : saved.apiKey,
        run: { ...c.run, paused: saved.paused },
      })),
  };
};

/** Items in the order of the image grid. */
export function criticItemsInOrder(state: { order: string[]; critic: CriticState }): CriticItem[] {
  return state.order.map((id) => state.critic.items[id]).filter((i): i is CriticItem => i !== undefined);
}
