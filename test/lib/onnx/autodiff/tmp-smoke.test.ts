import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { OnnxModel, int } from '../../../../src/lib/onnx/graph';
import { float32Tensor, isFloatType } from '../../../../src/lib/onnx/proto';
import { buildGradientGraph } from '../../../../src/lib/onnx/autodiff';
import { runOnWebGpu } from '../../../support/ort-webgpu';
import type { Feed } from '../../../support/ort-webgpu';
it('student webgpu smoke', async () => {
  const m = OnnxModel.decode(new Uint8Array(readFileSync('public/models/tiny-random/vit-gpt2/onnx/decoder_model.onnx')));
  const g = m.graph;
  const w = g.addConstant('lw', float32Tensor('', [2, 5, 512], Array.from({ length: 5120 }, (_, i) => Math.sin(i * 0.37))));
  const loss = g.add('ReduceSum', [g.add('Mul', ['logits', w])], { keepdims: int(0) });
  const trainable = [...g.initializers.values()].filter((t) => isFloatType(t.dataType) && (t.dims?.length ?? 0) > 0).map((t) => t.name!);
  const res = buildGradientGraph(m, { loss, trainable, inputShapes: { input_ids: [2, 5], encoder_hidden_states: [2, 7, 64] } });
  const ops: Record<string, number> = {};
  for (const n of res.model.graph.nodes) ops[n.opType!] = (ops[n.opType!] ?? 0) + 1;
  console.log(res.model.graph.nodes.length, JSON.stringify(ops));
  const feeds: Record<string, Feed> = {
    input_ids: { type: 'int64', data: BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 60n, 61n, 0n, 7n, 8n]), dims: [2, 5] },
    encoder_hidden_states: { type: 'float32', data: Float32Array.from({ length: 2 * 7 * 64 }, (_, i) => Math.cos(i)), dims: [2, 7, 64] },
  };
  for (const [n, t] of res.promoted) feeds[n] = { type: 'float32', data: new Float32Array(t.rawData!.slice().buffer), dims: t.dims! };
  const [r] = runOnWebGpu([{ model: res.model.encode(), feeds, verbose: true }]);
  console.log(r!.outputs[loss]!.data, [...r!.placements].map(([k, v]) => [k, v.length, v.slice(0, 5)]));
});
