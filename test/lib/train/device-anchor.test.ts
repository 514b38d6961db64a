import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { anchorModel, withDeviceHeld } from '../../../src/lib/train/device-anchor';

describe('holding the device across a reload', () => {
  it('is a valid one-node model', async () => {
    const session = await ort.InferenceSession.create(anchorModel());
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([3]), [1]) });
    expect(Array.from(out[session.outputNames[0]!]!.data as Float32Array)).toEqual([3]);
    await session.release();
  });

  it('opens the anchor before the work and releases it after, also when the work fails', async () => {
    const log: string[] = [];
    const open = async () => {
      log.push('open');
      return { release: async () => void log.push('release') };
    };
    expect(await withDeviceHeld(open, async () => (log.push('work'), 7))).toBe(7);
    await expect(
      withDeviceHeld(open, async () => {
        log.push('fail');
        throw new Error('load failed');
      }),
    ).rejects.toThrow('load failed');
    expect(log).toEqual(['open', 'work', 'release', 'open', 'fail', 'release']);
  });
});
