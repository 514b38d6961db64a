import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  decodeModel,
  encodeModel,
  decodeTensor,
  encodeTensor,
} from '../../../../src/lib/onnx/proto/model-io';
import { ProtobufDecodeError } from '../../../../src/lib/onnx/proto/wire';
import { readFloat32 } from '../../../../src/lib/onnx/proto/tensor';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/onnx');
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

describe('decodeModel / encodeModel', () => {
  it('round-trips a torch.onnx export byte for byte', () => {
    const bytes = load('gpt2-xattn-tiny.onnx');
    const model = decodeModel(bytes);
    expect(model.graph?.node?.length).toBe(747);
    expect(model.opsetImport).toEqual([{ version: 17 }]); // proto2 presence: domain absent, not ''
    expect(Buffer.from(encodeModel(model)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('decodes initializers as views into the input buffer (zero-copy)', () => {
    const bytes = load('gpt2-xattn-tiny.onnx');
    const init = decodeModel(bytes).graph!.initializer!;
    expect(init.length).toBeGreaterThan(10);
    for (const t of init) if (t.rawData && t.rawData.length > 0) expect(t.rawData.buffer).toBe(bytes.buffer);
  });

  it('keeps If subgraphs and fields it does not model (sparse initializer, training info)', () => {
    const bytes = load('subgraph-and-unknowns.onnx');
    const model = decodeModel(bytes);
    const ifNode = model.graph!.node![0]!;
    expect(ifNode.opType).toBe('If');
    const branches = Object.fromEntries(ifNode.attribute!.map((a) => [a.name, a.g?.node?.[0]?.opType]));
    expect(branches).toEqual({ then_branch: 'Mul', else_branch: 'Neg' });
    expect(model.graph!.unknownFields?.length).toBe(2); // sparse_initializer, quantization_annotation
    expect(model.unknownFields?.length).toBe(1); // training_info
    expect(model.metadataProps).toEqual([{ key: 'purpose', value: 'codec round-trip' }]);
    expect(Buffer.from(encodeModel(model)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('gives identical outputs in onnxruntime after decode → edit → encode', async () => {
    const bytes = load('gpt2-xattn-tiny.onnx');
    const model = decodeModel(bytes);
    model.producerName = 'capgrad-roundtrip';
    const reencoded = encodeModel(model);
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from([3n, 1n, 4n, 1n, 5n, 9n, 2n, 6n]), [2, 4]),
      encoder_hidden_states: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 2 * 3 * 16 }, (_, i) => Math.sin(i)),
        [2, 3, 16],
      ),
    };
    const run = async (b: Uint8Array): Promise<Float32Array> => {
      const session = await ort.InferenceSession.create(b);
      const out = await session.run(feeds);
      await session.release();
      return out.logits!.data as Float32Array;
    };
    const [a, b] = [await run(bytes), await run(reencoded)];
    expect(a.length).toBe(2 * 4 * 64);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('rejects a truncated model with ProtobufDecodeError', () => {
    const bytes = load('gpt2-xattn-tiny.onnx');
    expect(() => decodeModel(bytes.subarray(0, 5000))).toThrow(ProtobufDecodeError);
  });
});

describe('TensorProto', () => {
  it('reads float_data fallback and packed/unpacked encodings', () => {
    const t = { name: 'f', dims: [2], dataType: 1, floatData: [1.5, -2] };
    const back = decodeTensor(encodeTensor(t));
    expect(back).toEqual(t);
    expect(Array.from(readFloat32(back))).toEqual([1.5, -2]);
    // dims written unpacked (as onnx.proto declares), float_data packed: field 1 varint tags, one field 4 run.
    expect(Array.from(encodeTensor({ dims: [2, 3] }))).toEqual([8, 2, 8, 3]);
    // A packed dims field (another writer's choice) decodes the same.
    expect(decodeTensor(Uint8Array.from([10, 2, 2, 3])).dims).toEqual([2, 3]);
  });

  it('keeps 64-bit attribute-style values exact (INT64_MAX, negatives)', () => {
    const t = { name: 'i', dims: [3], dataType: 7, int64Data: [9223372036854775807n, -1n, 0n] };
    expect(decodeTensor(encodeTensor(t))).toEqual(t);
  });
});
