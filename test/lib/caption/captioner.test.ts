import { describe, expect, it } from 'vitest';
import { captionBatched } from '../../../src/lib/caption/captioner';
import { RunControl } from '../../../src/lib/core/run-control';
import type { CaptionProgress, GenerationSettings } from '../../../src/lib/caption/types';
import { FAKE, fakeScore } from './helpers/fake-decoder';
import { fakeStudent, seededRequest } from './helpers/fake-student';
import { referenceGreedy } from './helpers/reference-decoding';

const SEEDS = [3, 17, 29, 41, 58, 73, 99, 123];
const GREEDY: GenerationSettings = {
  strategy: 'greedy',
  numBeams: 3,
  maxNewTokens: 12,
  minNewTokens: 0,
  batchSize: 3,
};
const requests = () => SEEDS.map((seed, i) => seededRequest(`img-${i}`, seed));

async function expectedCaptions(maxNewTokens = 12) {
  return Promise.all(
    SEEDS.map(async (seed) => {
      const tokens = await referenceGreedy(
        async (t) => Array.from({ length: FAKE.vocab }, (_, v) => fakeScore(seed, t, v)),
        { eos: FAKE.eos, maxNewTokens, minNewTokens: 0 },
      );
      return { tokens, caption: tokens.map((t) => `w${t}`).join(' ') };
    }),
  );
}

describe('captionBatched', () => {
  it.each([1, 3, 8])('gives the same captions at batch size %i, in request order', async (batchSize) => {
    const { model, encoder, tensors } = fakeStudent();
    const result = await captionBatched(model, requests(), { ...GREEDY, batchSize });
    const expected = await expectedCaptions();
    expect(result.items).toEqual(
      expected.map((e, i) => ({ id: `img-${i}`, status: 'done', caption: e.caption, tokenIds: e.tokens })),
    );
    expect(result.cancelled).toBe(false);
    const batches = Array.from({ length: Math.ceil(8 / batchSize) }, (_, b) =>
      Math.min(batchSize, 8 - b * batchSize),
    );
    expect(encoder.batches).toEqual(batches);
    expect(tensors.live.size).toBe(0);
  });

  it('reports every item once, with overall progress that only grows to 1', async () => {
    const { model } = fakeStudent();
    const reports: CaptionProgress[] = [];
    await captionBatched(model, requests(), GREEDY, { onProgress: (p) => reports.push(structuredClone(p)) });
    const finished = reports.flatMap((r) => r.finished.map((f) => f.id));
    expect(finished.sort()).toEqual(SEEDS.map((_, i) => `img-${i}`).sort());
    const fractions = reports.map((r) => r.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(reports.at(-1)).toMatchObject({ completed: 8, total: 8, fraction: 1, batchCount: 3 });
    // Per-image token counts are visible while the batch decodes.
    expect(reports.some((r) => r.active.some((a) => a.stage === 'decoding' && a.generatedTokens > 0))).toBe(
      true,
    );
  });

  it('fails a bad image alone and captions the rest', async () => {
    const { model } = fakeStudent();
    const broken = { id: 'broken', image: { width: 2, height: 2, data: new Uint8Array(3) } };
    const encoded = { id: 'encoded', image: { bytes: new Uint8Array([1, 2]), mimeType: 'image/png' } };
    const all = [...requests().slice(0, 2), broken, encoded, ...requests().slice(2)];
    const result = await captionBatched(model, all, GREEDY);
    expect(result.items.find((i) => i.id === 'broken')).toMatchObject({
      status: 'failed',
      error: { name: 'ImageInputError', message: expect.stringMatching(/3 bytes do not make 2×2×4/) },
    });
    expect(result.items.find((i) => i.id === 'encoded')).toMatchObject({
      status: 'failed',
      error: { name: 'ImageInputError' },
    });
    expect(result.items.filter((i) => i.status === 'done')).toHaveLength(8);
  });

  it('pauses between decode steps and resumes to the same captions', async () => {
    const control = new RunControl();
    let runsWhenPaused = -1;
    const { model, decoder } = fakeStudent({
      onRun: (run) => {
        if (run === 2) control.pause();
      },
    });
    const states: string[] = [];
    const running = captionBatched(model, requests(), GREEDY, {
      control,
      onProgress: (p) => states.push(p.state),
    });
    await new Promise((r) => setTimeout(r, 50));
    runsWhenPaused = decoder.runs;
    await new Promise((r) => setTimeout(r, 50));
    expect(decoder.runs).toBe(runsWhenPaused);
    expect(runsWhenPaused).toBe(3);
    expect(states).toContain('paused');
    control.resume();
    const result = await running;
    expect(result.items.map((i) => (i.status === 'done' ? i.tokenIds : null))).toEqual(
      (await expectedCaptions()).map((e) => e.tokens),
    );
  });

  it('counts time spent paused out of elapsedMs', async () => {
    let clock = 0;
    const control = new RunControl(() => clock);
    const { model } = fakeStudent({
      onRun: (run) => {
        clock += 10;
        if (run === 1) control.pause();
      },
    });
    const running = captionBatched(model, requests(), GREEDY, { control, now: () => clock });
    await new Promise((r) => setTimeout(r, 20));
    clock += 1000;
    control.resume();
    const result = await running;
    expect(result.elapsedMs).toBe(clock - 1000);
  });

  it('on cancel mid-batch returns what finished (even inside the batch) and marks the rest cancelled', async () => {
    const control = new RunControl();
    // Batches of 4: cancel during decode step 5 of the first (run index 4); seed 41 (item 3) finished at step 4.
    const { model, encoder, tensors } = fakeStudent({ onRun: (run) => run === 4 && control.stop() });
    const result = await captionBatched(model, requests(), { ...GREEDY, batchSize: 4 }, { control });
    const expected = await expectedCaptions();
    expect(result.cancelled).toBe(true);
    expect(result.items.map((i) => i.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'done',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(result.items[3]).toMatchObject({ tokenIds: expected[3]?.tokens });
    expect(encoder.batches).toEqual([4]);
    expect(tensors.live.size).toBe(0);
  });

  it('cancel while paused ends the run', async () => {
    const control = new RunControl();
    const { model } = fakeStudent({ onRun: (run) => run === 1 && control.pause() });
    const running = captionBatched(model, requests(), GREEDY, { control });
    await new Promise((r) => setTimeout(r, 20));
    control.stop();
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.items.every((i) => i.status === 'cancelled')).toBe(true);
  });

  it('rejects duplicate ids and bad settings before doing anything', async () => {
    const { model, encoder } = fakeStudent();
    await expect(
      captionBatched(model, [seededRequest('a', 1), seededRequest('a', 2)], GREEDY),
    ).rejects.toMatchObject({
      name: 'InvalidChoiceError',
    });
    await expect(captionBatched(model, requests(), { ...GREEDY, batchSize: 0 })).rejects.toThrow(
      /batchSize must be an integer from 1 to 64, got 0/,
    );
    await expect(
      captionBatched(model, requests(), { ...GREEDY, strategy: 'sample' as 'greedy' }),
    ).rejects.toThrow(/valid choices are greedy, beam/);
    expect(encoder.batches).toEqual([]);
  });
});
