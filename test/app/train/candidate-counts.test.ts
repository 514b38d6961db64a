import { describe, expect, it } from 'vitest';
import { candidateCounts } from '../../../src/app/train/candidate-counts';
import type { CriticItem } from '../../../src/lib/critic/records';

const item = (id: string, extra: Partial<CriticItem>): CriticItem => ({
  imageId: id,
  caption: 'A dog and a cup.',
  captionModel: 'student',
  status: 'done',
  decision: 'pending',
  ...extra,
});

describe('candidateCounts', () => {
  it('counts accepted targets and accepted rewrites the evidence does not back; the person’s edit always counts', () => {
    const counts = candidateCounts([
      item('a', { decision: 'accepted', target: 'A dog.', backed: true }),
      item('b', {
        decision: 'accepted',
        target: 'A cup.',
        backed: false,
        unbackedChanges: { removed: [], added: [] },
      }),
      item('c', { decision: 'edited', target: 'A dog and a cup on a table.', backed: false }),
      item('d', { decision: 'rejected' }),
      item('e', {}),
    ]);
    expect(counts).toEqual({ accepted: 2, unbacked: 1 });
  });
});
