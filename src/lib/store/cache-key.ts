import { sha256Hex } from '../ingest';
import type { ModelRef } from './schema';

export interface CacheKeyParts {
  imageId: string;
  model: ModelRef;
  /** e.g. 'caption', 'od', 'dense-caption', 'critique'. */
  task: string;
  /** Region in image pixels and zoom level; absent for the whole image. */
  crop?: { x: number; y: number; width: number; height: number; zoom?: number };
  promptVersion?: string | number;
  /** Anything else that changes the result (generation settings, caption text…). */
  extra?: Record<string, unknown>;
}

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A stable content address for a stage's output: same inputs, same key, in any order of fields. */
export function cacheKey(parts: CacheKeyParts): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalJson(parts)));
}
