/**
 * StudentService.useDecoder: after training only the decoder changes, so a tuned merged decoder replaces the
 * decoder's sessions and keeps the encoder's; the captions equal those of a full load with the same decoder.
 * Another device, another model or a plain load() loads in full; a decoder that fails to load leaves nothing
 * allocated. The tuned decoder here is the tiny student's own with every weight perturbed by seeded noise.
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionRole } from '../../../src/lib/caption/load';
import type { StudentPlatform } from '../../../src/lib/caption/student-service';
import { StudentService } from '../../../src/lib/caption/student-service';
import type {
  CaptionItemResult,
  CaptionRequest,
  GenerationSettings,
  LoadStudentOptions,
} from '../../../src/lib/caption/types';
import { decodeModel } from '../../../src/lib/onnx/proto/model-io';
import { DataType, readFloat32 } from '../../../src/lib/onnx/proto/tensor';
import { writeWeightsToBytes } from '../../../src/lib/train/graph/export';
import { Rng } from '../../support/rng';
import { nodeTensors, openDiskModel, TINY_MODEL_ID } from './helpers/node-student';
import { photoPaths, photoRequests } from './helpers/photos';

const SETTINGS: GenerationSettings = {
  strategy: 'greedy',
  numBeams: 3,
  maxNewTokens: 12,
  minNewTokens: 0,
  batchSize: 4,
};
const OPTIONS: LoadStudentOptions = { source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'webgpu' };

/** Sessions created per role, and how many are alive (created, not released). */
function countingPlatform() {
  const created: SessionRole[] = [];
  let alive = 0;
  let failDecoder = false;
  const platform: StudentPlatform = {
    gpu: () => ({ requestAdapter: async () => ({}) }),
    openModel: openDiskModel,
    // Both devices map to the CPU EP: this is about which sessions the service makes, not about EPs.
    createSession: async (bytes, role) => {
      if (role === 'decoder' && failDecoder) throw new Error('out of memory (test)');
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
      created.push(role);
      alive += 1;
      const release = session.release.bind(session);
      return Object.assign(session, {
        release: async () => {
          alive -= 1;
          await release();
        },
      });
    },
    tensors: nodeTensors,
  };
  return {
    platform,
    created,
    alive: () => alive,
    failNextDecoder: () => (failDecoder = true),
    reset: () => created.splice(0),
  };
}

/** The tiny merged decoder with every float weight of the plain decoder moved by N(0, 0.5) noise. */
async function perturbedMergedDecoder(): Promise<Uint8Array> {
  const files = await openDiskModel(OPTIONS.source);
  const plain = decodeModel(await files.read('onnx/decoder_model.onnx'));
  const rng = new Rng(7);
  const weights = (plain.graph?.initializer ?? [])
    .filter((t) => t.dataType === DataType.FLOAT && readFloat32(t).length >= 64)
    .map((t) => {
      const original = readFloat32(t);
      return { name: t.name ?? '', original, value: original.map((v) => v + 0.5 * rng.normal()) };
    });
  return writeWeightsToBytes(await files.read('onnx/decoder_model_merged.onnx'), weights);
}

const captions = (items: CaptionItemResult[]) =>
  items.map((i) => (i.status === 'done' ? i.caption : i.status));

describe('StudentService.useDecoder', () => {
  let requests: CaptionRequest[];
  let tuned: Uint8Array;
  beforeAll(async () => {
    requests = await photoRequests(photoPaths().slice(0, 4));
    tuned = await perturbedMergedDecoder();
  });

  it('replaces only the decoder sessions of the loaded model; captions as a full load of that decoder', async () => {
    const sessions = countingPlatform();
    const service = new StudentService(sessions.platform);
    await service.load(OPTIONS);
    const own = captions((await service.caption(requests, SETTINGS)).items);
    expect(sessions.created).toEqual(['encoder', 'cross-attention', 'decoder']);

    sessions.reset();
    const info = await service.useDecoder(OPTIONS, { bytes: tuned, modelId: 'tiny+tuned@1' });
    expect(sessions.created).toEqual(['cross-attention', 'decoder']);
    expect(sessions.alive()).toBe(3);
    expect(info).toMatchObject({ modelId: 'tiny+tuned@1', origin: 'app', device: 'webgpu' });
    const swapped = captions((await service.caption(requests, SETTINGS)).items);
    expect(swapped).not.toEqual(own);

    // A fresh service has nothing loaded: the same call loads in full, with the same captions.
    const fresh = countingPlatform();
    const full = new StudentService(fresh.platform);
    await full.useDecoder(OPTIONS, { bytes: tuned, modelId: 'tiny+tuned@1' });
    expect(fresh.created).toEqual(['encoder', 'cross-attention', 'decoder']);
    expect(captions((await full.caption(requests, SETTINGS)).items)).toEqual(swapped);

    // Back to the model's own decoder: again only the decoder's sessions.
    sessions.reset();
    expect((await service.useDecoder(OPTIONS, null)).modelId).toBe(TINY_MODEL_ID);
    expect(sessions.created).toEqual(['cross-attention', 'decoder']);
    expect(captions((await service.caption(requests, SETTINGS)).items)).toEqual(own);
    // Asked again for its own decoder, which is in place: nothing is read or created.
    sessions.reset();
    expect((await service.useDecoder(OPTIONS, null)).modelId).toBe(TINY_MODEL_ID);
    expect(sessions.created).toEqual([]);
    await Promise.all([service.unload(), full.unload()]);
    expect(sessions.alive()).toBe(0);
  });

  it('loads in full for another device, and load() always loads in full', async () => {
    const sessions = countingPlatform();
    const service = new StudentService(sessions.platform);
    await service.load(OPTIONS);
    sessions.reset();
    const info = await service.useDecoder({ ...OPTIONS, device: 'wasm' }, { bytes: tuned, modelId: 't' });
    expect(info.device).toBe('wasm');
    expect(sessions.created).toEqual(['encoder', 'cross-attention', 'decoder']);
    sessions.reset();
    await service.load({ ...OPTIONS, device: 'wasm' });
    expect(sessions.created).toEqual(['encoder', 'cross-attention', 'decoder']);
    expect(sessions.alive()).toBe(3);
  });

  it('a decoder that fails to load leaves nothing loaded and nothing allocated', async () => {
    const sessions = countingPlatform();
    const service = new StudentService(sessions.platform);
    await service.load(OPTIONS);
    sessions.failNextDecoder();
    await expect(service.useDecoder(OPTIONS, { bytes: tuned, modelId: 't' })).rejects.toMatchObject({
      name: 'ModelLoadError',
      message: expect.stringMatching(/could not create the decoder.*out of memory \(test\)/),
    });
    expect(await service.info()).toBeNull();
    expect(sessions.alive()).toBe(0);
    await expect(service.caption(requests, SETTINGS)).rejects.toMatchObject({ name: 'NotLoadedError' });
  });
});
