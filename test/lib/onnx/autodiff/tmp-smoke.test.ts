import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { it } from 'vitest';
import { OnnxModel, int } from '../../../../src/lib/onnx/graph';
import { float32Tensor, isFloatType } from '../../../../src/lib/onnx/proto';
import { buildGradientGraph } from '../../../../src/lib/onnx/autodiff';
it('smoke', async () => {
  const m = OnnxModel.decode(new Uint8Array(readFileSync('test/fixtures/onnx/gpt2-xattn-tiny.onnx')));
  const g = m.graph;
  const w = g.addConstant('lw', float32Tensor('', [2, 5, 64], Array.from({ length: 640 }, (_, i) => Math.sin(i * 0.37))));
  const loss = g.add('ReduceSum', [g.add('Mul', ['logits', w])], { keepdims: int(0) });
  const trainable = [...g.initializers.values()].filter((t) => isFloatType(t.dataType) && (t.dims?.length ?? 0) > 0 && t.name!.startsWith('m.')).map((t) => t.name!);
  console.log(trainable.length, trainable.slice(0, 5));
  const res = buildGradientGraph(m, { loss, trainable, inputShapes: { input_ids: [2, 5], encoder_hidden_states: [2, 7, 16] } });
  const ops: Record<string, number> = {};
  for (const n of res.model.graph.nodes) ops[n.opType!] = (ops[n.opType!] ?? 0) + 1;
  console.log(res.model.graph.nodes.length, ops);
  const s = await ort.InferenceSession.create(res.model.encode());
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 60n, 61n, 0n, 7n, 8n]), [2, 5]),
    encoder_hidden_states: new ort.Tensor('float32', Float32Array.from({ length: 224 }, (_, i) => Math.cos(i)), [2, 7, 16]),
  };
  for (const [n, t] of res.promoted) feeds[n] = new ort.Tensor('float32', new Float32Array(t.rawData!.slice().buffer), t.dims!);
  const out = await s.run(feeds);
  console.log(out[loss]!.data, Object.keys(out).length, (out['grad.m.transformer.wte.weight']!.data as Float32Array).slice(0, 5));
});
