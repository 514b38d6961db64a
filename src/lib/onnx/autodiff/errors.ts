/** One error class per way gradient-graph construction can fail; each names the op and node involved. */
import type { NodeProto } from '../proto/types';

const where = (node: NodeProto): string => `${node.opType ?? '?'} node '${node.name ?? ''}'`;

/** An op on the gradient path has no gradient rule (or is in a non-ai.onnx domain). */
export class NoGradientRuleError extends Error {
  override readonly name = 'NoGradientRuleError';
  constructor(
    readonly opType: string,
    readonly nodeName: string,
    readonly domain = '',
  ) {
    super(
      `no gradient rule for op '${domain ? `${domain}.` : ''}${opType}' (node '${nodeName}') on the path from ` +
        'the loss to a trainable tensor',
    );
  }
}

/** A rule met a node it cannot differentiate as given (input count, unknown rank, non-constant axes…). */
export class GradientRuleInputError extends Error {
  override readonly name = 'GradientRuleInputError';
  constructor(node: NodeProto, reason: string) {
    super(`cannot differentiate ${where(node)}: ${reason}`);
  }
}

/** Broadcasting that cannot be undone statically (a symbolic dim that may or may not be 1). */
export class UnresolvedBroadcastError extends Error {
  override readonly name = 'UnresolvedBroadcastError';
}

/** The loss tensor is missing, not floating point, or not a single element. */
export class InvalidLossError extends Error {
  override readonly name = 'InvalidLossError';
}

/** A trainable tensor is neither an initializer nor a graph input, or is not floating point. */
export class InvalidTrainableError extends Error {
  override readonly name = 'InvalidTrainableError';
}

export function describeNode(node: NodeProto): string {
  return where(node);
}
