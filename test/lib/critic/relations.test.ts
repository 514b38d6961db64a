import { describe, expect, it } from 'vitest';
import { extractObjectPhrases } from '../../../src/lib/vocabulary/object-phrases';
import { checkRelation, extractRelations } from '../../../src/lib/critic/relations';
import { table } from './helpers/florence-fixtures';

const relations = (caption: string) =>
  extractRelations(caption, extractObjectPhrases(caption, table)).map((r) => [
    r.subject.category,
    r.relation,
    r.object?.category ?? null,
    caption.slice(r.relationStart, r.relationEnd),
  ]);

describe('extractRelations', () => {
  it('reads binary relations between neighbouring object phrases', () => {
    expect(relations('A cat lying on a couch.')).toEqual([['cat', 'on', 'couch', 'on']]);
    expect(relations('A dog to the left of a man.')).toEqual([
      ['dog', 'left of', 'person', 'to the left of'],
    ]);
    expect(relations('A car on the right of a bus.')).toEqual([
      ['car', 'right of', 'bus', 'on the right of'],
    ]);
    expect(relations('A cat sleeping underneath a table.')).toEqual([
      ['cat', 'under', 'dining table', 'underneath'],
    ]);
    expect(relations('A vase on top of a table.')).toEqual([['vase', 'on', 'dining table', 'on top of']]);
  });

  it('reads "on the left/right" of a single object', () => {
    expect(relations('A man on the left and a dog.')).toEqual([
      ['person', 'on the left', null, 'on the left'],
    ]);
    expect(relations('A bus is on the right side.')).toEqual([
      ['bus', 'on the right', null, 'on the right side'],
    ]);
  });

  it('ignores relations it cannot read and phrases across sentences', () => {
    expect(relations('A cat next to a dog.')).toEqual([]);
    expect(relations('A cat. On a couch.')).toEqual([]);
    expect(relations('A cat that has been sleeping peacefully all afternoon long on a couch.')).toEqual([]);
  });
});

describe('checkRelation', () => {
  const left = { x1: 0, y1: 0, x2: 100, y2: 100 };
  const right = { x1: 300, y1: 0, x2: 400, y2: 100 };
  const below = { x1: 0, y1: 200, x2: 100, y2: 300 };

  it('holds when any pair of boxes agrees, fails with what all pairs show', () => {
    expect(checkRelation('left of', [left], [right], 400, 8)).toEqual({ holds: true });
    expect(checkRelation('left of', [right], [left], 400, 8)).toEqual({ holds: false, observed: 'right of' });
    expect(checkRelation('left of', [right, left], [left, right], 400, 8)).toEqual({ holds: true });
    expect(checkRelation('on', [below], [left], 400, 8)).toEqual({ holds: false, observed: 'under' });
    expect(checkRelation('under', [left], [below], 400, 8)).toEqual({ holds: false, observed: 'on' });
    // Apart: "on" is wrong but the boxes say nothing definite instead.
    expect(checkRelation('on', [right], [below], 400, 8)).toEqual({ holds: false });
  });

  it('gives the benefit of the doubt within the margin and returns null without boxes', () => {
    const a = { x1: 100, y1: 0, x2: 200, y2: 10 };
    const b = { x1: 95, y1: 0, x2: 195, y2: 10 }; // a's centre is 5 px right of b's
    expect(checkRelation('left of', [a], [b], 400, 8)).toEqual({ holds: true });
    expect(checkRelation('left of', [a], [b], 400, 4)).toEqual({ holds: false, observed: 'right of' });
    expect(checkRelation('left of', [], [b], 400, 8)).toBeNull();
    expect(checkRelation('left of', [a], [], 400, 8)).toBeNull();
    expect(checkRelation('on the left', [right], [], 400, 8)).toEqual({
      holds: false,
      observed: 'on the right',
    });
  });
});
