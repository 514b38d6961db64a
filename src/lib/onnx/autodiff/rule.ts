/** The contract between the autodiff driver and one gradient rule. */
import type { NodeProto } from '../proto/types';
import type { Dim } from '../graph/tensor-info';
import type { Emitter } from './emitter';
import { GradientRuleInputError } from './errors';

export interface GradContext {
  readonly node: NodeProto;
  readonly emit: Emitter;
  /** Input tensor names ('' for an omitted optional input). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Gradient of the loss w.r.t. each output, undefined where the loss does not depend on that output. */
  readonly outGrads: readonly (string | undefined)[];
  /** Whether the driver wants the gradient of input i (it is floating point and depends on a trainable). */
  needs(i: number): boolean;
}

/** Returns one gradient per node input (undefined where not needed or not differentiable). */
export type GradientRule = (ctx: GradContext) => (string | undefined)[];

/** Throws GradientRuleInputError unless the node has between min and max inputs. */
export function expectInputs(ctx: GradContext, min: number, max = min): void {
  const n = ctx.inputs.length;
  if (n < min || n > max)
    throw new GradientRuleInputError(
      ctx.node,
      `expected ${min === max ? min : `${min}–${max}`} inputs, got ${n}`,
    );
}

export function reject(ctx: GradContext, reason: string): never {
  throw new GradientRuleInputError(ctx.node, reason);
}

/** The gradient of output 0, which every rule on the path has (the driver only calls rules that have one). */
export function dY(ctx: GradContext, i = 0): string {
  const g = ctx.outGrads[i];
  if (!g) reject(ctx, `no gradient for output ${i}`);
  return g;
}

/** Static dims of a tensor, or a GradientRuleInputError naming the node. */
export function staticDims(ctx: GradContext, name: string): number[] {
  const d: readonly Dim[] = ctx.emit.dims(name);
  if (!d.every((x): x is number => typeof x === 'number'))
    reject(ctx, `needs static dims of '${name}' (has [${d.join(', ')}]); pass inputShapes`);
  return [...d];
}

/** Normalizes a possibly negative axis. */
export function axisOf(ctx: GradContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) reject(ctx, `axis ${axis} out of range for rank ${rank}`);
  return a;
}
