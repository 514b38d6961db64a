/**
 * What the studio keeps about the critic's work on one image (small, persisted with the UI state), the
 * person's decision on the refined caption, and the training candidates the next stage reads. Evidence and
 * refinements themselves are large and live in the content-addressed cache under the keys kept here.
 */
import type { EvidenceCalibration } from './calibration';
import {
  DEFAULT_VERDICT_THRESHOLDS,
  isBackedChange,
  isConfirmedOmission,
  mentionVerdict,
  objectChange,
  recallOf,
} from './calibration';
import type { Evidence } from '../evidence/evidence';
import type { Refinement } from './loop';
import { namedCategories } from '../vocabulary/object-words';
import type { SynonymTable } from '../vocabulary/synonyms';
import type { TrainingCandidate } from '../train/rounds/training-set';

export type CriticStatus = 'queued' | 'evidence' | 'refining' | 'done' | 'failed' | 'cancelled';
export type Decision = 'pending' | 'accepted' | 'edited' | 'rejected';

export interface CriticItem {
  readonly imageId: string;
  /** The student's caption that was critiqued, and the model that wrote it. */
  readonly caption: string;
  readonly captionModel: string;
  readonly status: CriticStatus;
  readonly error?: { readonly name: string; readonly message: string };
  readonly evidenceKey?: string;
  readonly refinementKey?: string;
  /** Engine id that critiqued it. */
  readonly engine?: string;
  readonly originalScore?: number;
  readonly bestScore?: number;
  /** The best-scoring version's caption (the refined caption offered for acceptance). */
  readonly refined?: string;
  readonly versions?: number;
  readonly stop?: Refinement['stop'];
  /** Engine failures recorded along the way (malformed replies, HTTP errors). */
  readonly failures?: number;
  /**
   * With calibrated verdicts only (absent: critiqued without them, or before they existed): whether every object
   * the best version drops is contradicted by the evidence and every object it adds is confirmed
   * (calibration.ts isBackedChange). An accepted rewrite that is not backed does not enter the training set.
   */
  readonly backed?: boolean;
  /** When `backed` is false: the changes the evidence does not back. */
  readonly unbackedChanges?: UnbackedChanges;
  readonly decision: Decision;
  /** The training target once accepted or edited. */
  readonly target?: string;
  /** The critic's score of the target (the best version's, or the rules' score of the person's edit). */
  readonly targetScore?: number;
  readonly decidedAt?: number;
}

/** An object the rewrite drops although the evidence does not contradict it. */
export interface UnbackedRemoval {
  readonly object: string;
  /** confirmed: the evidence shows it; unverified: the detector often misses such objects (or was measured too little). */
  readonly verdict: 'confirmed' | 'unverified';
  /** How often the detector finds this category when it is there, when measured. */
  readonly evidenceRecall?: number;
}

export interface UnbackedChanges {
  readonly removed: readonly UnbackedRemoval[];
  /** Objects the rewrite adds that no large detection of a category with usually-right boxes shows. */
  readonly added: readonly string[];
}

/**
 * Whether the best version's object changes (CHAIR's words of the critiqued caption and of the best version, as
 * the proving-ground bench compares them) are backed by the evidence under `calibration`, and if not, which.
 */
export function backing(
  caption: string,
  refinement: Refinement,
  evidence: Evidence,
  calibration: EvidenceCalibration,
  table: SynonymTable,
): Required<Pick<CriticItem, 'backed'>> & Pick<CriticItem, 'unbackedChanges'> {
  const best = refinement.versions[refinement.best]!;
  // CHAIR's words, as the proving-ground bench compares them.
  const change = objectChange(namedCategories(caption, table), namedCategories(best.caption, table));
  if (isBackedChange(change, evidence, calibration)) return { backed: true };
  const t = DEFAULT_VERDICT_THRESHOLDS;
  const removed = change.removed.flatMap((object): UnbackedRemoval[] => {
    const verdict = mentionVerdict(object, evidence, calibration, t);
    if (verdict === 'contradicted') return [];
    const recall = recallOf(calibration, object, t);
    return [{ object, verdict, ...(recall === null ? {} : { evidenceRecall: recall }) }];
  });
  const added = change.added.filter((c) => !isConfirmedOmission(c, evidence, calibration, t));
  return { backed: false, unbackedChanges: { removed, added } };
}

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 100;

/**
 * The backing fields of a stored item, validated: absent stays absent (critiqued without calibrated verdicts);
 * a `backed` that is not true reads as not backed (a damaged record must not let a rewrite into training), with
 * whatever of its changes reads back whole.
 */
export function readBacking(v: Record<string, unknown>): Pick<CriticItem, 'backed' | 'unbackedChanges'> {
  if (!('backed' in v) || v['backed'] === undefined) return {};
  if (v['backed'] === true) return { backed: true };
  const raw = v['unbackedChanges'];
  const changes = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
  const removed = list(changes['removed']).flatMap((r): UnbackedRemoval[] => {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const recall = o['evidenceRecall'];
    if (!isName(o['object']) || (o['verdict'] !== 'confirmed' && o['verdict'] !== 'unverified')) return [];
    const known = typeof recall === 'number' && recall >= 0 && recall <= 1;
    return [{ object: o['object'], verdict: o['verdict'], ...(known ? { evidenceRecall: recall } : {}) }];
  });
  return { backed: false, unbackedChanges: { removed, added: list(changes['added']).filter(isName) } };
}

const percent = (r: number) => `${Math.round(r * 100)} %`;

/** Why an item's best version is not backed, in words ("removes 'cup', which the detector often misses (…)"). */
export function notBackedReason(item: Pick<CriticItem, 'unbackedChanges'>): string {
  const c = item.unbackedChanges;
  const parts = [
    ...(c?.removed ?? []).map((r) =>
      r.verdict === 'confirmed'
        ? `removes '${r.object}', which the evidence shows`
        : r.evidenceRecall === undefined
          ? `removes '${r.object}', which the detector was measured on too rarely to tell whether it is there`
          : `removes '${r.object}', which the detector often misses (it finds ${percent(r.evidenceRecall)} of them)`,
    ),
    ...(c?.added ?? []).map(
      (a) => `adds '${a}', which no large detection of a kind the detector is usually right about shows`,
    ),
  ];
  return `Not backed by the evidence: ${parts.length > 0 ? parts.join('; ') : 'its changes could not be checked'}.`;
}

export function summarize(
  refinement: Refinement,
): Pick<CriticItem, 'originalScore' | 'bestScore' | 'refined' | 'versions' | 'stop' | 'failures'> {
  const best = refinement.versions[refinement.best]!;
  const memberFailures = refinement.versions.reduce(
    (n, v) => n + v.critique.members.filter((m) => !m.ok).length,
    0,
  );
  return {
    originalScore: refinement.versions[0]!.score,
    bestScore: best.score,
    refined: best.caption,
    versions: refinement.versions.length,
    stop: refinement.stop,
    failures: refinement.failures.length + memberFailures,
  };
}

export class DecisionError extends Error {
  override readonly name = 'DecisionError';
}

/** The item after the person's decision; only a critiqued item can be decided, an edit must say something. */
export function decide(
  item: CriticItem,
  decision: Exclude<Decision, 'pending'>,
  edit: { readonly text: string; readonly score?: number } | undefined,
  now: number,
): CriticItem {
  if (item.status !== 'done') {
    throw new DecisionError('Only a critiqued caption can be accepted, edited or rejected.');
  }
  const { target: _target, targetScore: _score, ...rest } = item;
  if (decision === 'rejected') return { ...rest, decision, decidedAt: now };
  const text = decision === 'accepted' ? item.refined : edit?.text;
  const target = text?.replace(/\s+/g, ' ').trim() ?? '';
  if (target === '') throw new DecisionError('An accepted caption cannot be empty.');
  const score = decision === 'accepted' ? item.bestScore : edit?.score;
  return {
    ...rest,
    decision,
    target,
    ...(score === undefined ? {} : { targetScore: score }),
    decidedAt: now,
  };
}

/**
 * What the fine-tuning loop trains on (src/lib/train/rounds/training-set.ts). An accepted rewrite that calibrated
 * verdicts did not back is left out ('unbacked', with the reason): a detector's blind spot must not teach the
 * student to leave real objects out. The person's own edit is their decision and always counts.
 */
export function trainingCandidate(item: CriticItem): TrainingCandidate {
  const scores = {
    ...(item.targetScore === undefined ? {} : { targetScore: item.targetScore }),
    ...(item.originalScore === undefined ? {} : { originalScore: item.originalScore }),
  };
  if (item.decision === 'accepted' && item.backed === false) {
    return {
      imageId: item.imageId,
      status: 'unbacked',
      target: '',
      reason: notBackedReason(item),
      ...scores,
    };
  }
  if (item.decision === 'accepted' || item.decision === 'edited') {
    return {
      imageId: item.imageId,
      status: 'accepted',
      target: item.target ?? '',
      original: item.caption,
      ...scores,
    };
  }
  if (item.decision === 'rejected')
    return { imageId: item.imageId, status: 'rejected', target: '', ...scores };
  if (item.status === 'done' && item.stop === 'clean' && item.versions === 1) {
    return { imageId: item.imageId, status: 'clean', target: item.caption, ...scores };
  }
  return { imageId: item.imageId, status: 'pending', target: '', ...scores };
}
