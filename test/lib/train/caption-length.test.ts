/**
 * The training graph's caption length on the tiny student (CPU EP): it fits the longest accepted caption (a
 * long refined caption is not cut at a fixed length), and captions beyond the limit are counted in the run's
 * result and told to the page as a warning.
 */
import { describe, expect, it } from 'vitest';
import { readTuningCheckpoint } from '../../../src/lib/train/checkpoints/data';
import { DEFAULT_TUNING_SETTINGS, type TuningSettings } from '../../../src/lib/train/settings';
import type { TrainingEvent, TrainRequest } from '../../../src/lib/train/worker-api';
import { nodeWorker, photosById, TINY_ID, TRAIN_SAMPLES } from './helpers/node-tuning';

// Three of the fixture captions run together: 31 of the tiny tokenizer's tokens, longer than the 20
// positions (start + 19 tokens, or 19 tokens + end) the graph used to take whatever the captions.
const LONG = `${TRAIN_SAMPLES[0]!.text} and ${TRAIN_SAMPLES[2]!.text} and ${TRAIN_SAMPLES[3]!.text}`;
const SAMPLES: TrainRequest['samples'] = [{ ...TRAIN_SAMPLES[0]!, text: LONG }, TRAIN_SAMPLES[1]!];

async function train(settings: Partial<TuningSettings>) {
  const { tuning } = nodeWorker();
  const events: TrainingEvent[] = [];
  let final: Uint8Array | undefined;
  const result = await tuning.train(
    {
      runId: 'length',
      source: { kind: 'id', modelId: TINY_ID },
      device: 'wasm',
      samples: SAMPLES,
      settings: { ...DEFAULT_TUNING_SETTINGS, batchSize: 2, epochs: 1, ...settings },
    },
    (event) => {
      events.push(event);
      if (event.kind === 'checkpoint' && event.final) final = event.bytes;
    },
    (ids) => photosById(ids),
  );
  const notices = events.flatMap((e) => (e.kind === 'notice' ? [e.notice] : []));
  return { result, notices, sequence: readTuningCheckpoint(final!).config.user.sequence };
}

describe('the caption length of the training graph (tiny student, CPU EP)', () => {
  it('fits the longest caption with its end token, with the default settings', async () => {
    const { result, notices, sequence } = await train({});
    expect(result.captions.longest).toBeGreaterThan(19);
    expect(result.captions).toMatchObject({ count: 2, cut: 0 });
    expect(result.captions.sequence).toBeGreaterThanOrEqual(result.captions.longest + 1);
    expect(sequence).toBe(result.captions.sequence);
    expect(notices).toEqual([]);
  }, 120_000);

  it('counts and reports the captions longer than the limit', async () => {
    const { result, notices, sequence } = await train({ maxTokens: 12 });
    expect(result.captions).toMatchObject({ count: 2, sequence: 12, cut: 1 });
    expect(sequence).toBe(12);
    expect(notices).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(
          /^1 caption is longer than the limit of 12 tokens .*They train on their first 12 tokens, without an end\./,
        ),
      },
    ]);
  }, 120_000);
});
