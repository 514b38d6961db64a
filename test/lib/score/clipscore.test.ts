import { describe, expect, it } from 'vitest';
import {
  CLIPSCORE_WEIGHT,
  EmbeddingShapeError,
  clipScore,
  clipScoreText,
  cosineSimilarity,
  pickScore,
} from '../../../src/lib/score/clipscore';

describe('CLIPScore arithmetic', () => {
  it('is 2.5 · max(cos, 0)', () => {
    expect(CLIPSCORE_WEIGHT).toBe(2.5);
    expect(clipScore([1, 0], [1, 1])).toBeCloseTo(2.5 / Math.SQRT2, 12);
    expect(clipScore([3, 4], [6, 8])).toBeCloseTo(2.5, 12); // scale does not matter
    expect(clipScore([1, 0], [-1, 0.2])).toBe(0); // negative cosine clipped
    expect(clipScore(new Float32Array([0.3, 0.4, 0]), new Float32Array([0.3, 0.4, 0]), 1)).toBeCloseTo(1, 6);
  });

  it('embeds the caption with the "A photo depicts" prefix', () => {
    expect(clipScoreText('  two cats on a couch ')).toBe('A photo depicts two cats on a couch');
  });

  it('computes PickScore as logit_scale · cos, without clipping', () => {
    expect(pickScore([1, 0], [1, 1], 100)).toBeCloseTo(100 / Math.SQRT2, 10);
    expect(pickScore([1, 0], [-1, 0], 100)).toBe(-100);
  });

  it('refuses embeddings of different lengths and treats a zero vector as unrelated', () => {
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(EmbeddingShapeError);
    expect(() => cosineSimilarity([], [])).toThrow(EmbeddingShapeError);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });
});
