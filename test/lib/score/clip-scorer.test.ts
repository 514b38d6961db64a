import { describe, expect, it } from 'vitest';
import type { ScoreFormula } from '../../../src/lib/score/clip-models';
import { EmbedderOutputError, scoreCaptions, type ClipEmbedder } from '../../../src/lib/score/clip-scorer';

const CLIPSCORE: ScoreFormula = { metric: 'clipscore', textPrefix: 'A photo depicts ', weight: 2.5 };
const PICKSCORE: ScoreFormula = { metric: 'pickscore', textPrefix: '', logitScale: 100 };

/** Images are vectors already; texts map through a table. Records every call. */
function tableEmbedder(table: Record<string, number[]>, scale = 1) {
  const calls: { kind: 'image' | 'text'; n: number; texts?: string[] }[] = [];
  const embedder: ClipEmbedder<number[]> = {
    modelId: 'table',
    async embedImages(images) {
      calls.push({ kind: 'image', n: images.length });
      return images.map((v) => Float32Array.from(v, (x) => x * scale));
    },
    async embedTexts(texts) {
      calls.push({ kind: 'text', n: texts.length, texts: [...texts] });
      return texts.map((t) => {
        const v = table[t];
        if (!v) throw new Error(`no embedding for ${JSON.stringify(t)}`);
        return Float32Array.from(v, (x) => x * 3 * scale);
      });
    },
  };
  return { embedder, calls };
}

const TABLE = {
  'A photo depicts a cat': [1, 1, 0],
  'A photo depicts a dog': [-1, 0, 0],
  'A photo depicts a sofa': [0, 0, 2],
  'a cat': [1, 1, 0],
  'a dog': [-1, 0, 0],
};

describe('scoreCaptions', () => {
  it('gives CLIPScore = 2.5 · max(cos, 0) of the prefixed caption', async () => {
    const { embedder } = tableEmbedder(TABLE);
    const [scores] = await scoreCaptions(
      embedder,
      [{ image: [1, 0, 0], captions: [' a cat ', 'a dog', 'a sofa'] }],
      CLIPSCORE,
    );
    expect(scores!.map((s) => s.cosine)).toEqual([expect.closeTo(Math.SQRT1_2, 7), expect.closeTo(-1, 7), 0]);
    expect(scores![0]!.score).toBeCloseTo(2.5 * Math.SQRT1_2, 6);
    expect(scores![1]!.score).toBe(0);
    expect(scores![2]!.score).toBe(0);
  });

  it('does not depend on the embeddings being normalized', async () => {
    const a = await scoreCaptions(
      tableEmbedder(TABLE).embedder,
      [{ image: [2, 1, 0], captions: ['a cat'] }],
      CLIPSCORE,
    );
    const b = await scoreCaptions(
      tableEmbedder(TABLE, 7).embedder,
      [{ image: [2, 1, 0], captions: ['a cat'] }],
      CLIPSCORE,
    );
    expect(b[0]![0]!.score).toBeCloseTo(a[0]![0]!.score, 6);
    // cos([2,1,0], [1,1,0]) = 3 / (√5 · √2)
    expect(a[0]![0]!.score).toBeCloseTo((2.5 * 3) / Math.sqrt(10), 6);
  });

  it('gives PickScore = logit_scale · cos with no prefix and no clipping', async () => {
    const { embedder, calls } = tableEmbedder(TABLE);
    const [scores] = await scoreCaptions(
      embedder,
      [{ image: [1, 0, 0], captions: ['a cat', 'a dog'] }],
      PICKSCORE,
    );
    expect(scores![0]!.score).toBeCloseTo(100 * Math.SQRT1_2, 4);
    expect(scores![1]!.score).toBeCloseTo(-100, 4);
    expect(calls.find((c) => c.kind === 'text')!.texts).toEqual(['a cat', 'a dog']);
  });

  it('embeds each image once and each distinct text once, in batches', async () => {
    const { embedder, calls } = tableEmbedder(TABLE);
    const requests = [
      { image: [1, 0, 0], captions: ['a cat', 'a dog'] },
      { image: [0, 1, 0], captions: ['a dog', 'a cat', 'a sofa'] },
      { image: [0, 0, 1], captions: ['a cat'] },
    ];
    const scores = await scoreCaptions(embedder, requests, CLIPSCORE, { batchSize: 2 });
    expect(calls.map((c) => [c.kind, c.n])).toEqual([
      ['image', 2],
      ['image', 1],
      ['text', 2],
      ['text', 1],
    ]);
    expect(scores.map((r) => r.length)).toEqual([2, 3, 1]);
    expect(scores[2]![0]!.cosine).toBe(0);
    expect(scores[1]![2]!.score).toBe(0);
  });

  it('refuses embedders that lose inputs or mix widths', async () => {
    const dropping: ClipEmbedder<number[]> = {
      modelId: 'bad',
      embedImages: async () => [],
      embedTexts: async (t) => t.map(() => new Float32Array(3)),
    };
    await expect(
      scoreCaptions(dropping, [{ image: [1], captions: ['x'] }], CLIPSCORE),
    ).rejects.toBeInstanceOf(EmbedderOutputError);
    const { embedder } = tableEmbedder(TABLE);
    await expect(
      scoreCaptions(embedder, [{ image: [1, 0], captions: ['a cat'] }], CLIPSCORE),
    ).rejects.toThrow(/2 values, text embeddings 3/);
  });
});
