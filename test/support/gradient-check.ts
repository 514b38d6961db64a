/**
 * Gradient checks driven by case files (test/lib/onnx/autodiff/cases/*.jsonc): each case is one node with
 * seeded random inputs; the loss is Σ_k Σ(y_k ⊙ W_k) over its float outputs with fixed random weights W_k, so
 * every output element matters with a different weight. The reference gradient is a central finite difference
 * of that loss in float64 (reference interpreter); the system under test is our gradient graph in ORT (float32).
 */
import { OnnxModel } from '../../src/lib/onnx/graph/model';
import { makeAttributes } from '../../src/lib/onnx/graph/attributes';
import type { AttributeValue } from '../../src/lib/onnx/graph/attributes';
import { DataType, boolTensor, float32Tensor, int64Tensor } from '../../src/lib/onnx/proto/tensor';
import { evaluate } from './reference/interpreter';
import type { RefTensor } from './reference/tensor';
import { Rng } from './rng';

export interface CaseInput {
  readonly name: string;
  readonly dims: readonly number[];
  /** Differentiate w.r.t. this input (a float graph input). */
  readonly trainable?: boolean;
  /** Fixed values (int64 indices/axes/shapes, bool conditions, or floats); otherwise random floats. */
  readonly int64?: readonly number[];
  readonly bool?: readonly boolean[];
  readonly float?: readonly number[];
  /** Range of random floats (default: standard normal). */
  readonly uniform?: readonly [number, number];
}

/** One node of a multi-node case; `inputs`/`outputs` name tensors (case inputs, other nodes' outputs, y0…). */
export interface CaseNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface GradientCase {
  readonly name: string;
  /** The op under test (single-node case), fed by all `inputs` in order and producing y0, y1… */
  readonly op?: string;
  /** Or a small subgraph (decomposed LayerNorm, attention…) whose final outputs are named y0, y1… */
  readonly nodes?: readonly CaseNode[];
  readonly opset?: number;
  /** Attributes as {"int": 1} / {"float": 0.5} / {"ints": [..]} / {"floats": [..]} / {"string": ".."}. */
  readonly attrs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly inputs: readonly CaseInput[];
  /** Number of node outputs (default 1); all float outputs enter the loss. */
  readonly outputs?: number;
  /** Output indices that enter the loss (default: all). */
  readonly lossOutputs?: readonly number[];
}

export interface CaseFile {
  readonly opset?: number;
  readonly cases: readonly GradientCase[];
}

export interface BuiltCase {
  /** Forward model: graph inputs are the trainables; its output 'loss' is the scalar loss. */
  readonly model: OnnxModel;
  /** float32-rounded values of the trainables (the reference uses exactly these). */
  readonly values: ReadonlyMap<string, { dims: readonly number[]; data: Float32Array }>;
}

function attribute(spec: Readonly<Record<string, unknown>>): AttributeValue {
  const [type, value] = Object.entries(spec)[0]!;
  return { type, value } as AttributeValue;
}

export function buildCase(c: GradientCase, fileOpset: number, seed: number): BuiltCase {
  const rng = new Rng(seed);
  const opset = c.opset ?? fileOpset;
  const model = new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: opset }] });
  const g = model.graph;
  const values = new Map<string, { dims: readonly number[]; data: Float32Array }>();
  const count = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);
  const seen = new Set<string>();
  for (const input of c.inputs) {
    if (input.name === '' || seen.has(input.name)) continue; // the same tensor twice, e.g. Mul(a, a)
    seen.add(input.name);
    if (input.int64) g.addInitializer(int64Tensor(input.name, input.dims, input.int64));
    else if (input.bool) g.addInitializer(boolTensor(input.name, input.dims, input.bool));
    else {
      const data = input.float
        ? Float32Array.from(input.float)
        : Float32Array.from({ length: count(input.dims) }, () =>
            input.uniform ? rng.between(input.uniform[0], input.uniform[1]) : rng.normal(),
          );
      if (input.trainable) {
        g.addInput(input.name, DataType.FLOAT, input.dims);
        values.set(input.name, { dims: input.dims, data });
      } else g.addInitializer(float32Tensor(input.name, input.dims, data));
    }
  }
  const outs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `y${i}`);
  const nodes: readonly CaseNode[] = c.nodes ?? [
    { op: c.op!, inputs: c.inputs.map((i) => i.name), outputs: outs, attrs: c.attrs ?? {} },
  ];
  nodes.forEach((n, k) => {
    g.nodes.push({
      name: `${n.op}_under_test_${k}`,
      opType: n.op,
      input: [...n.inputs],
      output: [...n.outputs],
      attribute: makeAttributes(
        Object.fromEntries(Object.entries(n.attrs ?? {}).map(([a, v]) => [a, attribute(v)])),
      ),
    });
    for (const o of n.outputs) g.reserveName(o);
  });
  // Output dims come from the reference interpreter, so the loss weights have the right shape.
  const ref = evaluate(model, toRef(values));
  const terms = (c.lossOutputs ?? outs.map((_, i) => i)).map((i) => {
    const y = ref.get(outs[i]!)!;
    const w = g.addConstant(
      `w${i}`,
      float32Tensor(
        '',
        y.dims,
        Array.from({ length: y.data.length }, () => rng.normal()),
      ),
    );
    return g.add('ReduceSum', [g.add('Mul', [outs[i]!, w])], { keepdims: { type: 'int', value: 0 } });
  });
  let loss = terms[0]!;
  for (const t of terms.slice(1)) loss = g.add('Add', [loss, t]);
  g.addNode('Identity', [loss], { outputs: ['loss'] });
  g.addOutput('loss', DataType.FLOAT, []);
  return { model, values };
}

function toRef(
  values: ReadonlyMap<string, { dims: readonly number[]; data: Float32Array }>,
): Map<string, RefTensor> {
  return new Map(
    [...values].map(([k, v]) => [k, { dims: v.dims, data: Float64Array.from(v.data), dtype: 1 }]),
  );
}

/** Central finite differences of the float64 loss w.r.t. every element of every trainable. */
export function finiteDifferences(built: BuiltCase, h = 1e-5): Map<string, Float64Array> {
  const base = toRef(built.values);
  const lossAt = (feeds: Map<string, RefTensor>): number =>
    evaluate(built.model, feeds).get('loss')!.data[0]!;
  const result = new Map<string, Float64Array>();
  for (const [name, t] of base) {
    const grad = new Float64Array(t.data.length);
    for (let i = 0; i < t.data.length; i++) {
      const plus = Float64Array.from(t.data);
      const minus = Float64Array.from(t.data);
      plus[i]! += h;
      minus[i]! -= h;
      const lp = lossAt(new Map(base).set(name, { ...t, data: plus }));
      const lm = lossAt(new Map(base).set(name, { ...t, data: minus }));
      grad[i] = (lp - lm) / (2 * h);
    }
    result.set(name, grad);
  }
  return result;
}

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** Largest |a − b| / (atol + rtol·|b|): ≤ 1 means within tolerance. Also returns the largest |a − b|. */
export function compare(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): { ratio: number; maxAbs: number } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let ratio = 0;
  let maxAbs = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
    ratio = Math.max(ratio, Number.isNaN(d) ? Infinity : d / (tol.atol + tol.rtol * Math.abs(expected[i]!)));
  }
  return { ratio, maxAbs };
}

/**
 * Like `compare`, but relative to the largest |expected| of the tensor: for gradients summed over many terms,
 * float32 rounding scales with the size of the terms, not with each (possibly cancelled) result.
 */
export function compareScaled(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): { ratio: number; maxAbs: number } {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  const bound = tol.atol + tol.rtol * scale;
  const { maxAbs } = compare(actual, expected, { atol: bound, rtol: 0 });
  return { ratio: maxAbs / bound, maxAbs };
}
