export { buildGradientGraph } from './build-gradient-graph';
export type { GradientGraph, GradientGraphOptions } from './build-gradient-graph';
export {
  NoGradientRuleError,
  GradientRuleInputError,
  UnresolvedBroadcastError,
  InvalidLossError,
  InvalidTrainableError,
} from './errors';
export { UnknownShapeError } from './emitter';
export { GRADIENT_RULES, NON_DIFFERENTIABLE } from './rules';
export type { GradientRule, GradContext } from './rule';
