import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FLORENCE_DTYPE_TABLE,
  dtypeSignature,
  resolveFlorenceDtypes,
} from '../../../../src/lib/evidence/teacher/dtypes';
import { TeacherDtypeError } from '../../../../src/lib/evidence/teacher/errors';
import { FLORENCE_SESSIONS } from '../../../../src/lib/evidence/teacher/types';
import { MODELS_DIR } from '../../../models/local-models';

/** The onnx/ files of onnx-community/Florence-2-base-ft on the hub (every dtype variant). */
const HUB_FILES = new Set(
  FLORENCE_SESSIONS.flatMap((s) =>
    ['', '_fp16', '_q4', '_q4f16', '_quantized', '_int8', '_uint8', '_bnb4'].map((x) => `onnx/${s}${x}.onnx`),
  ),
);
const hub = async (path: string) => HUB_FILES.has(path);
const tiny = async (path: string) => existsSync(join(MODELS_DIR, 'tiny-random/florence-2', path));

describe('resolveFlorenceDtypes', () => {
  it('follows docs/architecture.md on the real repo: fp16 embed/vision with shader-f16, q4 encoder and decoder', async () => {
    const f16 = await resolveFlorenceDtypes({ device: 'webgpu', shaderF16: true, exists: hub });
    expect(dtypeSignature(f16)).toBe('fp16/fp16/q4/q4');
    const noF16 = await resolveFlorenceDtypes({ device: 'webgpu', shaderF16: false, exists: hub });
    expect(dtypeSignature(noF16)).toBe('fp32/fp32/q4/q4');
    const wasm = await resolveFlorenceDtypes({ device: 'wasm', shaderF16: true, exists: hub });
    expect(dtypeSignature(wasm)).toBe('fp32/fp32/q4/q4');
  });

  it('resolves the tiny model (fp32 files only) to fp32 everywhere, on every device', async () => {
    for (const [device, shaderF16] of [
      ['webgpu', true],
      ['webgpu', false],
      ['wasm', false],
    ] as const) {
      const d = await resolveFlorenceDtypes({ device, shaderF16, exists: tiny });
      expect(dtypeSignature(d), `${device} f16=${shaderF16}`).toBe('fp32/fp32/fp32/fp32');
    }
  });

  it('never picks q8 for a decoder on WebGPU (transformers.js #1317)', () => {
    for (const table of [FLORENCE_DTYPE_TABLE.webgpu, FLORENCE_DTYPE_TABLE.webgpuF16]) {
      expect(table.decoder_model_merged).not.toContain('q8');
      expect(table.encoder_model).not.toContain('q8');
    }
  });

  it('takes overrides, and refuses loudly what cannot run or does not exist', async () => {
    const d = await resolveFlorenceDtypes({
      device: 'webgpu',
      shaderF16: false,
      exists: hub,
      overrides: { decoder_model_merged: 'fp32' },
    });
    expect(d.decoder_model_merged).toBe('fp32');
    await expect(
      resolveFlorenceDtypes({
        device: 'webgpu',
        shaderF16: false,
        exists: hub,
        overrides: { vision_encoder: 'fp16' },
      }),
    ).rejects.toThrow(/shader-f16/);
    await expect(
      resolveFlorenceDtypes({
        device: 'wasm',
        shaderF16: false,
        exists: hub,
        overrides: { encoder_model: 'q3' },
      }),
    ).rejects.toThrow(/valid choices are fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4/);
    await expect(
      resolveFlorenceDtypes({
        device: 'wasm',
        shaderF16: false,
        exists: hub,
        overrides: { text_encoder: 'fp32' },
      }),
    ).rejects.toThrow(/valid sessions are embed_tokens, vision_encoder, encoder_model, decoder_model_merged/);
    const error = await resolveFlorenceDtypes({
      device: 'wasm',
      shaderF16: false,
      exists: tiny,
      overrides: { encoder_model: 'q4' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeacherDtypeError);
    expect((error as Error).message).toContain('onnx/encoder_model_q4.onnx');
    await expect(
      resolveFlorenceDtypes({ device: 'webgpu', shaderF16: true, exists: async () => false }),
    ).rejects.toThrow('looked for onnx/embed_tokens_fp16.onnx, onnx/embed_tokens.onnx');
  });
});
