import type { ImageDescription, IngestRecord } from '../ingest';

/** Bump with a new entry in MIGRATIONS whenever a stored record changes shape. */
export const SCHEMA_VERSION = 1;
export const SCHEMA_VERSION_KEY = 'schemaVersion';

/**
 * Everything about an image except its pixels (area `images`, key `meta/<id>`). It is stored: a field added to
 * ImageDescription changes its shape (bump SCHEMA_VERSION).
 */
export interface ImageMeta extends ImageDescription {
  addedAt: number;
}

export function imageMetaFromRecord(record: IngestRecord, addedAt: number): ImageMeta {
  const { id, name, mime, format, byteLength, width, height, sourceWidth, sourceHeight, orientation } =
    record;
  const { info, warnings } = record;
  return {
    id,
    name,
    mime,
    format,
    byteLength,
    width,
    height,
    sourceWidth,
    sourceHeight,
    orientation,
    info,
    warnings,
    addedAt,
  };
}

/** A captioning model, pinned: captions and cache entries are keyed by both. */
export interface ModelRef {
  id: string;
  revision: string;
}

/** One caption in an image's history for one model (version 0 = the student's first caption). */
export interface CaptionVersion {
  version: number;
  text: string;
  /** Who wrote it: the student, the critic's rewrite, or the person. */
  source: 'student' | 'refined' | 'user';
  createdAt: number;
  /** Generation settings, critique id, prompt version… as the writer sees fit. */
  extra?: Record<string, unknown>;
}

export type JobStatus = 'queued' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';
export type JobItemState = 'pending' | 'done' | 'failed';

export interface JobItem {
  id: string;
  state: JobItemState;
  message?: string;
}

/** A resumable queue of work over images (captioning, evidence, training…). */
export interface JobState {
  id: string;
  /** What the job does, e.g. 'caption'; the UI decides. */
  kind: string;
  status: JobStatus;
  items: JobItem[];
  params?: Record<string, unknown>;
  /** Set when a reload found it 'running' and put it back in the queue. */
  interrupted?: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A stored checkpoint's description (area `checkpoints`, key `meta/<id>`; bytes at `data/<id>`). */
export interface CheckpointMeta {
  id: string;
  label: string;
  byteLength: number;
  createdAt: number;
  extra?: Record<string, unknown>;
}
