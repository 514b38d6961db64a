import type { Areas, KvArea } from './kv';

export interface RepairReport {
  /** Images whose metadata, file or thumbnail was missing: removed entirely (to be dropped again). */
  incompleteImages: string[];
  incompleteCheckpoints: string[];
  /** Captions of images that are no longer stored. */
  orphanCaptions: number;
}

/** Group `<part>/<id>` keys by id. */
function partsById(keys: string[]): Map<string, Set<string>> {
  const byId = new Map<string, Set<string>>();
  for (const key of keys) {
    const slash = key.indexOf('/');
    if (slash < 0) continue;
    const id = key.slice(slash + 1);
    const parts = byId.get(id) ?? new Set<string>();
    parts.add(key.slice(0, slash));
    byId.set(id, parts);
  }
  return byId;
}

/** Remove every record of an id that lacks one of `required`; returns the ids removed. */
async function dropIncomplete(area: KvArea, required: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  const doomed: string[] = [];
  for (const [id, parts] of partsById(await area.keys())) {
    if (required.every((part) => parts.has(part))) continue;
    removed.push(id);
    for (const part of parts) doomed.push(`${part}/${id}`);
  }
  if (doomed.length > 0) await area.delMany(doomed);
  return removed;
}

/**
 * Load-time consistency check. The store writes an image's parts in one transaction, so a full
 * disk leaves nothing behind; this catches what an interrupted non-atomic write (or an older
 * version) might have left, so the UI never shows an image whose file is gone.
 */
export async function repairStore(areas: Areas): Promise<RepairReport> {
  const incompleteImages = await dropIncomplete(areas.images, ['meta', 'file', 'thumb']);
  const incompleteCheckpoints = await dropIncomplete(areas.checkpoints, ['meta', 'data']);
  const imageIds = new Set(
    (await areas.images.keys()).filter((k) => k.startsWith('meta/')).map((k) => k.slice('meta/'.length)),
  );
  const orphans = (await areas.captions.keys()).filter(
    (key) => !imageIds.has(key.slice(0, key.indexOf('/'))),
  );
  if (orphans.length > 0) await areas.captions.delMany(orphans);
  return { incompleteImages, incompleteCheckpoints, orphanCaptions: orphans.length };
}
