export * from './attributes';
export { Graph, DuplicateNameError, UnknownTensorError, GraphStructureError, implicitInputs } from './graph';
export type { NodeOptions } from './graph';
export { OnnxModel, MissingOpsetError } from './model';
export { inferShapes, ShapeInferenceError } from './shape-inference';
export type { InferenceOptions, Known } from './shape-inference';
export { foldConstants } from './constant-folding';
export type { FoldOptions } from './constant-folding';
export * from './tensor-info';
