import { describe, expect, it } from 'vitest';
import {
  CheckpointFormatError,
  decodeCheckpoint,
  encodeCheckpoint,
  modelIdentity,
  type Checkpoint,
} from '../../../../src/lib/train/checkpoints/format';

const CHECKPOINT: Checkpoint<{ lr: number }> = {
  step: 42,
  modelId: 'abc123',
  config: { lr: 5e-5 },
  extra: { epoch: 1, losses: [3.5, 2.25] },
  tensors: [
    { name: 'w', slot: 'param', dims: [2, 3], data: Float32Array.from([1, -2, 3.5, NaN, -0, 1e-30]) },
    { name: 'w', slot: 'exp_avg', dims: [2, 3], data: new Float32Array(6).fill(0.125) },
    { name: 'b', slot: 'param', dims: [3], data: Float32Array.from([7, 8, 9]) },
  ],
};

describe('checkpoint blob', () => {
  it('round-trips every bit of every tensor, the step, config and extra state', () => {
    const decoded = decodeCheckpoint(encodeCheckpoint(CHECKPOINT));
    expect(decoded.step).toBe(42);
    expect(decoded.modelId).toBe('abc123');
    expect(decoded.config).toEqual({ lr: 5e-5 });
    expect(decoded.extra).toEqual({ epoch: 1, losses: [3.5, 2.25] });
    decoded.tensors.forEach((t, i) => {
      const original = CHECKPOINT.tensors[i]!;
      expect([t.name, t.slot, t.dims]).toEqual([original.name, original.slot, original.dims]);
      expect(new Uint8Array(t.data.buffer)).toEqual(new Uint8Array(original.data.buffer));
    });
  });

  it('rejects foreign and truncated blobs with CheckpointFormatError', () => {
    const blob = encodeCheckpoint(CHECKPOINT);
    expect(() => decodeCheckpoint(new TextEncoder().encode('not a checkpoint'))).toThrow(
      CheckpointFormatError,
    );
    expect(() => decodeCheckpoint(blob.subarray(0, blob.length - 4))).toThrow(/truncated/);
    const future = blob.slice();
    future[4] = 9;
    expect(() => decodeCheckpoint(future)).toThrow(/format 9/);
  });

  it('refuses tensors whose data does not fill their dims', () => {
    const bad = {
      ...CHECKPOINT,
      tensors: [{ name: 'w', slot: 'param' as const, dims: [4], data: new Float32Array(3) }],
    };
    expect(() => encodeCheckpoint(bad)).toThrow(CheckpointFormatError);
  });

  it('identifies a model by the SHA-256 of its bytes', async () => {
    expect(await modelIdentity(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
