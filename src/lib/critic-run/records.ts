/**
 * What the studio keeps about the critic's work on one image (small, persisted with the UI state), the
 * person's decision on the refined caption, and the training candidates the next stage reads. Evidence and
 * refinements themselves are large and live in the content-addressed cache under the keys kept here.
 */
import type { Refinement } from '../critic/loop';
import type { TrainingCandidate } from '../train-loop/training-set';

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
  readonly decision: Decision;
  /** The training target once accepted or edited. */
  readonly target?: string;
  /** The critic's score of the target (the best version's, or the rules' score of the person's edit). */
  readonly targetScore?: number;
  readonly decidedAt?: number;
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

/** What the fine-tuning loop trains on (src/lib/train-loop/training-set.ts). */
export function trainingCandidate(item: CriticItem): TrainingCandidate {
  const scores = {
    ...(item.targetScore === undefined ? {} : { targetScore: item.targetScore }),
    ...(item.originalScore === undefined ? {} : { originalScore: item.originalScore }),
  };
  if (item.decision === 'accepted' || item.decision === 'edited') {
    return { imageId: item.imageId, status: 'accepted', target: item.target ?? '', ...scores };
  }
  if (item.decision === 'rejected')
    return { imageId: item.imageId, status: 'rejected', target: '', ...scores };
  if (item.status === 'done' && item.stop === 'clean' && item.versions === 1) {
    return { imageId: item.imageId, status: 'clean', target: item.caption, ...scores };
  }
  return { imageId: item.imageId, status: 'pending', target: '', ...scores };
}
