/**
 * The one registry of gradient rules: ai.onnx op type → rule. Literal on purpose (no registration by import
 * side effect): what is differentiable is exactly what this table lists.
 */
import type { GradientRule } from '../rule';
import { addGrad, subGrad } from './add-sub';
import { concatGrad } from './concat';
import { expandGrad } from './expand';
import { gatherGrad } from './gather';
import { gatherElementsGrad } from './gather-elements';
import { gemmGrad } from './gemm';
import { fastGeluGrad, geluGrad } from './gelu';
import { layerNormGrad } from './layer-norm';
import { matmulGrad } from './matmul';
import { maxGrad, minGrad } from './min-max';
import { divGrad, mulGrad } from './mul-div';
import { castGrad, dropoutGrad, identityGrad } from './pass-through';
import { powGrad } from './pow';
import { reduceLogSumExpGrad, reduceMeanGrad, reduceSumGrad } from './reduce';
import { reshapeLikeGrad } from './reshape-like';
import { sliceGrad } from './slice';
import { softmaxGrad } from './softmax';
import { splitGrad } from './split';
import { transposeGrad } from './transpose';
import {
  absGrad,
  erfGrad,
  expGrad,
  logGrad,
  negGrad,
  reciprocalGrad,
  reluGrad,
  sigmoidGrad,
  sqrtGrad,
  tanhGrad,
} from './unary-math';
import { whereGrad } from './where';

export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = Object.freeze({
  Abs: absGrad,
  Add: addGrad,
  Cast: castGrad,
  Concat: concatGrad,
  Div: divGrad,
  Dropout: dropoutGrad,
  Erf: erfGrad,
  Exp: expGrad,
  Expand: expandGrad,
  Flatten: reshapeLikeGrad,
  Gather: gatherGrad,
  GatherElements: gatherElementsGrad,
  Gelu: geluGrad,
  Gemm: gemmGrad,
  Identity: identityGrad,
  LayerNormalization: layerNormGrad,
  Log: logGrad,
  MatMul: matmulGrad,
  Max: maxGrad,
  Min: minGrad,
  Mul: mulGrad,
  Neg: negGrad,
  Pow: powGrad,
  Reciprocal: reciprocalGrad,
  ReduceLogSumExp: reduceLogSumExpGrad,
  ReduceMean: reduceMeanGrad,
  ReduceSum: reduceSumGrad,
  Relu: reluGrad,
  Reshape: reshapeLikeGrad,
  Sigmoid: sigmoidGrad,
  Slice: sliceGrad,
  Softmax: softmaxGrad,
  Split: splitGrad,
  Sqrt: sqrtGrad,
  Squeeze: reshapeLikeGrad,
  Sub: subGrad,
  Tanh: tanhGrad,
  Transpose: transposeGrad,
  Unsqueeze: reshapeLikeGrad,
  Where: whereGrad,
});

/** Ops whose float outputs do not depend differentiably on their inputs: the path stops there (zero gradient). */
export const NON_DIFFERENTIABLE: ReadonlySet<string> = new Set([
  'Shape',
  'Size',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'ArgMax',
  'ArgMin',
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
  'ConstantOfShape',
  'EyeLike',
  'RandomNormalLike',
  'RandomUniformLike',
]);

/** com.microsoft ops the graph passes themselves introduce (graph/fuse-gelu.ts). */
export const MS_GRADIENT_RULES: Readonly<Record<string, GradientRule>> = Object.freeze({
  FastGelu: fastGeluGrad,
});
