import type { SessionLike, TensorLike } from '../../../../src/lib/caption/session';
import type { StudentModel } from '../../../../src/lib/caption/student-model';
import type { CaptionRequest } from '../../../../src/lib/caption/types';
import { cpuRowGather } from '../../../../src/lib/caption/row-gather';
import type { FakeDecoderOptions } from './fake-decoder';
import { FAKE, FAKE_SPEC, FakeDecoder, FakeTensors } from './fake-decoder';

/** Encoder that passes each image's seed (its first pixel value) on to the fake decoder. */
export class FakeEncoder implements SessionLike {
  readonly inputNames = ['pixel_values'];
  readonly outputNames = ['last_hidden_state'];
  batches: number[] = [];
  constructor(private readonly tensors: FakeTensors) {}
  async run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>> {
    const pixels = feeds['pixel_values'] as TensorLike;
    const [rows = 0, ...rest] = pixels.dims;
    const size = rest.reduce((a, b) => a * b, 1);
    const data = pixels.data as Float32Array;
    this.batches.push(rows);
    const out = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) out[r * 2] = data[r * size] ?? 0;
    return { last_hidden_state: this.tensors.make('float32', out, [rows, 1, 2], true) };
  }
}

export function fakeStudent(options: Partial<FakeDecoderOptions> = {}) {
  const tensors = options.tensors ?? new FakeTensors('gpu-buffer');
  const encoder = new FakeEncoder(tensors);
  const decoder = new FakeDecoder({ ...options, tensors });
  const model: StudentModel = {
    encoder,
    decoder,
    spec: FAKE_SPEC,
    tensors,
    gather: cpuRowGather(tensors),
    special: { decoderStartTokenId: FAKE.start, eosTokenId: FAKE.eos, padTokenId: FAKE.pad },
    async preprocess(image) {
      return { data: new Float32Array([image.data[0] ?? 0, 0, 0, 0]), dims: [1, 2, 2] };
    },
    decodeText: (tokens) => tokens.map((t) => `w${t}`).join(' '),
  };
  return { model, encoder, decoder, tensors };
}

/** A 1×1 RGBA image whose red value is the fake decoder's seed for it. */
export function seededRequest(id: string, seed: number): CaptionRequest {
  return { id, image: { width: 1, height: 1, data: new Uint8Array([seed, 0, 0, 255]) } };
}
