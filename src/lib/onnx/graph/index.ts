export * from './attributes';
export {
  Graph,
  DuplicateNameError,
  UnknownTensorError,
  GraphStructureError,
  MS_DOMAIN,
  implicitInputs,
  isOnnxOp,
} from './graph';
export type { NodeOptions } from './graph';
export { OnnxModel, MissingOpsetError } from './model';
export { inferShapes, ShapeInferenceError } from './shape-inference';
export type { InferenceOptions, Known } from './shape-inference';
export { foldConstants } from './constant-folding';
export type { FoldOptions } from './constant-folding';
export * from './tensor-info';
export { removeNoOps } from './simplify';
export { lowerForWebGpu } from './lower-for-webgpu';
export { fuseTanhGelu } from './fuse-gelu';
export { mergeMatMulScales } from './merge-matmul-scales';
export { dropSoftmaxNanGuards } from './drop-softmax-nan-guards';
