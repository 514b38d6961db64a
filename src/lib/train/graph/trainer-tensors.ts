/**
 * The trainer's tensors outside its step logic (trainer.ts): where params and moments start (a checkpoint's, or
 * the untrained values), the training graph's feeds for a batch, and reading and freeing slots of tensors.
 */
import type { TrainingArtifacts } from './artifacts';
import type { TrainingBatch } from './batches';
import { CheckpointMismatchError, type Checkpoint } from '../checkpoints/format';
import { LOSS_NAMES } from './loss';
import { PREFERENCE_NAMES } from './preference-loss';
import { flatLayout, type TrainableTensor } from './optimizer-graph';
import type { TensorReader } from './gpu-reads';
import type { OrtModule, OrtTensor, RuntimeOptions } from './runtime';

/** One tensor per trainable, by name (params, a moment, or gradients). */
export type Slots = Map<string, OrtTensor>;

/** The training graph's inputs for `batch`: tokens, encoder states, loss inputs, filler extras, and the params. */
export function trainingFeeds(
  artifacts: TrainingArtifacts,
  runtime: RuntimeOptions,
  batch: TrainingBatch,
  params: Slots,
): Record<string, OrtTensor> {
  const { Tensor } = runtime.ort;
  const { batch: b, sequence: s, encoderSequence, encoderWidth } = artifacts.shapes;
  const feeds: Record<string, OrtTensor> = {
    [artifacts.names.tokens]: new Tensor('int64', batch.tokens, [b, s]),
    [artifacts.names.encoderStates]: new Tensor('float32', batch.encoderStates, [
      b,
      encoderSequence,
      encoderWidth,
    ]),
    [LOSS_NAMES.labels]: new Tensor('int64', batch.labels, [b, s, 1]),
    [LOSS_NAMES.mask]: new Tensor('float32', batch.mask, [b, s]),
    [LOSS_NAMES.weights]: new Tensor('float32', batch.weights, [b]),
  };
  if (artifacts.objective.kind === 'preference')
    feeds[PREFERENCE_NAMES.reference] = new Tensor('float32', batch.reference ?? new Float32Array(b), [b]);
  for (const extra of artifacts.extraInputs) {
    const size = extra.dims.reduce((x, y) => x * y, 1);
    feeds[extra.name] =
      extra.dtype === 'int64'
        ? new Tensor('int64', new BigInt64Array(size).fill(1n), extra.dims)
        : new Tensor('float32', new Float32Array(size).fill(1), extra.dims);
  }
  // The trainer holds each param flat, as the optimizer writes it; the training graph reads it with its dims.
  for (const t of artifacts.trainables) feeds[t.name] = shapedView(runtime.ort, params.get(t.name)!, t.dims);
  return feeds;
}

/** Every trainable's param and moments as they start: from `resume` (checked against the model), or untrained. */
export function initialState(
  artifacts: TrainingArtifacts,
  modelId: string,
  resume: Checkpoint | undefined,
): Map<string, Float32Array> {
  const state = new Map<string, Float32Array>();
  if (resume) {
    if (resume.modelId !== modelId)
      throw new CheckpointMismatchError(
        `the checkpoint trains model ${resume.modelId.slice(0, 12)}…, not ${modelId.slice(0, 12)}…`,
      );
    for (const t of resume.tensors) state.set(`${t.slot}:${t.name}`, Float32Array.from(t.data));
  }
  for (const t of artifacts.trainables) {
    const size = t.dims.reduce((a, b) => a * b, 1);
    for (const slot of ['param', 'exp_avg', 'exp_avg_sq'] as const) {
      const key = `${slot}:${t.name}`;
      if (resume) {
        const value = state.get(key);
        if (value?.length !== size)
          throw new CheckpointMismatchError(`the checkpoint has no ${slot} of size ${size} for '${t.name}'`);
      } else {
        state.set(
          key,
          slot === 'param' ? Float32Array.from(artifacts.initial.get(t.name)!) : new Float32Array(size),
        );
      }
    }
  }
  return state;
}

export function disposeAll(slots: Slots): void {
  for (const t of slots.values()) t.dispose();
}

/** Copies of the tensors' values, on the CPU. */
export async function readAll(slots: Slots, read: TensorReader): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of slots) out.set(name, await read(t));
  return out;
}

/** One moment of every trainable, from `initialState`'s entries, as the optimizer's flat buffer. */
export function joinMoment(
  tensors: readonly TrainableTensor[],
  state: ReadonlyMap<string, Float32Array>,
  slot: 'exp_avg' | 'exp_avg_sq',
): Float32Array {
  const { entries, length } = flatLayout(tensors);
  const flat = new Float32Array(length);
  for (const e of entries) flat.set(state.get(`${slot}:${e.name}`)!, e.offset);
  return flat;
}

/** The optimizer's flat moment buffer cut back into one copy per trainable (checkpoints store them so). */
export function splitMoment(
  tensors: readonly TrainableTensor[],
  flat: Float32Array,
): Map<string, Float32Array> {
  return new Map(flatLayout(tensors).entries.map((e) => [e.name, flat.slice(e.offset, e.offset + e.size)]));
}

/** Every group's flat moment buffer, read back and cut into one copy per trainable (checkpoints store them so). */
export async function momentsByTensor(
  groups: readonly (readonly TrainableTensor[])[],
  flats: readonly OrtTensor[],
  read: TensorReader,
): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [i, flat] of flats.entries())
    for (const [name, data] of splitMoment(groups[i]!, await read(flat))) out.set(name, data);
  return out;
}

/**
 * `t` as a flat vector without a copy, for the fused optimizer's inputs: a second tensor over the same memory,
 * which does not own it (`t` keeps it and is disposed as before). Not `t.reshape`: ORT refuses to reshape a
 * tensor that owns GPU resources ("Cannot reshape a tensor that owns GPU resource"), which includes an output
 * of a gpu-buffer session whose data was downloaded to the CPU.
 */
export function flatView(ort: OrtModule, t: OrtTensor): OrtTensor {
  if (t.location === 'gpu-buffer')
    return ort.Tensor.fromGpuBuffer(t.gpuBuffer, { dataType: 'float32', dims: [t.size] });
  return new ort.Tensor('float32', t.data as Float32Array, [t.size]);
}

/** A flat tensor `t` seen with `dims`, without a copy (the reverse of flatView; `t` keeps ownership). */
export function shapedView(ort: OrtModule, t: OrtTensor, dims: readonly number[]): OrtTensor {
  if (t.location === 'gpu-buffer')
    return ort.Tensor.fromGpuBuffer(t.gpuBuffer, { dataType: 'float32', dims });
  return new ort.Tensor('float32', t.data as Float32Array, dims);
}
