/**
 * Runs the fused optimizer graph (src/lib/train/graph/optimizer-graph.ts) on per-tensor values, as the tests
 * hold them: values and gradients fed flat, the moments joined into the graph's flat buffers, and the results
 * split back per tensor.
 */
import {
  STEP_SCALARS,
  stepScalars,
  type OptimizerConfig,
} from '../../../../../src/lib/train/graph/optimizer-config';
import {
  buildOptimizerGraph,
  flatLayout,
  GRAD_NORM_OUTPUT,
  momentNames,
  optimizerGroups,
  optimizerNames,
  type TrainableTensor,
} from '../../../../../src/lib/train/graph/optimizer-graph';
import { createSession } from '../../../../../src/lib/train/graph/runtime';
import { ort, runtimeFor, type Backend } from './backends';

/** One tensor's value, gradient and moments (or, as a result, its updated value and moments). */
export interface TensorState {
  readonly param: Float32Array;
  readonly grad: Float32Array;
  readonly expAvg: Float32Array;
  readonly expAvgSq: Float32Array;
}

export interface OptimizerResult {
  readonly gradNorm: number;
  readonly tensors: Map<string, Omit<TensorState, 'grad'>>;
}

/** Scalars of update `step` (1-based) at the config's lr, as graph feeds. */
export function scalarFeeds(config: OptimizerConfig, step: number): Record<string, ort.Tensor> {
  const scalars = stepScalars(config, step, config.lr);
  return Object.fromEntries(
    STEP_SCALARS.map((s) => [s, new ort.Tensor('float32', new Float32Array([scalars[s]]), [])]),
  );
}

/** `cap`: elements per fused-update group (the graph's default unless a test wants several groups). */
export async function runFusedOptimizer(
  backend: Backend,
  tensors: readonly TrainableTensor[],
  state: ReadonlyMap<string, TensorState>,
  config: OptimizerConfig,
  step: number,
  cap?: number,
): Promise<OptimizerResult> {
  const session = await createSession(runtimeFor(backend), buildOptimizerGraph(tensors, cap).encode());
  const groups = optimizerGroups(tensors, cap);
  const feeds = scalarFeeds(config, step);
  for (const t of tensors) {
    const s = state.get(t.name)!;
    const n = optimizerNames(t.name);
    feeds[n.param] = new ort.Tensor('float32', Float32Array.from(s.param), [s.param.length]);
    feeds[n.grad] = new ort.Tensor('float32', Float32Array.from(s.grad), [s.grad.length]);
  }
  groups.forEach((group, i) => {
    const { entries, length } = flatLayout(group);
    const expAvg = new Float32Array(length);
    const expAvgSq = new Float32Array(length);
    for (const e of entries) {
      expAvg.set(state.get(e.name)!.expAvg, e.offset);
      expAvgSq.set(state.get(e.name)!.expAvgSq, e.offset);
    }
    feeds[momentNames(i).expAvg] = new ort.Tensor('float32', expAvg, [length]);
    feeds[momentNames(i).expAvgSq] = new ort.Tensor('float32', expAvgSq, [length]);
  });
  const out = await session.run(feeds);
  await session.release();
  const tensorsOut = new Map<string, Omit<TensorState, 'grad'>>();
  groups.forEach((group, i) => {
    const m = out[momentNames(i).newExpAvg]!.data as Float32Array;
    const v = out[momentNames(i).newExpAvgSq]!.data as Float32Array;
    for (const e of flatLayout(group).entries)
      tensorsOut.set(e.name, {
        param: out[optimizerNames(e.name).newParam]!.data as Float32Array,
        expAvg: m.slice(e.offset, e.offset + e.size),
        expAvgSq: v.slice(e.offset, e.offset + e.size),
      });
  });
  return { gradNorm: out[GRAD_NORM_OUTPUT]!.data[0] as number, tensors: tensorsOut };
}
