/** The one-Identity model: input x, output y, the dims it was given; it runs and returns its input. */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { identityModel } from '../../../../src/lib/onnx/graph/identity-model';

describe('identityModel', () => {
  it.each([[[1]], [['n']]])('returns its input (dims %j)', async (dims) => {
    const session = await ort.InferenceSession.create(identityModel('probe', dims));
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([2.5]), [1]) });
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([2.5]);
    await session.release();
  });
});
