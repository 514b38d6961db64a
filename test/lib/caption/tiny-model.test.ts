import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captionBatched } from '../../../src/lib/caption/captioner';
import { firstStepFeeds } from '../../../src/lib/caption/decoder-io';
import type { LoadedStudent } from '../../../src/lib/caption/load';
import { lastPositionRow } from '../../../src/lib/caption/logits';
import { readFloat32 } from '../../../src/lib/caption/session';
import type { CaptionRequest, GenerationSettings } from '../../../src/lib/caption/types';
import { loadNodeStudent, MODELS_DIR, nodeTensors, TINY_MODEL_ID } from './helpers/node-student';
import { photoPaths, photoRequests } from './helpers/photos';
import { referenceBeam } from './helpers/reference-decoding';

const MODEL_DIR = `${MODELS_DIR}/${TINY_MODEL_ID}`;
const BEAM: GenerationSettings = {
  strategy: 'beam',
  numBeams: 3,
  maxNewTokens: 12,
  minNewTokens: 0,
  batchSize: 3,
};
const GREEDY: GenerationSettings = { ...BEAM, strategy: 'greedy' };

const tokensOf = (result: Awaited<ReturnType<typeof captionBatched>>) =>
  result.items.map((item) => (item.status === 'done' ? item.tokenIds : item.status));

describe('tiny ViT-GPT2 on onnxruntime-node, CPU EP', () => {
  let student: LoadedStudent;
  /** The decoder as shipped (no cross-attention split): the reference runs on it. */
  let unsplit: LoadedStudent;
  let requests: Awaited<ReturnType<typeof photoRequests>>;

  beforeAll(async () => {
    student = await loadNodeStudent(MODEL_DIR, 'cpu');
    unsplit = await loadNodeStudent(MODEL_DIR, 'cpu', { splitCrossAttention: false });
    requests = await photoRequests(photoPaths().slice(0, 4));
  });
  afterAll(async () => {
    await student?.release();
    await unsplit?.release();
  });

  it('splits the cross-attention keys and values off the per-token decoder', () => {
    expect(student.model.cross).toBeDefined();
    // Per layer: the keys and the values (plus a few shape tensors derived from the encoder output).
    const tensors = student.model.spec.lifted.length;
    expect(tensors).toBeGreaterThanOrEqual(4);
    expect(unsplit.model.cross).toBeUndefined();
    expect(unsplit.model.spec.lifted).toEqual([]);
  });

  it.each([GREEDY, BEAM])(
    'the split decoder gives the same tokens as the shipped one (%o)',
    async (settings) => {
      const split = await captionBatched(student.model, requests, settings);
      const shipped = await captionBatched(unsplit.model, requests, settings);
      expect(tokensOf(split)).toEqual(tokensOf(shipped));
    },
  );

  it('reads the merged decoder contract from the session (2 layers × key/value, cache branch)', () => {
    expect(student.model.spec).toMatchObject({ numHeads: 2, headDim: 32, hasCacheBranch: true });
    expect(student.model.spec.cache.map((c) => c.input)).toEqual([
      'past_key_values.0.key',
      'past_key_values.0.value',
      'past_key_values.1.key',
      'past_key_values.1.value',
    ]);
  });

  it('batched cached beam search equals one-image no-cache beam search on the real decoder', async () => {
    const result = await captionBatched(student.model, requests, BEAM);
    const { model } = unsplit;
    const expected = await Promise.all(
      requests.map(async (request) => {
        const values = await model.preprocess(request.image);
        const pixels = nodeTensors.float32(values.data, [1, ...values.dims]);
        const hidden = (await model.encoder.run({ pixel_values: pixels }))['last_hidden_state'];
        if (hidden === undefined) throw new Error('no encoder output');
        // No cache: the whole sequence each time, through the decoder's no-cache branch.
        const scores = async (tokens: readonly number[]) => {
          const ids = BigInt64Array.from([model.special.decoderStartTokenId, ...tokens].map(BigInt));
          const feeds = firstStepFeeds(model.spec, nodeTensors, ids, { encoder_hidden_states: hidden });
          feeds['input_ids'] = nodeTensors.int64(ids, [1, ids.length]);
          const logits = (await model.decoder.run(feeds))['logits'];
          if (logits === undefined) throw new Error('no logits');
          return lastPositionRow(await readFloat32(logits, 'logits'), logits.dims, 0);
        };
        return referenceBeam(scores, {
          eos: model.special.eosTokenId,
          maxNewTokens: BEAM.maxNewTokens,
          minNewTokens: 0,
          numBeams: BEAM.numBeams,
          lengthPenalty: 1,
        });
      }),
    );
    expect(tokensOf(result)).toEqual(expected);
    const greedy = await captionBatched(student.model, requests, GREEDY);
    expect(tokensOf(greedy)).not.toEqual(tokensOf(result));
  });
});

/**
 * ORT's native WebGPU EP (Dawn on Chromium's SwiftShader Vulkan driver; docs/architecture.md decision 10):
 * the same kernels as the browser's WebGPU EP. Slow here (shader compilation on a CPU), so a small run.
 */
describe('tiny ViT-GPT2: WebGPU EP gives the same tokens as the CPU EP', () => {
  process.env['VK_ICD_FILENAMES'] ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
  let cpu: LoadedStudent;
  let webgpu: LoadedStudent;
  let requests: CaptionRequest[];

  beforeAll(async () => {
    cpu = await loadNodeStudent(MODEL_DIR, 'cpu');
    webgpu = await loadNodeStudent(MODEL_DIR, 'webgpu');
    requests = await photoRequests(photoPaths().slice(0, 3));
  }, 180_000);
  afterAll(async () => {
    await cpu?.release();
    await webgpu?.release();
  });

  it.each([
    ['greedy', { ...GREEDY, maxNewTokens: 8 }],
    ['beam', { ...BEAM, maxNewTokens: 8 }],
  ] as const)(
    '%s',
    async (_name, settings) => {
      const onCpu = await captionBatched(cpu.model, requests, settings);
      const onGpu = await captionBatched(webgpu.model, requests, settings);
      expect(tokensOf(onGpu)).toEqual(tokensOf(onCpu));
      expect(onCpu.items.every((item) => item.status === 'done')).toBe(true);
    },
    240_000,
  );
});
