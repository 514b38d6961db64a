import type { DecoderSpec } from '../../../../src/lib/caption/decoder-io';
import type { SessionLike, TensorFactory, TensorLike } from '../../../../src/lib/caption/session';

/**
 * A fake merged decoder whose KV cache carries the token history itself: present.0.key is
 * [rows, 1, past + 1, 1] with the tokens seen so far, so wrong cache plumbing (a beam following the wrong
 * row, a cache not fed back) changes the scores. Scores are a seeded hash of (image seed, history, token),
 * so a reference can recompute them from a token list alone.
 */
export const FAKE = { vocab: 12, start: 10, eos: 11, pad: 11 } as const;

/** Tensors that count how many device-located ones are still alive. */
export class FakeTensors implements TensorFactory {
  live = new Set<FakeTensor>();
  constructor(private readonly location: 'cpu' | 'gpu-buffer' = 'cpu') {}
  make(
    type: string,
    data: Float32Array | BigInt64Array | Uint8Array,
    dims: readonly number[],
    onDevice = false,
  ) {
    const tensor = new FakeTensor(type, data, dims, onDevice ? this.location : 'cpu', this);
    if (tensor.location !== 'cpu') this.live.add(tensor);
    return tensor;
  }
  float32(data: Float32Array, dims: readonly number[]): TensorLike {
    return this.make('float32', data, dims);
  }
  int64(data: BigInt64Array, dims: readonly number[]): TensorLike {
    return this.make('int64', data, dims);
  }
  bool(data: Uint8Array, dims: readonly number[]): TensorLike {
    return this.make('bool', data, dims);
  }
}

export class FakeTensor implements TensorLike {
  disposed = false;
  constructor(
    readonly type: string,
    private readonly values: Float32Array | BigInt64Array | Uint8Array,
    readonly dims: readonly number[],
    readonly location: string,
    private readonly owner: FakeTensors,
  ) {}
  get data(): unknown {
    if (this.location !== 'cpu') throw new Error('data of a device tensor: use getData()');
    return this.values;
  }
  async getData(): Promise<unknown> {
    if (this.disposed) throw new Error('getData after dispose');
    return this.values;
  }
  dispose(): void {
    if (this.disposed) throw new Error('disposed twice');
    this.disposed = true;
    this.owner.live.delete(this);
  }
}

/** Score of `token` after `history` for the image with `seed`: a hash in [0, 4), EOS likelier as text grows. */
export function fakeScore(seed: number, history: readonly number[], token: number): number {
  let h = 2166136261 ^ seed;
  for (const t of [...history, token]) h = Math.imul(h ^ (t + 1), 16777619);
  const base = ((h >>> 0) % 10007) / 2501.75;
  return token === FAKE.eos ? base * 0.5 + history.length * 0.3 + (seed % 7) * 0.25 : base;
}

export interface FakeDecoderOptions {
  tensors: FakeTensors;
  /** Called at the start of every run (e.g. to pause or cancel from inside a step). */
  onRun?: (run: number) => void;
}

export class FakeDecoder implements SessionLike {
  readonly inputNames = [
    'input_ids',
    'encoder_hidden_states',
    'use_cache_branch',
    'past_key_values.0.key',
    'past_key_values.0.value',
  ];
  readonly outputNames = ['logits', 'present.0.key', 'present.0.value'];
  runs = 0;
  constructor(private readonly options: FakeDecoderOptions) {}

  async run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>> {
    this.options.onRun?.(this.runs);
    this.runs++;
    const ids = feeds['input_ids']?.data as BigInt64Array;
    const encoder = feeds['encoder_hidden_states'] as TensorLike;
    const past = feeds['past_key_values.0.key'] as TensorLike;
    const useCache = (feeds['use_cache_branch']?.data as Uint8Array)[0] === 1;
    const seeds = (await encoder.getData()) as Float32Array;
    const pastData = (await past.getData()) as Float32Array;
    const [rows = 0, , pastLength = 0] = past.dims;
    if (!useCache && pastLength !== 0) throw new Error('first step must have an empty past');
    if (useCache && pastLength === 0) throw new Error('later steps must feed the cache');
    const seqLen = encoder.dims[1] ?? 1;
    const hidden = encoder.dims[2] ?? 1;
    const logits = new Float32Array(rows * FAKE.vocab);
    const present = new Float32Array(rows * (pastLength + 1));
    for (let row = 0; row < rows; row++) {
      const history = Array.from(pastData.subarray(row * pastLength, (row + 1) * pastLength));
      history.push(Number(ids[row]));
      present.set(history, row * (pastLength + 1));
      const seed = seeds[row * seqLen * hidden] ?? 0;
      // The start token is not part of the text: score from the tokens after it.
      for (let token = 0; token < FAKE.vocab; token++) {
        logits[row * FAKE.vocab + token] = fakeScore(seed, history.slice(1), token);
      }
    }
    const t = this.options.tensors;
    return {
      logits: t.make('float32', logits, [rows, 1, FAKE.vocab], true),
      'present.0.key': t.make('float32', present, [rows, 1, pastLength + 1, 1], true),
      'present.0.value': t.make('float32', present.slice(), [rows, 1, pastLength + 1, 1], true),
    };
  }
}

export const FAKE_SPEC: DecoderSpec = {
  cache: [
    { input: 'past_key_values.0.key', output: 'present.0.key' },
    { input: 'past_key_values.0.value', output: 'present.0.value' },
  ],
  lifted: [],
  numHeads: 1,
  headDim: 1,
  hasCacheBranch: true,
};

/** Encoder output whose first value per image is that image's seed. */
export function fakeEncoderStates(
  tensors: FakeTensors,
  seeds: readonly number[],
  onDevice = false,
): TensorLike {
  const data = new Float32Array(seeds.length * 2);
  seeds.forEach((seed, i) => (data[i * 2] = seed));
  return tensors.make('float32', data, [seeds.length, 1, 2], onDevice);
}
