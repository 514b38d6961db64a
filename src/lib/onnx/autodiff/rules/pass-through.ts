/** Identity, inference-mode Dropout and Cast: the gradient passes through (Cast casts it back). */
import { attrInt } from '../../graph/attributes';
import { isFloatType } from '../../proto/tensor';
import type { GradientRule } from '../rule';
import { dY, expectInputs, reject } from '../rule';

export const identityGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1);
  return [ctx.needs(0) ? dY(ctx) : undefined];
};

/** Dropout is differentiated as exported for inference (training_mode absent or constant false): identity. */
export const dropoutGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1, 3);
  const mode = ctx.inputs[2];
  if (mode && ctx.emit.values(mode)?.[0] !== 0)
    reject(ctx, 'training_mode must be absent or a constant false');
  if (attrInt(ctx.node, 'is_test', 1) === 0 && ctx.emit.opset < 7) reject(ctx, 'Dropout in training mode');
  return [ctx.needs(0) ? dY(ctx) : undefined, undefined, undefined];
};

export const castGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 1);
  if (!ctx.needs(0)) return [undefined];
  const from = ctx.emit.dtype(ctx.inputs[0]!);
  const to = attrInt(ctx.node, 'to');
  if (!isFloatType(to)) reject(ctx, 'cast to a non-float type is not differentiable');
  return [from === to ? dY(ctx) : ctx.emit.op('Cast', [dY(ctx)], { to: { type: 'int', value: from } })];
};
