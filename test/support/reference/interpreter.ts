/**
 * A small float64 ONNX interpreter for tests: the forward ops our gradient rules cover, evaluated in double
 * precision so central finite differences of its outputs are accurate to ~1e-9 (float32 ORT is the system under
 * test, this is the reference). Test-only: src/ never imports it.
 */
import type { OnnxModel } from '../../../src/lib/onnx/graph/model';
import { isFloatType, readFloat64, readIntegers } from '../../../src/lib/onnx/proto/tensor';
import type { TensorProto } from '../../../src/lib/onnx/proto/types';
import { ELEMENTWISE_OPS } from './ops-elementwise';
import type { RefOp } from './ops-elementwise';
import { MATH_OPS } from './ops-math';
import { TENSOR_OPS } from './ops-tensor';
import type { RefTensor } from './tensor';

const OPS: Readonly<Record<string, RefOp>> = { ...ELEMENTWISE_OPS, ...TENSOR_OPS, ...MATH_OPS };

export function refOfTensor(t: TensorProto): RefTensor {
  const dtype = t.dataType ?? 1;
  const data = isFloatType(dtype) ? readFloat64(t) : Float64Array.from(readIntegers(t));
  return { dims: t.dims ?? [], data, dtype };
}

/** Evaluates the graph; `feeds` override graph inputs and initializers. Returns every tensor it computed. */
export function evaluate(model: OnnxModel, feeds: ReadonlyMap<string, RefTensor>): Map<string, RefTensor> {
  const opset = model.requireOpset('');
  const values = new Map<string, RefTensor>();
  for (const [name, t] of model.graph.initializers) values.set(name, refOfTensor(t));
  for (const [name, t] of feeds) values.set(name, t);
  for (const node of model.graph.topologicalOrder()) {
    const op = OPS[node.opType ?? ''];
    if (!op) throw new Error(`reference interpreter has no op ${node.opType ?? ''}`);
    const inputs = (node.input ?? []).map((i) => (i ? values.get(i) : undefined));
    const outputs = op(node, inputs, opset);
    (node.output ?? []).forEach((o, i) => o && outputs[i] && values.set(o, outputs[i]!));
  }
  return values;
}
