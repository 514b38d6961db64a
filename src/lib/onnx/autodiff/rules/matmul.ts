/**
 * MatMul with numpy semantics (1-D operands, batched and broadcast batch dims):
 *   dA = dY · Bᵀ, dB = Aᵀ · dY, each summed over the batch dims its operand was broadcast along.
 * The common transformer case A [..., M, K] · W [K, N] flattens A and dY to 2-D so dW is one Gemm
 * (Aᵀ·dY over all rows) instead of a batched MatMul followed by a ReduceSum, and dA one Gemm (dY·Wᵀ).
 */
import { int } from '../../graph/attributes';
import type { GradContext, GradientRule } from '../rule';
import { dY, expectInputs } from '../rule';

function swapLast(rank: number): number[] {
  const p = [...Array(rank).keys()];
  [p[rank - 2], p[rank - 1]] = [p[rank - 1]!, p[rank - 2]!];
  return p;
}

/** A [..., K] (rank ≥ 2) times a 2-D weight [K, N]. */
function weightCase(ctx: GradContext, g: string): (string | undefined)[] {
  const { emit } = ctx;
  const [a, b] = ctx.inputs as [string, string];
  const [k, n] = emit.dims(b) as [number, number];
  // Y has A's rank; a 2-D operand needs no flattening.
  const flat = (x: string, cols: number): string =>
    emit.rank(a) === 2 ? x : emit.op('Reshape', [x, emit.int64s([-1, cols])]);
  let dA: string | undefined;
  let dB: string | undefined;
  // dA = dY · Wᵀ as one Gemm with transB over the flattened rows: a MatMul would need W transposed first, one
  // more kernel per step (the reshapes are views on every EP).
  if (ctx.needs(0)) {
    const rows = emit.op('Gemm', [flat(g, n), b], { transB: int(1) });
    dA = emit.rank(a) === 2 ? rows : emit.reshapeLike(rows, a);
  }
  if (ctx.needs(1)) dB = emit.op('Gemm', [flat(a, k), flat(g, n)], { transA: int(1) });
  return [dA, dB];
}

export const matmulGrad: GradientRule = (ctx) => {
  expectInputs(ctx, 2);
  const { emit } = ctx;
  const g = dY(ctx);
  const [a, b] = ctx.inputs as [string, string];
  const ar = emit.rank(a);
  const br = emit.rank(b);
  const bDims = emit.dims(b);
  if (ar >= 2 && br === 2 && typeof bDims[0] === 'number' && typeof bDims[1] === 'number')
    return weightCase(ctx, g);

  if (ar === 1 && br === 1) {
    // Dot product: y = Σ aᵢbᵢ (a scalar).
    return [
      ctx.needs(0) ? emit.op('Mul', [g, b]) : undefined,
      ctx.needs(1) ? emit.op('Mul', [g, a]) : undefined,
    ];
  }
  // General case: lift a 1-D operand to a matrix ([1, K] or [K, 1]) and dY to match, then undo it.
  const a2 = ar === 1 ? emit.unsqueeze(a, [0]) : a;
  const b2 = br === 1 ? emit.unsqueeze(b, [1]) : b;
  const yRank = emit.rank(ctx.outputs[0]!);
  const g2 = ar === 1 ? emit.unsqueeze(g, [yRank - 1]) : br === 1 ? emit.unsqueeze(g, [yRank]) : g;
  const aDims = ar === 1 ? [1, ...emit.dims(a)] : emit.dims(a);
  const bDims2 = br === 1 ? [...bDims, 1] : bDims;
  const batch = emit.dims(ctx.outputs[0]!).slice(0, Math.max(ar, br) - 2);
  const rA = Math.max(aDims.length, 2);
  const rB = Math.max(bDims2.length, 2);
  let dA: string | undefined;
  let dB: string | undefined;
  if (ctx.needs(0)) {
    const full = emit.op('MatMul', [g2, emit.transpose(b2, swapLast(rB))]);
    const fullDims = [...batch, aDims[aDims.length - 2]!, aDims[aDims.length - 1]!];
    const liftedA = ar === 1 ? emit.declare(a2, emit.dtype(a), aDims) : a;
    dA = emit.unbroadcast(full, fullDims, liftedA);
    if (ar === 1) dA = emit.reshapeLike(dA, a);
  }
  if (ctx.needs(1)) {
    const full = emit.op('MatMul', [emit.transpose(a2, swapLast(rA)), g2]);
    const fullDims = [...batch, bDims2[bDims2.length - 2]!, bDims2[bDims2.length - 1]!];
    const liftedB = br === 1 ? emit.declare(b2, emit.dtype(b), bDims2) : b;
    dB = emit.unbroadcast(full, fullDims, liftedB);
    if (br === 1) dB = emit.reshapeLike(dB, b);
  }
  return [dA, dB];
};
