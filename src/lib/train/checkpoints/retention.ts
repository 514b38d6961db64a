/**
 * When to write a checkpoint and which ones to keep (issue 5, "Keeping it"). Checkpoints are written every N
 * optimizer steps (so a reload loses at most N steps) and at the end of every round (they carry the round's
 * scores the UI lists). Kept: the last K by creation, every round end (unless turned off), the one pinned by
 * the person, and the one training now continues from (after a rollback it may be old). Nothing else is.
 *
 * "Last" means last written, not highest step: after a rollback to step 40, the new branch's step-50
 * checkpoint is newer than the abandoned branch's step 80.
 */
import { LoopSettingsError } from '../rounds/errors';

export interface CheckpointPolicy {
  /** Write one every this many optimizer steps (N). */
  readonly everySteps: number;
  /** Keep this many of the most recent (K, at least 1: the latest is what a reload resumes from). */
  readonly keepLast: number;
  /** Keep every round-end checkpoint whatever its age. */
  readonly keepRoundEnds: boolean;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  everySteps: 50,
  keepLast: 3,
  keepRoundEnds: true,
};

export interface CheckpointEntry {
  readonly id: string;
  readonly step: number;
  readonly round: number;
  readonly kind: 'interval' | 'round-end';
  /** UTC ms; ties are broken by step, then id, so the order is total. */
  readonly createdAt: number;
  readonly byteLength?: number;
}

export type KeepReason = 'recent' | 'round-end' | 'pinned' | 'current';

export interface RetentionPlan {
  /** Kept checkpoints, newest first, each with every reason it is kept. */
  readonly keep: readonly { readonly id: string; readonly reasons: readonly KeepReason[] }[];
  /** Ids to delete, oldest first. */
  readonly remove: readonly string[];
  readonly keptBytes: number;
  readonly freedBytes: number;
}

export function validateCheckpointPolicy(policy: CheckpointPolicy): void {
  if (!Number.isInteger(policy.everySteps) || policy.everySteps < 1) {
    throw new LoopSettingsError(
      `Checkpoints every ${policy.everySteps} steps: use a whole number of at least 1.`,
    );
  }
  if (!Number.isInteger(policy.keepLast) || policy.keepLast < 1) {
    throw new LoopSettingsError(
      `Keep the last ${policy.keepLast} checkpoints: use a whole number of at least 1.`,
    );
  }
}

/** Whether optimizer step `step` (1-based count of updates done) ends with an interval checkpoint. */
export function isCheckpointStep(step: number, policy: CheckpointPolicy): boolean {
  validateCheckpointPolicy(policy);
  return step > 0 && step % policy.everySteps === 0;
}

function newestFirst(a: CheckpointEntry, b: CheckpointEntry): number {
  return b.createdAt - a.createdAt || b.step - a.step || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function planRetention(
  checkpoints: readonly CheckpointEntry[],
  protect: { readonly pinned?: Iterable<string>; readonly current?: string | null },
  policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
): RetentionPlan {
  validateCheckpointPolicy(policy);
  const pinned = new Set(protect.pinned ?? []);
  const sorted = [...checkpoints].sort(newestFirst);
  const keep: { id: string; reasons: KeepReason[] }[] = [];
  const remove: string[] = [];
  let keptBytes = 0;
  let freedBytes = 0;
  sorted.forEach((c, i) => {
    const reasons: KeepReason[] = [];
    if (i < policy.keepLast) reasons.push('recent');
    if (policy.keepRoundEnds && c.kind === 'round-end') reasons.push('round-end');
    if (pinned.has(c.id)) reasons.push('pinned');
    if (protect.current === c.id) reasons.push('current');
    if (reasons.length > 0) {
      keep.push({ id: c.id, reasons });
      keptBytes += c.byteLength ?? 0;
    } else {
      remove.push(c.id);
      freedBytes += c.byteLength ?? 0;
    }
  });
  return { keep, remove: remove.reverse(), keptBytes, freedBytes };
}

/**
 * Whether the person may delete `id` by hand: any checkpoint but the one training continues from (deleting
 * that would make a reload start over). Pinned ones may be deleted on purpose; the UI asks first.
 */
export function canDeleteCheckpoint(id: string, current: string | null | undefined): boolean {
  return id !== current;
}
