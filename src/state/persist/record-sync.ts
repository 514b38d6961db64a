/**
 * The revision logic of per-record storage, shared by every family of records a tab keeps in IndexedDB (the
 * studio's cards, settings and training fields in storage.ts; the critic's items and settings in
 * src/state/persist/critic.ts). One copy of it, so both families get the same guarantee:
 *
 * - a tab writes only the records whose value it changed, and only over the revision it knows (compare-and-set
 *   inside one transaction), so a tab holding an old copy cannot erase or roll back what another tab wrote:
 *   its write of that record is refused, and the stored record is read back into it instead;
 * - a record is deleted only by a tab that saw it and removed it (a record it never saw is not in `known`);
 * - after each write the other tabs are told which keys changed (a BroadcastChannel) and read them.
 *
 * Writes behind: at most one transaction in flight, then one more with everything that changed meanwhile
 * (captioning changes the state on every decode step).
 */
import { canonicalJson } from '../../lib/store/cache-key';
import type { ChannelLike } from '../../lib/core/tabs/tab-owner';
import { isStoredRecord, type StoredRecord } from './records';
import type { KeyValue } from './key-value';

/** What one tab tells the others after a write: these record keys changed. */
export interface RecordsChangedMessage {
  type: 'capgrad-records-changed';
  keys: string[];
}
export const isRecordsChanged = (m: unknown): m is RecordsChangedMessage =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'capgrad-records-changed';

/** The live state of one family cut into records (key → value); cards keep their order as `seqs`. */
export interface RecordSnapshot {
  values: Map<string, unknown>;
  seqs?: Map<string, number>;
}

export interface RecordSyncOptions {
  /** Which keys belong to this family (reads, reloads and deletions touch no others). */
  owns: (key: string) => boolean;
  /** Keys that are removed when they leave the snapshot (cards, critic items, checkpoint rows). */
  deletable: (key: string) => boolean;
  /** This family's records as the live state has them now (read at write time, never a stale snapshot). */
  current: () => RecordSnapshot;
  /** Records that another tab wrote, newer than this tab's copy: put them in the live state. */
  apply: (changed: ReadonlyMap<string, StoredRecord>) => void;
  /** Tells the other tabs which records this one wrote (a BroadcastChannel in the app). */
  channel?: ChannelLike;
  /** A write failed (quota or otherwise); what was stored before is still there, whole. */
  onWriteError: (error: unknown) => void;
  /** Extra puts in the same transaction as a write (the studio's layout marker); called once per write. */
  alsoWrite?: () => Array<[string, unknown]>;
  /** The write with `alsoWrite`'s puts committed. */
  onCommitted?: () => void;
}

export interface RecordSync {
  /** Reads this family's records, remembers their revisions, and starts writing changes. */
  hydrate(): Promise<Map<string, StoredRecord>>;
  /** Writes what changed since the last write (behind; resolves when this round is written). */
  schedule(): Promise<void>;
  /** Resolves once everything changed so far is written (or failed). */
  flush(): Promise<void>;
  /** Reads `keys` again (another tab wrote them) and applies whatever is newer than this tab's copy. */
  reload(keys: readonly string[]): Promise<void>;
  /** Reads every record again (after this tab may have missed messages, e.g. it was frozen). */
  resync(): Promise<void>;
  /** No writes from now on (the stored state is newer than this studio). */
  block(): void;
  /** Writes may start although nothing was read (the read failed: the studio starts empty, as before). */
  start(): void;
}

/**
 * This tab's copy of one record: the revision it last read or wrote, and the value's JSON (null: deleted).
 * Canonical JSON (keys sorted): a value read back through a validator comes out with its keys in the
 * schema's order, and the same value in another key order is not a change to write.
 */
interface Known {
  rev: number;
  json: string | null;
  seq?: number;
}

export function createRecordSync(kv: KeyValue, options: RecordSyncOptions): RecordSync {
  const known = new Map<string, Known>();
  let hydrated = false;
  let blocked = false;
  let dirty = false;
  let inFlight: Promise<void> | null = null;
  // A change whose write failed is not retried as is (reporting the failure changes state, which would
  // try the same write again, forever); the next different change is tried.
  let lastFailed: string | null = null;
  // Reads of other tabs' writes and this tab's own writes take turns. A read during a write could see the
  // write committed before this tab has learnt the new revision, take it for another tab's, and roll the live
  // state back to what it was when the write began (an item finished meanwhile would read as queued again).
  let turn: Promise<void> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work);
    turn = run.then(
      () => {},
      () => {},
    );
    return run;
  };

  const remember = (key: string, record: StoredRecord): void => {
    const previous = known.get(key);
    const seq = record.seq ?? previous?.seq;
    known.set(key, {
      rev: record.rev,
      // null is a deletion only for records that can be deleted; a field whose value is null (no training
      // position yet) is that value. Read as a deletion, every tab that opened wrote the null again, bumping
      // the revision under the owner, whose next write of the field was then refused and rolled back.
      json: record.value === null && options.deletable(key) ? null : canonicalJson(record.value),
      ...(seq === undefined ? {} : { seq }),
    });
  };

  /** Records newer than this tab's copy go into the live state (the stored one wins every conflict). */
  const takeNewer = (keys: readonly string[], values: readonly unknown[]): void => {
    const changed = new Map<string, StoredRecord>();
    keys.forEach((key, i) => {
      const record = values[i];
      if (!isStoredRecord(record)) return;
      if (record.rev <= (known.get(key)?.rev ?? 0)) return;
      changed.set(key, record);
    });
    if (changed.size === 0) return;
    for (const [key, record] of changed) remember(key, record);
    options.apply(changed);
    // The live state now reads back the stored values; remember their JSON as the live state writes it,
    // so the next diff does not write them back.
    const { values: live } = options.current();
    for (const key of changed.keys()) {
      const entry = known.get(key);
      if (entry === undefined) continue;
      const value = live.get(key);
      entry.json = value === undefined ? null : canonicalJson(value);
    }
  };

  const writeChanges = async (): Promise<void> => {
    const { values, seqs } = options.current();
    const writes: { key: string; base: number; record: Omit<StoredRecord, 'rev'>; json: string | null }[] =
      [];
    for (const [key, value] of values) {
      const json = canonicalJson(value);
      const mine = known.get(key);
      if (mine?.json === json) continue;
      const seq = mine?.seq ?? seqs?.get(key);
      writes.push({
        key,
        base: mine?.rev ?? 0,
        record: { value, ...(seq === undefined ? {} : { seq }) },
        json,
      });
    }
    // Only what this tab knew and removed is deleted: a record it never saw is not in `known`.
    for (const [key, mine] of known) {
      if (mine.json !== null && !values.has(key) && options.deletable(key)) {
        writes.push({ key, base: mine.rev, record: { value: null }, json: null });
      }
    }
    const extra = options.alsoWrite?.() ?? [];
    if (writes.length === 0 && extra.length === 0) return;
    const signature = JSON.stringify(writes.map((w) => [w.key, w.base, w.json]));
    if (signature === lastFailed) return;

    const written: string[] = [];
    const refused: string[] = [];
    try {
      await kv.updateMany(
        writes.map((w) => w.key),
        (stored) => {
          written.length = 0;
          refused.length = 0;
          const puts: Array<[string, unknown]> = [];
          writes.forEach((w, i) => {
            const current = stored[i];
            const rev = isStoredRecord(current) ? current.rev : 0;
            if (rev !== w.base) {
              refused.push(w.key); // another tab wrote it since this tab's copy: that one stands
              return;
            }
            puts.push([w.key, { ...w.record, rev: rev + 1 } satisfies StoredRecord]);
            written.push(w.key);
          });
          return [...puts, ...extra];
        },
      );
      lastFailed = null;
      options.onCommitted?.();
    } catch (error) {
      lastFailed = signature;
      options.onWriteError(error);
      return;
    }
    for (const w of writes) {
      if (!written.includes(w.key)) continue;
      const seq = w.record.seq;
      known.set(w.key, { rev: w.base + 1, json: w.json, ...(seq === undefined ? {} : { seq }) });
    }
    if (written.length > 0) {
      options.channel?.postMessage({
        type: 'capgrad-records-changed',
        keys: written,
      } satisfies RecordsChangedMessage);
    }
    if (refused.length > 0) takeNewer(refused, await kv.getMany(refused));
  };

  const drain = async (): Promise<void> => {
    // Yield first, so the caller has stored this promise in `inFlight` before the loop can end and clear it.
    await Promise.resolve();
    while (dirty) {
      dirty = false;
      await inTurn(writeChanges);
    }
    inFlight = null;
  };

  const readAll = async (): Promise<{ keys: string[]; values: unknown[] }> => {
    const keys = (await kv.keys()).filter(options.owns);
    return { keys, values: await kv.getMany(keys) };
  };

  return {
    async hydrate() {
      try {
        const { keys, values } = await readAll();
        const records = new Map<string, StoredRecord>();
        keys.forEach((key, i) => {
          const record = values[i];
          if (!isStoredRecord(record)) return;
          remember(key, record);
          records.set(key, record);
        });
        return records;
      } finally {
        hydrated = true;
      }
    },
    schedule() {
      if (!hydrated || blocked) return Promise.resolve();
      dirty = true;
      inFlight ??= drain();
      return inFlight;
    },
    async flush() {
      while (inFlight !== null) await inFlight;
    },
    async reload(keys) {
      const wanted = keys.filter(options.owns);
      if (!hydrated || wanted.length === 0) return;
      await inTurn(async () => takeNewer(wanted, await kv.getMany(wanted)));
    },
    async resync() {
      if (!hydrated) return;
      await inTurn(async () => {
        const { keys, values } = await readAll();
        takeNewer(keys, values);
      });
    },
    block() {
      blocked = true;
    },
    start() {
      hydrated = true;
    },
  };
}
