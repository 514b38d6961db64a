import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/lib/onnx/proto/model-io';
import { splitCrossAttention } from '../../../src/lib/caption/cross-attention-split';
import { MODELS_DIR, TINY_MODEL_ID } from './helpers/node-student';

const ONNX_DIR = `${MODELS_DIR}/${TINY_MODEL_ID}/onnx`;

describe('splitCrossAttention (structure; numerics are in tiny-model and parity tests)', () => {
  const merged = new Uint8Array(readFileSync(`${ONNX_DIR}/decoder_model_merged.onnx`));

  it('moves the cross-attention projections of the cached branch, and only of that branch', () => {
    const split = splitCrossAttention(merged);
    if (split === null) throw new Error('expected a split');
    const cross = decodeModel(split.cross).graph;
    const decoder = decodeModel(split.decoder).graph;
    expect(cross?.input?.map((i) => i.name)).toEqual(['encoder_hidden_states']);
    expect(cross?.output?.map((o) => o.name)).toEqual(split.lifted);
    // The two layers' key/value projections (Gemm) now run in the cross model.
    const crossGemms = cross?.node?.filter((n) => n.opType === 'Gemm').map((n) => n.name) ?? [];
    expect(crossGemms).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/h\.0\/crossattention\/c_attn/),
        expect.stringMatching(/h\.1\/crossattention\/c_attn/),
      ]),
    );
    const branches = decoder?.node?.[0]?.attribute ?? [];
    const cached = branches.find((a) => a.name === 'then_branch')?.g?.node ?? [];
    const first = branches.find((a) => a.name === 'else_branch')?.g?.node ?? [];
    expect(cached.some((n) => n.input?.includes('encoder_hidden_states'))).toBe(false);
    expect(cached.filter((n) => /crossattention\/c_attn\/Gemm/.test(n.name ?? ''))).toEqual([]);
    expect(first.some((n) => n.input?.includes('encoder_hidden_states'))).toBe(true);
    expect(decoder?.input?.map((i) => i.name)).toEqual(expect.arrayContaining(split.lifted));
    expect(split.movedNodes).toBeGreaterThan(10);
  });

  it('leaves a decoder without the merged layout alone', () => {
    const plain = new Uint8Array(readFileSync(`${ONNX_DIR}/decoder_model.onnx`));
    expect(splitCrossAttention(plain)).toBeNull();
    const encoder = new Uint8Array(readFileSync(`${ONNX_DIR}/encoder_model.onnx`));
    expect(splitCrossAttention(encoder)).toBeNull();
  });
});
