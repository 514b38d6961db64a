import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StudentPlatform } from '../../../src/lib/caption/student-service';
import { StudentService } from '../../../src/lib/caption/student-service';
import type { CaptionProgress, CaptionRequest, GenerationSettings } from '../../../src/lib/caption/types';
import {
  MODELS_DIR,
  modelFolderFiles,
  nodeTensors,
  openDiskModel,
  TINY_MODEL_ID,
} from './helpers/node-student';
import { photoPaths, photoRequests } from './helpers/photos';

function nodePlatform(
  gpu: StudentPlatform['gpu'] = () => ({ requestAdapter: async () => ({}) }),
): StudentPlatform {
  return {
    gpu,
    openModel: openDiskModel,
    // 'webgpu' maps to the CPU EP here: these tests are about the service, the EPs are tested elsewhere.
    createSession: (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] }),
    tensors: nodeTensors,
  };
}

const SETTINGS: GenerationSettings = {
  strategy: 'greedy',
  numBeams: 3,
  maxNewTokens: 10,
  minNewTokens: 0,
  batchSize: 2,
};

describe('StudentService (the worker API, driven directly)', () => {
  let requests: CaptionRequest[];
  beforeAll(async () => {
    requests = await photoRequests(photoPaths().slice(0, 5));
  });

  it('loads the tiny model from the app and captions', async () => {
    const service = new StudentService(nodePlatform());
    expect(await service.info()).toBeNull();
    const info = await service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'auto' });
    expect(info).toEqual({
      device: 'webgpu',
      reason: 'WebGPU adapter found',
      modelId: TINY_MODEL_ID,
      origin: 'app',
      dtype: 'fp32',
      imageSize: { width: 224, height: 224 },
    });
    const result = await service.caption(requests, SETTINGS);
    expect(result.items.every((item) => item.status === 'done' && item.caption.length > 0)).toBe(true);
    await service.unload();
    expect(await service.info()).toBeNull();
  });

  it('loads a user folder, and falls back to WASM without an adapter', async () => {
    const service = new StudentService(nodePlatform(() => null));
    const folder = modelFolderFiles(`${MODELS_DIR}/${TINY_MODEL_ID}`);
    const files: Record<string, Uint8Array> = {};
    for (const path of [
      'config.json',
      'generation_config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/encoder_model.onnx',
      'onnx/decoder_model_merged.onnx',
    ]) {
      files[`picked/${path}`] = await folder.read(path);
    }
    const info = await service.load({ source: { kind: 'folder', name: 'picked', files }, device: 'auto' });
    expect(info).toMatchObject({
      device: 'wasm',
      reason: 'WebGPU not available in this browser',
      origin: 'folder',
    });
    const fromApp = new StudentService(nodePlatform());
    await fromApp.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'wasm' });
    expect((await service.caption(requests, SETTINGS)).items).toEqual(
      (await fromApp.caption(requests, SETTINGS)).items,
    );
  });

  it('refuses to caption before load, and a second run while one goes on', async () => {
    const service = new StudentService(nodePlatform());
    await expect(service.caption(requests, SETTINGS)).rejects.toMatchObject({ name: 'NotLoadedError' });
    await service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'auto' });
    const first = service.caption(requests, SETTINGS);
    await expect(service.caption(requests, SETTINGS)).rejects.toMatchObject({ name: 'StudentBusyError' });
    await expect(
      service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'auto' }),
    ).rejects.toMatchObject({
      name: 'StudentBusyError',
    });
    expect((await first).cancelled).toBe(false);
  });

  it('pause, resume and cancel act on the running caption call', async () => {
    const service = new StudentService(nodePlatform());
    await service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'auto' });
    const reports: CaptionProgress[] = [];
    let paused!: () => void;
    const pausedSeen = new Promise<void>((resolve) => (paused = resolve));
    const running = service.caption(requests, { ...SETTINGS, minNewTokens: 10 }, (p) => {
      reports.push(p);
      if (p.state === 'paused') paused();
      if (p.active.some((a) => a.generatedTokens === 3) && reports.every((r) => r.state === 'running')) {
        void service.pause();
      }
    });
    await pausedSeen;
    const countWhilePaused = reports.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(reports.length).toBe(countWhilePaused);
    await service.resume();
    await new Promise((r) => setTimeout(r, 1));
    await service.cancel();
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.items.filter((i) => i.status === 'cancelled').length).toBeGreaterThan(0);
    // The service is free again.
    expect((await service.caption(requests.slice(0, 1), SETTINGS)).cancelled).toBe(false);
  });

  it('after the GPU device is lost, WebGPU calls fail with DeviceLostError and WASM still loads', async () => {
    const service = new StudentService(nodePlatform());
    await service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'webgpu' });
    service.deviceLost('destroyed: test');
    await expect(service.caption(requests, SETTINGS)).rejects.toMatchObject({
      name: 'DeviceLostError',
      message: expect.stringMatching(/destroyed: test/),
    });
    await expect(
      service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'webgpu' }),
    ).rejects.toMatchObject({
      name: 'DeviceLostError',
    });
    const info = await service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'wasm' });
    expect(info.device).toBe('wasm');
    expect((await service.caption(requests.slice(0, 1), SETTINGS)).items[0]?.status).toBe('done');
  });

  it('rejects bad load options with the valid choices', async () => {
    const service = new StudentService(nodePlatform());
    await expect(
      service.load({
        source: { kind: 'id', modelId: TINY_MODEL_ID },
        device: 'auto',
        dtype: 'fp8' as 'fp32',
      }),
    ).rejects.toMatchObject({
      name: 'InvalidChoiceError',
      message: expect.stringMatching(/valid choices are fp32, fp16/),
    });
    await expect(
      service.load({ source: { kind: 'id', modelId: TINY_MODEL_ID }, device: 'auto', dtype: 'q4' }),
    ).rejects.toMatchObject({
      name: 'ModelLoadError',
      message: expect.stringMatching(/encoder_model_q4\.onnx: HTTP 404/),
    });
  });
});
