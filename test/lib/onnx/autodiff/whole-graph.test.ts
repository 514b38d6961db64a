/**
 * Whole-graph checks on torch.onnx exports: the tiny GPT-2 with cross-attention against PyTorch autograd
 * (fixture written by tools/make_onnx_fixtures.py), on the CPU EP and on the WebGPU EP; and the tiny ViT-GPT2
 * student's decoder, whose gradient graph must be placed entirely on WebGPU and agree with the CPU EP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../../../src/lib/onnx/autodiff';
import type { GradientGraph } from '../../../../src/lib/onnx/autodiff';
import { OnnxModel, int } from '../../../../src/lib/onnx/graph';
import { float32Tensor, isFloatType, readFloat32 } from '../../../../src/lib/onnx/proto';
import { compareScaled } from '../../../support/gradient-check';
import type { Tolerance } from '../../../support/gradient-check';
import { runOnWebGpu } from '../../../support/ort-webgpu';
import type { Feed, WebGpuResult } from '../../../support/ort-webgpu';

const ROOT = join(import.meta.dirname, '../../../..');
const GPT2 = join(ROOT, 'test/fixtures/onnx/gpt2-xattn-tiny.onnx');
const STUDENT = join(ROOT, 'public/models/tiny-random/vit-gpt2/onnx/decoder_model.onnx');

/**
 * |Δ| ≤ atol + rtol·max|expected| per tensor (compareScaled). PyTorch and ORT both compute in float32 but sum in
 * different orders (GEMM blocking, fused kernels) through two layers and a 64-way logit sum, so differences are
 * float32 rounding of the largest terms: ~1e-6 relative to the tensor's scale. The bounds leave ~10×.
 */
const VS_PYTORCH: Tolerance = { atol: 1e-6, rtol: 1e-5 };
/** WebGPU vs CPU on the same graph: same float32 math, different summation order (and WGSL's exp/tanh). */
const WEBGPU_VS_CPU: Tolerance = { atol: 1e-6, rtol: 1e-5 };

interface Reference {
  loss: number;
  gradients: Record<string, { dims: number[]; float32: string }>;
}

/** loss = Σ logits ⊙ W with the closed-form inputs the fixture script used. */
function withLoss(
  path: string,
  batch: number,
  seq: number,
  vocab: number,
): { model: OnnxModel; trainable: string[] } {
  const model = OnnxModel.decode(new Uint8Array(readFileSync(path)));
  const g = model.graph;
  const n = batch * seq * vocab;
  const w = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(0.37 * i)));
  const wName = g.addConstant('loss_weights', float32Tensor('', [batch, seq, vocab], w));
  g.addNode('ReduceSum', [g.add('Mul', ['logits', wName])], {
    outputs: ['loss'],
    attrs: { keepdims: int(0) },
  });
  const trainable = [...g.initializers.values()]
    .filter((t) => isFloatType(t.dataType) && (t.dims?.length ?? 0) > 0 && t.name !== wName)
    .map((t) => t.name!);
  return { model, trainable };
}

function feedsFor(grad: GradientGraph, encDims: number[], batch: number, seq: number): Record<string, Feed> {
  const feeds: Record<string, Feed> = {
    input_ids: {
      type: 'int64',
      data: BigInt64Array.from({ length: batch * seq }, (_, i) => BigInt((7 * i + 3) % 64)),
      dims: [batch, seq],
    },
    encoder_hidden_states: {
      type: 'float32',
      data: Float32Array.from({ length: encDims.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i)),
      dims: encDims,
    },
  };
  for (const [name, t] of grad.promoted)
    feeds[name] = { type: 'float32', data: Float32Array.from(readFloat32(t)), dims: t.dims! };
  return feeds;
}

async function runCpu(
  grad: GradientGraph,
  feeds: Record<string, Feed>,
): Promise<Record<string, { data: Float32Array }>> {
  const session = await ort.InferenceSession.create(grad.model.encode());
  const out = await session.run(
    Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.type, f.data, f.dims)])),
  );
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array }]));
}

/** PyTorch's gradient of each parameter, and ours: tied lm_head gradients (a transposed copy) summed in. */
function ourGradient(
  grad: GradientGraph,
  outputs: Record<string, { data: ArrayLike<unknown> }>,
  param: string,
  dims: number[],
): Float32Array {
  const own = Float32Array.from(outputs[grad.gradients.get(`m.${param}`)!]!.data as ArrayLike<number>);
  if (param !== 'transformer.wte.weight') return own;
  const [v, d] = dims as [number, number];
  const tiedName = [...grad.gradients.keys()].find((k) => !k.startsWith('m.'))!;
  const tied = outputs[grad.gradients.get(tiedName)!]!.data as ArrayLike<number>; // [d, v]
  for (let i = 0; i < v; i++) for (let j = 0; j < d; j++) own[i * d + j]! += tied[j * v + i]!;
  return own;
}

describe('whole decoder graphs', () => {
  const ref = JSON.parse(readFileSync(GPT2.replace('.onnx', '.grads.json'), 'utf8')) as Reference;
  const gpt2 = withLoss(GPT2, 2, 5, 64);
  const gpt2Grad = buildGradientGraph(gpt2.model, {
    loss: 'loss',
    trainable: gpt2.trainable,
    inputShapes: { input_ids: [2, 5], encoder_hidden_states: [2, 7, 16] },
  });
  const gpt2Feeds = feedsFor(gpt2Grad, [2, 7, 16], 2, 5);
  const hasStudent = existsSync(STUDENT);
  const student = hasStudent ? withLoss(STUDENT, 2, 4, 512) : undefined;
  const studentGrad = student
    ? buildGradientGraph(student.model, {
        loss: 'loss',
        trainable: student.trainable,
        inputShapes: { input_ids: [2, 4], encoder_hidden_states: [2, 5, 64] },
      })
    : undefined;
  let webgpu: WebGpuResult[] = [];

  beforeAll(() => {
    const jobs = [{ model: gpt2Grad.model.encode(), feeds: gpt2Feeds, verbose: true }];
    if (studentGrad)
      jobs.push({
        model: studentGrad.model.encode(),
        feeds: feedsFor(studentGrad, [2, 5, 64], 2, 4),
        verbose: true,
      });
    webgpu = runOnWebGpu(jobs);
  }, 300_000);

  it('GPT-2 with cross-attention: every parameter has a gradient output', () => {
    expect(gpt2.trainable).toHaveLength(Object.keys(ref.gradients).length + 1); // + lm_head's transposed copy
    expect(gpt2Grad.model.graph.outputs.map((o) => o.name)).toEqual([
      'loss',
      ...gpt2.trainable.map((t) => `grad.${t}`),
    ]);
  });

  it.each(['cpu', 'webgpu'] as const)(
    'GPT-2 with cross-attention matches PyTorch autograd on %s',
    async (backend) => {
      const outputs = backend === 'cpu' ? await runCpu(gpt2Grad, gpt2Feeds) : webgpu[0]!.outputs;
      const loss = (outputs.loss!.data as Float32Array)[0]!;
      expect(Math.abs(loss - ref.loss)).toBeLessThan(VS_PYTORCH.atol + VS_PYTORCH.rtol * Math.abs(ref.loss));
      let worst = 0;
      for (const [param, { dims, float32 }] of Object.entries(ref.gradients)) {
        const expected = new Float32Array(new Uint8Array(Buffer.from(float32, 'base64')).buffer);
        const { ratio, maxAbs } = compareScaled(
          ourGradient(gpt2Grad, outputs, param, dims),
          expected,
          VS_PYTORCH,
        );
        worst = Math.max(worst, maxAbs);
        expect(ratio, `${param}: max |Δ| ${maxAbs.toExponential(2)}`).toBeLessThanOrEqual(1);
      }
      console.info(
        `GPT-2 vs PyTorch on ${backend}: max |Δ| ${worst.toExponential(2)}, loss Δ ${Math.abs(loss - ref.loss).toExponential(2)}`,
      );
    },
  );

  it('GPT-2 gradient graph: GELUs fused', () => {
    const ops = gpt2Grad.model.graph.nodes.map((n) => n.opType);
    expect(ops.filter((o) => o === 'FastGelu')).toHaveLength(2); // one per block
    expect(ops).not.toContain('Pow'); // what the unfused gelu_new computes x³ with
  });

  it('GPT-2 gradient graph: every node on the WebGPU EP', () => {
    expect([...webgpu[0]!.placements.keys()]).toEqual(['WebGpuExecutionProvider']);
  });

  it.runIf(hasStudent)(
    'tiny ViT-GPT2 student decoder: all on WebGPU, and WebGPU agrees with CPU',
    async () => {
      const r = webgpu[1]!;
      expect([...r.placements.keys()]).toEqual(['WebGpuExecutionProvider']);
      const cpu = await runCpu(studentGrad!, feedsFor(studentGrad!, [2, 5, 64], 2, 4));
      let worst = 0;
      for (const out of studentGrad!.model.graph.outputs) {
        const { ratio, maxAbs } = compareScaled(
          r.outputs[out.name!]!.data as Float32Array,
          cpu[out.name!]!.data,
          WEBGPU_VS_CPU,
        );
        worst = Math.max(worst, maxAbs);
        expect(ratio, `${out.name}: max |Δ| ${maxAbs.toExponential(2)}`).toBeLessThanOrEqual(1);
      }
      console.info(
        `student WebGPU vs CPU: ${studentGrad!.model.graph.outputs.length} outputs, max |Δ| ${worst.toExponential(2)}`,
      );
    },
  );
});
