import { describe, expect, it } from 'vitest';
import { measureCalibration } from '../../../src/lib/critic/calibration';
import { CHAIR_SYNONYMS as table } from '../../../src/lib/vocabulary/chair-synonyms';
import type { Refinement } from '../../../src/lib/critic/loop';
import type { CriticItem } from '../../../src/lib/critic/records';
import {
  DecisionError,
  backing,
  decide,
  notBackedReason,
  readBacking,
  trainingCandidate,
} from '../../../src/lib/critic/records';
import { buildTrainingSet } from '../../../src/lib/train/rounds/training-set';
import { detectorEvidence } from './helpers/detector-evidence';

const done: CriticItem = {
  imageId: 'img',
  caption: 'A dog on a couch.',
  captionModel: 'student',
  status: 'done',
  originalScore: 0.4,
  bestScore: 0.9,
  refined: 'Two cats on a couch.',
  versions: 2,
  stop: 'clean',
  decision: 'pending',
};

describe('decisions and training candidates', () => {
  it('accepting takes the refined caption and its score as the training target, the caption it replaces beside', () => {
    const item = decide(done, 'accepted', undefined, 5);
    expect(item).toMatchObject({
      decision: 'accepted',
      target: 'Two cats on a couch.',
      targetScore: 0.9,
      decidedAt: 5,
    });
    expect(trainingCandidate(item)).toEqual({
      imageId: 'img',
      status: 'accepted',
      target: 'Two cats on a couch.',
      targetScore: 0.9,
      originalScore: 0.4,
      original: 'A dog on a couch.',
    });
  });

  it('an edit takes the person’s text (whitespace tidied) and its own score; rejecting drops the target', () => {
    const edited = decide(done, 'edited', { text: '  Two  tabby cats\non a pink couch. ', score: 1 }, 6);
    expect(edited).toMatchObject({
      decision: 'edited',
      target: 'Two tabby cats on a pink couch.',
      targetScore: 1,
    });
    const rejected = decide(edited, 'rejected', undefined, 7);
    expect(rejected.target).toBeUndefined();
    expect(rejected.targetScore).toBeUndefined();
    expect(trainingCandidate(rejected).status).toBe('rejected');
  });

  it('refuses decisions on unfinished items and empty edits', () => {
    expect(() => decide({ ...done, status: 'refining' }, 'accepted', undefined, 1)).toThrow(DecisionError);
    expect(() => decide(done, 'edited', { text: '   ' }, 1)).toThrow(/cannot be empty/);
  });

  it('a caption the critic found clean at once is a clean candidate at its own text', () => {
    const clean = { ...done, stop: 'clean' as const, versions: 1, refined: done.caption };
    expect(trainingCandidate(clean)).toMatchObject({ status: 'clean', target: 'A dog on a couch.' });
    expect(trainingCandidate({ ...done, status: 'queued' }).status).toBe('pending');
  });
});

/** Persons and dogs are always found (and a dog's box is always right); cups one time in four. */
const CALIBRATION = measureCalibration(
  [
    ...Array.from({ length: 20 }, () => ({
      present: new Set(['person']),
      evidence: detectorEvidence('person'),
    })),
    ...Array.from({ length: 30 }, () => ({ present: new Set(['dog']), evidence: detectorEvidence('dog') })),
    ...Array.from({ length: 4 }, () => ({ present: new Set(['cup']), evidence: detectorEvidence('cup') })),
    ...Array.from({ length: 12 }, () => ({ present: new Set(['cup']), evidence: detectorEvidence() })),
  ],
  'hand-made',
);

/** A refinement whose best version is `best` (backing reads only the captions). */
const refinement = (caption: string, best: string): Refinement =>
  ({
    versions: [
      { index: 0, caption },
      { index: 1, caption: best },
    ],
    best: 1,
    stop: 'clean',
    failures: [],
  }) as unknown as Refinement;

describe('backed rewrites', () => {
  const catOnly = detectorEvidence('cat');
  const caption = 'A cat with a person and a cup.';

  it('a rewrite that drops only contradicted objects is backed', () => {
    expect(backing(caption, refinement(caption, 'A cat with a cup.'), catOnly, CALIBRATION, table)).toEqual({
      backed: true,
    });
    // No change at all (the critique found nothing to fix) is backed too.
    expect(backing(caption, refinement(caption, caption), catOnly, CALIBRATION, table).backed).toBe(true);
  });

  it('dropping an unverified or a confirmed object, or adding one no good box shows, is not', () => {
    const b = backing(caption, refinement(caption, 'A dog.'), catOnly, CALIBRATION, table);
    expect(b).toEqual({
      backed: false,
      unbackedChanges: {
        removed: [
          { object: 'cat', verdict: 'confirmed' },
          { object: 'cup', verdict: 'unverified', evidenceRecall: 0.25 },
        ],
        added: ['dog'],
      },
    });
    expect(notBackedReason(b)).toBe(
      "Not backed by the evidence: removes 'cat', which the evidence shows; removes 'cup', which the detector " +
        "often misses (it finds 25 % of them); adds 'dog', which no large detection of a kind the detector is " +
        'usually right about shows.',
    );
    // A large dog box, and dogs' boxes are right: adding the dog is backed.
    const withDog = detectorEvidence('cat', 'dog');
    expect(
      backing('A cat.', refinement('A cat.', 'A cat and a dog.'), withDog, CALIBRATION, table).backed,
    ).toBe(true);
    // Never measured: unverified without a figure.
    const giraffe = backing(
      'A cat and a giraffe.',
      refinement('A cat and a giraffe.', 'A cat.'),
      catOnly,
      CALIBRATION,
      table,
    );
    expect(notBackedReason(giraffe)).toBe(
      "Not backed by the evidence: removes 'giraffe', which the detector was measured on too rarely to tell whether it is there.",
    );
  });

  it('an accepted rewrite that is not backed is no training candidate, with the reason; an edit is', () => {
    const unbacked: CriticItem = {
      ...done,
      backed: false,
      unbackedChanges: {
        removed: [{ object: 'cup', verdict: 'unverified', evidenceRecall: 0.66 }],
        added: [],
      },
    };
    const accepted = decide(unbacked, 'accepted', undefined, 5);
    expect(accepted).toMatchObject({ decision: 'accepted', target: 'Two cats on a couch.', backed: false });
    expect(trainingCandidate(accepted)).toEqual({
      imageId: 'img',
      status: 'unbacked',
      target: '',
      reason:
        "Not backed by the evidence: removes 'cup', which the detector often misses (it finds 66 % of them).",
      targetScore: 0.9,
      originalScore: 0.4,
    });
    const set = buildTrainingSet([trainingCandidate(accepted)]);
    expect(set).toMatchObject({ refined: 0, skipped: 1 });
    expect(set.skippedReasons).toEqual([
      { imageId: 'img', reason: expect.stringContaining("removes 'cup'") },
    ]);

    // The person's edit is their decision; a backed rewrite and one critiqued without calibration are taken.
    const edited = decide(unbacked, 'edited', { text: 'Two cats on a couch.' }, 6);
    expect(trainingCandidate(edited).status).toBe('accepted');
    expect(trainingCandidate(decide({ ...done, backed: true }, 'accepted', undefined, 7)).status).toBe(
      'accepted',
    );
    expect(trainingCandidate(decide(done, 'accepted', undefined, 7)).status).toBe('accepted');
    // Not yet decided: pending, as any other.
    expect(trainingCandidate(unbacked).status).toBe('pending');
  });

  it('reads the backing of a stored item: absent stays absent, damage reads as not backed', () => {
    expect(readBacking({})).toEqual({});
    expect(readBacking({ backed: true, unbackedChanges: 'x' })).toEqual({ backed: true });
    const stored = {
      backed: false,
      unbackedChanges: {
        removed: [{ object: 'cup', verdict: 'unverified', evidenceRecall: 0.66 }],
        added: ['dog'],
      },
    };
    expect(readBacking(JSON.parse(JSON.stringify(stored)) as Record<string, unknown>)).toEqual(stored);
    expect(
      readBacking({
        backed: 'yes',
        unbackedChanges: {
          removed: [
            { object: 'cup', verdict: 'maybe' },
            { object: 3 },
            'x',
            { object: 'fork', verdict: 'unverified', evidenceRecall: 7 },
          ],
          added: [1, 'dog', ''],
        },
      }),
    ).toEqual({
      backed: false,
      unbackedChanges: { removed: [{ object: 'fork', verdict: 'unverified' }], added: ['dog'] },
    });
    expect(readBacking({ backed: false })).toEqual({
      backed: false,
      unbackedChanges: { removed: [], added: [] },
    });
  });
});
