/**
 * The tanh-GELU fusion (src/lib/onnx/graph/fuse-gelu.ts): torch's eight-node gelu_new becomes one com.microsoft
 * FastGelu in either operand order, nothing else is touched, and ORT computes the same values both ways.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../../../src/lib/onnx/autodiff';
import { MS_DOMAIN, OnnxModel, fuseTanhGelu, inferShapes, int } from '../../../../src/lib/onnx/graph';
import { DataType, float32Tensor } from '../../../../src/lib/onnx/proto';

const K = Math.fround(Math.sqrt(2 / Math.PI));

interface PatternOptions {
  /** Operands as torch.onnx writes them (x first) or the other way round. */
  readonly swapped?: boolean;
  readonly cubic?: number;
  /** Also make tanh's output a graph output (then it is read outside the pattern). */
  readonly exposeTanh?: boolean;
}

/** x [2, 5] → gelu_new(x) → y, as torch.onnx exports GPT-2's activation. */
function geluModel(options: PatternOptions = {}): OnnxModel {
  const m = new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: 18 }] });
  const g = m.graph;
  g.addInput('x', DataType.FLOAT, [2, 5]);
  const c = (name: string, v: number): string => g.addInitializer(float32Tensor(name, [], [v]));
  const bin = (op: string, a: string, b: string): string => g.add(op, options.swapped ? [b, a] : [a, b]);
  const half = bin('Mul', 'x', c('half', 0.5));
  const cube = g.add('Pow', ['x', c('three', 3)]);
  const inner = bin('Add', 'x', bin('Mul', cube, c('cubic', options.cubic ?? 0.044715)));
  const t = g.add('Tanh', [bin('Mul', inner, c('k', K))]);
  g.addNode(
    'Mul',
    options.swapped ? [bin('Add', t, c('one', 1)), half] : [half, bin('Add', t, c('one', 1))],
    {
      outputs: ['y'],
    },
  );
  g.addOutput('y');
  if (options.exposeTanh) g.addOutput(t);
  return m;
}

const fuse = (m: OnnxModel): number => fuseTanhGelu(m.graph, inferShapes(m.graph, 18));

async function run(m: OnnxModel, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(m.encode());
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, [2, 5]) });
    return out['y']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('fuseTanhGelu', () => {
  it.each([false, true])('fuses the eight nodes into one FastGelu(x) (operands swapped: %s)', (swapped) => {
    const m = geluModel({ swapped });
    expect(fuse(m)).toBe(1);
    expect(m.graph.nodes).toHaveLength(1);
    expect(m.graph.nodes[0]).toMatchObject({
      opType: 'FastGelu',
      domain: MS_DOMAIN,
      input: ['x'],
      output: ['y'],
    });
  });

  it('leaves the pattern alone when an intermediate is read elsewhere or a constant differs', () => {
    const exposed = geluModel({ exposeTanh: true });
    expect(fuse(exposed)).toBe(0);
    expect(exposed.graph.nodes).toHaveLength(8);
    const other = geluModel({ cubic: 0.05 });
    expect(fuse(other)).toBe(0);
    expect(other.graph.nodes).toHaveLength(8);
  });

  it('computes what the eight nodes compute, on ORT CPU', async () => {
    const x = Float32Array.from({ length: 10 }, (_, i) => (i - 5) * 0.9);
    const before = await run(geluModel(), x);
    const fused = geluModel();
    fuse(fused);
    fused.graph.prune();
    fused.opsetImports.push({ domain: MS_DOMAIN, version: 1 });
    const after = await run(fused, x);
    for (let i = 0; i < x.length; i++) expect(after[i]).toBeCloseTo(before[i]!, 5);
  });

  it('gives the gradient graph one FastGelu and the gradient of the eight nodes (ORT CPU)', async () => {
    // loss = Σ w·gelu(x): the trainable w makes x's gradient flow through the activation.
    const withLoss = (): OnnxModel => {
      const m = geluModel();
      const g = m.graph;
      g.addInitializer(float32Tensor('w', [5], [0.3, -1.2, 0.7, 2.1, -0.4]));
      g.outputs = [];
      g.addNode('ReduceSum', [g.add('Mul', ['y', 'w'])], { outputs: ['loss'], attrs: { keepdims: int(0) } });
      g.addOutput('loss');
      return m;
    };
    const gradients = async (fuse: boolean): Promise<{ ops: string[]; dx: Float32Array }> => {
      const { model } = buildGradientGraph(withLoss(), { loss: 'loss', trainable: ['x'], fuse });
      const session = await ort.InferenceSession.create(model.encode());
      try {
        const x = Float32Array.from({ length: 10 }, (_, i) => (i - 4.5) * 0.7);
        const out = await session.run({ x: new ort.Tensor('float32', x, [2, 5]) });
        return { ops: model.graph.nodes.map((n) => n.opType!), dx: out['grad.x']!.data as Float32Array };
      } finally {
        await session.release();
      }
    };
    const fused = await gradients(true);
    const plain = await gradients(false);
    expect(fused.ops.filter((o) => o === 'FastGelu')).toHaveLength(1);
    expect(plain.ops).not.toContain('FastGelu');
    expect(fused.ops.length).toBeLessThan(plain.ops.length);
    for (let i = 0; i < 10; i++) expect(fused.dx[i]).toBeCloseTo(plain.dx[i]!, 5);
  });
});
