/**
 * What the repositories read back from IndexedDB, validated (valibot) instead of typed by a generic `get<T>`:
 * the database outlives the code, and a record written by an older studio or damaged reads as missing (a
 * list drops it) rather than reaching the caller with the wrong shape. Image metadata is ingest's shape and
 * is left to it; the cache and settings areas keep their generic reads (their callers own the shapes).
 */
import * as v from 'valibot';
import type { RgbaImage } from '../ingest';
import type { CaptionVersion, CheckpointMeta, JobState } from './schema';

const extra = v.optional(v.record(v.string(), v.unknown()));
const bytes = v.instance(Uint8Array);

const captionVersion = v.object({
  version: v.number(),
  text: v.string(),
  source: v.picklist(['student', 'refined', 'user']),
  createdAt: v.number(),
  extra,
}) satisfies v.GenericSchema<unknown, CaptionVersion>;

const checkpointMeta = v.object({
  id: v.string(),
  label: v.string(),
  byteLength: v.number(),
  createdAt: v.number(),
  extra,
}) satisfies v.GenericSchema<unknown, CheckpointMeta>;

const jobState = v.object({
  id: v.string(),
  kind: v.string(),
  status: v.picklist(['queued', 'running', 'paused', 'done', 'cancelled', 'failed']),
  items: v.array(
    v.object({
      id: v.string(),
      state: v.picklist(['pending', 'done', 'failed']),
      message: v.optional(v.string()),
    }),
  ),
  params: extra,
  interrupted: v.optional(v.boolean()),
  createdAt: v.number(),
  updatedAt: v.number(),
}) satisfies v.GenericSchema<unknown, JobState>;

const rgbaImage = v.object({
  width: v.number(),
  height: v.number(),
  data: bytes,
}) satisfies v.GenericSchema<unknown, RgbaImage>;

function readAs<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T | undefined {
  const result = v.safeParse(schema, value);
  return result.success ? result.output : undefined;
}

/** The values that read back, in order; the others are dropped. */
function readAll<T>(schema: v.GenericSchema<unknown, T>, values: readonly unknown[]): T[] {
  return values.flatMap((value) => {
    const read = readAs(schema, value);
    return read === undefined ? [] : [read];
  });
}

export const readBytes = (value: unknown): Uint8Array | undefined => readAs(bytes, value);
export const readRgbaImage = (value: unknown): RgbaImage | undefined => readAs(rgbaImage, value);
export const readJob = (value: unknown): JobState | undefined => readAs(jobState, value);
export const readJobs = (values: readonly unknown[]): JobState[] => readAll(jobState, values);
export const readCheckpointMetas = (values: readonly unknown[]): CheckpointMeta[] =>
  readAll(checkpointMeta, values);

/** A caption history: versions that do not read back are dropped; anything but a list is no history. */
export const readCaptionHistory = (value: unknown): CaptionVersion[] =>
  Array.isArray(value) ? readAll(captionVersion, value) : [];
