import { describe, expect, it } from 'vitest';
import type { CriticItem } from '../../../src/lib/critic-run/records';
import { DecisionError, decide, trainingCandidate } from '../../../src/lib/critic-run/records';

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
  it('accepting takes the refined caption and its score as the training target', () => {
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
