import { describe, expect, it } from 'vitest';
import { beamDecode } from '../../../src/lib/caption/beam';
import type { DecodeSetup } from '../../../src/lib/caption/decode-setup';
import { greedyDecode } from '../../../src/lib/caption/greedy';
import { cpuRowGather } from '../../../src/lib/caption/row-gather';
import {
  FAKE,
  FAKE_SPEC,
  FakeDecoder,
  FakeTensors,
  fakeEncoderStates,
  fakeScore,
} from './helpers/fake-decoder';
import { referenceBeam, referenceGreedy } from './helpers/reference-decoding';

const SEEDS = [3, 17, 29, 41, 58, 73, 99, 123];

function setup(
  tensors: FakeTensors,
  seeds: readonly number[],
  limits: { maxNewTokens: number; minNewTokens: number },
  decoder = new FakeDecoder({ tensors }),
): DecodeSetup {
  return {
    decoder,
    spec: FAKE_SPEC,
    tensors,
    encoderHiddenStates: fakeEncoderStates(tensors, seeds, true),
    images: seeds.length,
    special: { decoderStartTokenId: FAKE.start, eosTokenId: FAKE.eos, padTokenId: FAKE.pad },
    ...limits,
  };
}

const scoresFor = (seed: number) => async (tokens: readonly number[]) =>
  Array.from({ length: FAKE.vocab }, (_, v) => fakeScore(seed, tokens, v));

describe('batched greedy decoding (fake decoder whose cache carries the history)', () => {
  it.each([
    { maxNewTokens: 12, minNewTokens: 0 },
    { maxNewTokens: 6, minNewTokens: 0 },
    { maxNewTokens: 10, minNewTokens: 10 },
  ])('equals one-image no-cache greedy for every image (%o)', async (limits) => {
    const tensors = new FakeTensors('gpu-buffer');
    const outcome = await greedyDecode(setup(tensors, SEEDS, limits));
    const expected = await Promise.all(
      SEEDS.map((seed) => referenceGreedy(scoresFor(seed), { eos: FAKE.eos, ...limits })),
    );
    expect(outcome.images.map((i) => i.tokens)).toEqual(expected);
    expect(outcome.images.every((i) => i.finished)).toBe(true);
    // Lengths vary (some images stop early), so the loop really handled finished rows.
    if (limits.minNewTokens === 0) expect(new Set(expected.map((t) => t.length)).size).toBeGreaterThan(1);
    else expect(expected.every((t) => t.length === limits.maxNewTokens)).toBe(true);
    // One run per step until the longest caption ended (its end-of-text is a step of its own).
    const longest = Math.max(...expected.map((t) => t.length));
    expect(outcome.steps).toBe(Math.min(limits.maxNewTokens, longest + 1));
    // Every device tensor (caches, logits) was freed, except the caller's encoder output.
    expect(tensors.live.size).toBe(1);
  });

  it('reports each image once, at the step it finished', async () => {
    const tensors = new FakeTensors();
    const completed: { step: number; image: number; tokens: number[] }[] = [];
    const outcome = await greedyDecode({
      ...setup(tensors, SEEDS, { maxNewTokens: 12, minNewTokens: 0 }),
      onStep: (r) => completed.push(...r.completed.map((c) => ({ step: r.step, ...c }))),
    });
    expect(completed.map((c) => c.image).sort()).toEqual(SEEDS.map((_, i) => i));
    for (const c of completed) {
      expect(c.tokens).toEqual(outcome.images[c.image]?.tokens);
      expect(c.step).toBe(Math.min(12, c.tokens.length + 1));
    }
  });

  it('stops at a cancelling checkpoint and keeps only what finished', async () => {
    const tensors = new FakeTensors('gpu-buffer');
    let checks = 0;
    const outcome = await greedyDecode({
      ...setup(tensors, SEEDS, { maxNewTokens: 12, minNewTokens: 0 }),
      checkpoint: async () => ++checks <= 4,
    });
    expect(outcome.cancelled).toBe(true);
    expect(outcome.steps).toBe(4);
    const full = await Promise.all(
      SEEDS.map((seed) =>
        referenceGreedy(scoresFor(seed), { eos: FAKE.eos, maxNewTokens: 12, minNewTokens: 0 }),
      ),
    );
    outcome.images.forEach((image, i) => {
      const done = (full[i]?.length ?? 0) < 4;
      expect(image.finished).toBe(done);
      if (done) expect(image.tokens).toEqual(full[i]);
    });
    expect(outcome.images.some((i) => i.finished)).toBe(true);
    expect(outcome.images.some((i) => !i.finished)).toBe(true);
    expect(tensors.live.size).toBe(1);
  });
});

describe('batched beam search', () => {
  it.each([
    { numBeams: 2, lengthPenalty: 1, maxNewTokens: 10, minNewTokens: 0 },
    { numBeams: 3, lengthPenalty: 1, maxNewTokens: 12, minNewTokens: 0 },
    { numBeams: 4, lengthPenalty: 0.6, maxNewTokens: 8, minNewTokens: 3 },
  ])('equals one-image no-cache beam search for every image (%o)', async (o) => {
    const tensors = new FakeTensors('gpu-buffer');
    const outcome = await beamDecode({
      ...setup(tensors, SEEDS, o),
      numBeams: o.numBeams,
      lengthPenalty: o.lengthPenalty,
      gather: cpuRowGather(tensors),
    });
    const expected = await Promise.all(
      SEEDS.map((seed) => referenceBeam(scoresFor(seed), { eos: FAKE.eos, ...o })),
    );
    expect(outcome.images.map((i) => i.tokens)).toEqual(expected);
    expect(tensors.live.size).toBe(1);
  });

  it('finds a different answer than greedy for some image (the search is not a no-op)', async () => {
    const limits = { maxNewTokens: 12, minNewTokens: 0 };
    const greedy = await Promise.all(
      SEEDS.map((s) => referenceGreedy(scoresFor(s), { eos: FAKE.eos, ...limits })),
    );
    const tensors = new FakeTensors();
    const beam = await beamDecode({
      ...setup(tensors, SEEDS, limits),
      numBeams: 3,
      lengthPenalty: 1,
      gather: cpuRowGather(tensors),
    });
    expect(beam.images.map((i) => i.tokens)).not.toEqual(greedy);
  });

  it('rejects fewer than two beams', async () => {
    const tensors = new FakeTensors();
    await expect(
      beamDecode({
        ...setup(tensors, SEEDS, { maxNewTokens: 4, minNewTokens: 0 }),
        numBeams: 1,
        lengthPenalty: 1,
        gather: cpuRowGather(tensors),
      }),
    ).rejects.toThrow(/numBeams must be >= 2/);
  });
});
