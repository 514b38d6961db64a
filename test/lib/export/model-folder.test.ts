import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ModelFolderError } from '../../../src/lib/export/errors';
import {
  MODEL_MANIFEST_NAME,
  assembleModelFolder,
  parseModelManifest,
  staleVariantsOf,
  type ModelFolderInput,
} from '../../../src/lib/export/model-folder';

const text = (s: string) => new TextEncoder().encode(s);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function sourceFolder(extra: Record<string, string> = {}): Map<string, Uint8Array> {
  const files: Record<string, string> = {
    'config.json': '{"model_type":"vision-encoder-decoder"}',
    'generation_config.json': '{}',
    'preprocessor_config.json': '{}',
    'tokenizer.json': '{}',
    'tokenizer_config.json': '{}',
    'vocab.json': '{}',
    'merges.txt': '#version: 0.2\n',
    'onnx/encoder_model.onnx': 'ENC',
    'onnx/encoder_model_fp16.onnx': 'ENC16',
    'onnx/decoder_model.onnx': 'DEC',
    'onnx/decoder_model_merged.onnx': 'MERGED',
    ...extra,
  };
  return new Map(Object.entries(files).map(([k, v]) => [k, text(v)]));
}

const base = (source: Map<string, Uint8Array>, tuned: Record<string, string>): ModelFolderInput => ({
  source,
  tuned: new Map(Object.entries(tuned).map(([k, v]) => [k, text(v)])),
  baseModel: { id: 'Xenova/vit-gpt2-image-captioning', revision: 'main' },
  createdAt: Date.UTC(2025, 0, 2, 3, 4, 5),
  training: { steps: 30, rounds: 2 },
});

describe('assembleModelFolder', () => {
  it('copies every source file unchanged, swaps in the tuned ONNX files and lists both in the manifest', async () => {
    const source = sourceFolder();
    const folder = await assembleModelFolder(
      base(source, { 'onnx/decoder_model.onnx': 'DEC*', 'onnx/decoder_model_merged.onnx': 'MERGED*' }),
    );
    const paths = [...folder.files.keys()];
    expect(paths.at(-1)).toBe(MODEL_MANIFEST_NAME);
    expect(new Set(paths)).toEqual(new Set([...source.keys(), MODEL_MANIFEST_NAME]));
    for (const [path, bytes] of source) {
      const expected = path.startsWith('onnx/decoder') ? text(new TextDecoder().decode(bytes) + '*') : bytes;
      expect(folder.files.get(path)).toEqual(expected);
    }
    // Unchanged files are the very same buffers, never copies.
    expect(folder.files.get('onnx/encoder_model.onnx')).toBe(source.get('onnx/encoder_model.onnx'));
    const m = folder.manifest;
    expect(m.createdAt).toBe('2025-01-02T03:04:05.000Z');
    expect(m.training).toEqual({ steps: 30, rounds: 2 });
    expect(m.dropped).toEqual([]);
    const byPath = Object.fromEntries(m.files.map((f) => [f.path, f]));
    expect(byPath['onnx/decoder_model_merged.onnx']).toEqual({
      path: 'onnx/decoder_model_merged.onnx',
      bytes: 7,
      sha256: sha256(text('MERGED*')),
      origin: 'tuned',
    });
    expect(byPath['config.json']!.origin).toBe('source');
    expect(byPath['config.json']!.sha256).toBe(sha256(source.get('config.json')!));
    const written = JSON.parse(new TextDecoder().decode(folder.files.get(MODEL_MANIFEST_NAME)));
    expect(parseModelManifest(written)).toEqual(m);
  });

  it('drops dtype variants and external data of a tuned graph that still hold the base weights', async () => {
    const source = sourceFolder({
      'onnx/decoder_model_merged_quantized.onnx': 'Q8',
      'onnx/decoder_model_merged_fp16.onnx': 'F16',
      'onnx/decoder_model_merged.onnx_data': 'EXT',
      'onnx/decoder_model_quantized.onnx': 'DQ8',
    });
    const folder = await assembleModelFolder(
      base(source, {
        'onnx/decoder_model_merged.onnx': 'MERGED*',
        'onnx/decoder_model_merged_fp16.onnx': 'F16*',
      }),
    );
    expect(folder.manifest.dropped.map((d) => d.path).sort()).toEqual([
      'onnx/decoder_model_merged.onnx_data',
      'onnx/decoder_model_merged_quantized.onnx',
    ]);
    expect(folder.files.has('onnx/decoder_model_merged_quantized.onnx')).toBe(false);
    // Variants of a graph that was not tuned stay: the encoder is frozen, the plain decoder untouched here.
    expect(folder.files.get('onnx/encoder_model_fp16.onnx')).toEqual(text('ENC16'));
    expect(folder.files.get('onnx/decoder_model_quantized.onnx')).toEqual(text('DQ8'));
    expect(folder.files.get('onnx/decoder_model_merged_fp16.onnx')).toEqual(text('F16*'));
  });

  it('finds stale variants by exact stem only', () => {
    const paths = [
      'onnx/decoder_model.onnx',
      'onnx/decoder_model_merged.onnx',
      'onnx/decoder_model_q4f16.onnx',
      'onnx/decoder_model.onnx_data_1',
      'onnx/decoder_model_with_past.onnx',
      'decoder_model_fp16.onnx',
    ];
    expect(staleVariantsOf('onnx/decoder_model.onnx', paths)).toEqual([
      'onnx/decoder_model_q4f16.onnx',
      'onnx/decoder_model.onnx_data_1',
    ]);
  });

  it('replaces an old manifest when the source is itself an export', async () => {
    const source = sourceFolder({ [MODEL_MANIFEST_NAME]: '{"old":true}' });
    const folder = await assembleModelFolder(base(source, { 'onnx/decoder_model_merged.onnx': 'M2' }));
    expect(folder.manifest.files.map((f) => f.path)).not.toContain(MODEL_MANIFEST_NAME);
    expect(new TextDecoder().decode(folder.files.get(MODEL_MANIFEST_NAME))).toContain('capgrad-model-export');
  });

  it('refuses folders transformers.js could not load and tuned files it would never read', async () => {
    const noTokenizer = sourceFolder();
    noTokenizer.delete('tokenizer.json');
    await expect(assembleModelFolder(base(noTokenizer, { 'onnx/decoder_model.onnx': 'x' }))).rejects.toThrow(
      /lacks tokenizer.json/,
    );
    await expect(assembleModelFolder(base(sourceFolder(), {}))).rejects.toBeInstanceOf(ModelFolderError);
    await expect(
      assembleModelFolder(base(sourceFolder(), { 'onnx/decoder_with_past_model.onnx': 'x' })),
    ).rejects.toThrow(/not in the source model folder/);
    await expect(assembleModelFolder(base(sourceFolder(), { 'decoder_model.onnx': 'x' }))).rejects.toThrow(
      /not an ONNX file under onnx/,
    );
    await expect(
      assembleModelFolder(base(sourceFolder(), { 'onnx/decoder_model.onnx': '' })),
    ).rejects.toThrow(/empty/);
  });

  it('parseModelManifest refuses other JSON and newer formats', () => {
    expect(() => parseModelManifest({ files: [] })).toThrow(ModelFolderError);
    expect(() => parseModelManifest({ format: 'capgrad-model-export', version: 99, files: [] })).toThrow(
      /version 99/,
    );
  });
});
