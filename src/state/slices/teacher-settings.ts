import type { TeacherLoadOptions, TeacherSettings } from '../../lib/evidence/teacher/types';
import { DEFAULT_TEACHER_SETTINGS } from '../../lib/evidence/teacher/types';
import type { TeacherUserSettings } from './critic';

/** Where the app serves the detector's files: committed under public/models/fastestdet/ (see its README.md). */
export const TEACHER_DATA_URLS = {
  detectorModel: '/models/fastestdet/FastestDet.onnx',
  detectorNames: '/models/fastestdet/coco.names',
} as const;

/**
 * The sliding windows' overlap as the settings offer it, in steps of 0.05. The crop planner refuses 0.9 and
 * above (lib/evidence/crops.ts: windows would barely move), so the largest step is 0.85.
 */
export const OVERLAP_LIMITS = { min: 0, max: 0.85, step: 0.05 } as const;

export function isValidOverlap(v: unknown): v is number {
  return typeof v === 'number' && v >= OVERLAP_LIMITS.min && v <= OVERLAP_LIMITS.max;
}

const clampInt = (v: number, min: number, max: number, fallback: number): number =>
  Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;

/** The evidence settings the worker takes, from what the person set (dense zoom levels kept to the grids). */
export function toTeacherSettings(u: TeacherUserSettings): TeacherSettings {
  const d = DEFAULT_TEACHER_SETTINGS;
  const grids = [...new Set(u.grids)].sort((a, b) => a - b);
  return {
    ...d,
    crops: {
      grids: grids.length > 0 ? grids : [...d.crops.grids],
      overlap: isValidOverlap(u.overlap) ? u.overlap : d.crops.overlap,
    },
    denseRegionZooms: u.denseZooms.filter((z) => grids.includes(z)),
    maxNewTokens: clampInt(u.maxNewTokens, 1, 1024, d.maxNewTokens),
    numBeams: clampInt(u.numBeams, 1, 8, d.numBeams),
  };
}

export function toTeacherLoadOptions(u: TeacherUserSettings, origin: string): TeacherLoadOptions {
  return {
    florenceModelId: u.useFlorence && u.florenceModelId.trim() !== '' ? u.florenceModelId.trim() : null,
    device: u.device,
    detector: {
      modelUrl: `${origin}${TEACHER_DATA_URLS.detectorModel}`,
      namesUrl: `${origin}${TEACHER_DATA_URLS.detectorNames}`,
    },
  };
}

/** Whether a settings change means the loaded teacher no longer counts. */
export function needsReload(a: TeacherUserSettings, b: TeacherUserSettings): boolean {
  return a.useFlorence !== b.useFlorence || a.florenceModelId !== b.florenceModelId || a.device !== b.device;
}
