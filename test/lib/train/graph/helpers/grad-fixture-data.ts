/**
 * The PyTorch fixtures of tools/make_grad_fixtures.py (test/fixtures/grad), read from bytes: no file system, so
 * that the Node tests and the browser page of e2e/training-graphs.spec.ts read them with the same code.
 */

interface ArrayEntry {
  dtype: 'float32' | 'float64' | 'int64';
  shape: number[];
  offset: number;
}

export interface FixtureConfig {
  spec: {
    name: string;
    vocab: number;
    positions: number;
    embd: number;
    layers: number;
    heads: number;
    opset: number;
  };
  gradients: { loss_f64: number; loss_f32: number; weights?: string[] };
  lora?: { rank: number; alpha: number; targets: string[]; loss_f64: number; loss_f32: number };
  trajectory?: Record<'radam' | 'adamw', { losses: number[]; grad_norms: number[] }>;
  single_step?: {
    names: string[];
    cases: {
      case: string;
      optimizer: 'radam' | 'adamw';
      prior_step: number;
      dtype: 'f64' | 'f32';
      grad_norm: number;
    }[];
  };
  arrays: Record<string, ArrayEntry>;
}

export interface FixtureManifest {
  optimizer: {
    lr: number;
    betas: [number, number];
    eps: number;
    weight_decay: number;
    max_grad_norm: number;
  };
  pad_id: number;
  configs: Record<string, FixtureConfig>;
}

export type FixtureArray = Float32Array | Float64Array | BigInt64Array;

export class GradFixtureData {
  readonly config: FixtureConfig;

  /** `blob`: the whole `<name>.bin`, starting at offset 0 of its buffer (arrays are views into it). */
  constructor(
    readonly name: string,
    readonly manifest: FixtureManifest,
    readonly modelBytes: Uint8Array,
    private readonly blob: ArrayBuffer,
  ) {
    const config = manifest.configs[name];
    if (!config) throw new Error(`no fixture config ${name}`);
    this.config = config;
  }

  has(key: string): boolean {
    return key in this.config.arrays;
  }

  shape(key: string): number[] {
    return this.entry(key).shape;
  }

  get(key: string): FixtureArray {
    const e = this.entry(key);
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (e.dtype === 'float32') return new Float32Array(this.blob, e.offset, n);
    if (e.dtype === 'float64') return new Float64Array(this.blob, e.offset, n);
    return new BigInt64Array(this.blob, e.offset, n);
  }

  float(key: string): Float32Array | Float64Array {
    const a = this.get(key);
    if (a instanceof BigInt64Array) throw new Error(`${key} is int64`);
    return a;
  }

  int64(key: string): BigInt64Array {
    const a = this.get(key);
    if (!(a instanceof BigInt64Array)) throw new Error(`${key} is not int64`);
    return a;
  }

  private entry(key: string): ArrayEntry {
    const e = this.config.arrays[key];
    if (!e) throw new Error(`fixture ${this.name} has no array ${key}`);
    return e;
  }
}

/** max |a - b| / max |b|: error relative to the tensor's scale (what float32 rounding bounds). */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? err : err / scale;
}
