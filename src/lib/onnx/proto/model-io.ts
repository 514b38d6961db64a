/** Reading and writing whole ONNX models (and single tensors) with the hand-written codec. */
import { decodeMessage, encodeMessage } from './codec';
import { ModelSpec, TensorSpec } from './schema';
import type { ModelProto, TensorProto } from './types';

/** Decodes an ONNX model. Initializer `rawData` are views into `bytes`: keep `bytes` alive and unmodified. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return decodeMessage<ModelProto>(bytes, ModelSpec);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return encodeMessage(model, ModelSpec);
}

export function decodeTensor(bytes: Uint8Array): TensorProto {
  return decodeMessage<TensorProto>(bytes, TensorSpec);
}

export function encodeTensor(tensor: TensorProto): Uint8Array {
  return encodeMessage(tensor, TensorSpec);
}
