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
  MOMENT_NAMES,
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

export async function runFusedOptimizer(
  backend: Backend,
  tensors: readonly TrainableTensor[],
  state: ReadonlyMap<string, TensorState>,
  config: OptimizerConfig,
  step: number,
): Promise<OptimizerResult> {
  const session = await createSession(runtimeFor(backend), buildOptimizerGraph(tensors).encode());
  const { entries, length } = flatLayout(tensors);
  const expAvg = new Float32Array(length);
  const expAvgSq = new Float32Array(length);
  const feeds = scalarFeeds(config, step);
  for (const e of entries) {
    const s = state.get(e.name)!;
    const n = optimizerNames(e.name);
    feeds[n.param] = new ort.Tensor('float32', Float32Array.from(s.param), [e.size]);
    feeds[n.grad] = new ort.Tensor('float32', Float32Array.from(s.grad), [e.size]);
    expAvg.set(s.expAvg, e.offset);
    expAvgSq.set(s.expAvgSq, e.offset);
  }
  feeds[MOMENT_NAMES.expAvg] = new ort.Tensor('float32', expAvg, [length]);
  feeds[MOMENT_NAMES.expAvgSq] = new ort.Tensor('float32', expAvgSq, [length]);
  const out = await session.run(feeds);
  await session.release();
  const m = out[MOMENT_NAMES.newExpAvg]!.data as Float32Array;
  const v = out[MOMENT_NAMES.newExpAvgSq]!.data as Float32Array;
  const cut = (flat: Float32Array, offset: number, size: number) => flat.slice(offset, offset + size);
  return {
    gradNorm: out[GRAD_NORM_OUTPUT]!.data[0] as number,
    tensors: new Map(
      entries.map((e) => [
        e.name,
        {
          param: out[optimizerNames(e.name).newParam]!.data as Float32Array,
          expAvg: cut(m, e.offset, e.size),
          expAvgSq: cut(v, e.offset, e.size),
        },
      ]),
    ),
  };
}
