/**
 * Every node of the training and optimizer graphs is placed on the WebGPU EP (docs/architecture.md decision
 * 7): ORT's verbose log names the EP of each node (test/support/ort-webgpu.ts runs the session in a child
 * process to read it).
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import {
  STEP_SCALARS,
  stepScalars,
  DEFAULT_OPTIMIZER,
} from '../../../../src/lib/train/graph/optimizer-config';
import {
  accumulateNames,
  buildAccumulateGraph,
  buildOptimizerGraph,
  flatLayout,
  momentNames,
  optimizerNames,
} from '../../../../src/lib/train/graph/optimizer-graph';
import { trainablePreset } from '../../../../src/lib/train/graph/selection';
import { runOnWebGpu, type Feed } from '../../../support/ort-webgpu';
import { WEBGPU_CONFIGURED } from './helpers/backends';
import { studentFile } from './helpers/student';

const SHAPES = { batch: 2, sequence: 6, encoderSequence: 50, encoderWidth: 64 };

function zeros(dims: readonly number[]): Feed {
  return { type: 'float32', data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims };
}

describe.runIf(WEBGPU_CONFIGURED)('placement on WebGPU', () => {
  it('puts every node of the optimizer and accumulation graphs on WebGPU', () => {
    const tensors = [
      { name: 'w', dims: [4, 3] },
      { name: 'b', dims: [3] },
    ];
    const feeds: Record<string, Feed> = {};
    const scalars = stepScalars(DEFAULT_OPTIMIZER, 1, DEFAULT_OPTIMIZER.lr);
    for (const s of STEP_SCALARS)
      feeds[s] = { type: 'float32', data: new Float32Array([scalars[s]]), dims: [] };
    const { entries, length } = flatLayout(tensors);
    for (const e of entries) {
      const n = optimizerNames(e.name);
      for (const name of [n.param, n.grad]) feeds[name] = zeros([e.size]);
    }
    for (const name of [momentNames(0).expAvg, momentNames(0).expAvgSq]) feeds[name] = zeros([length]);
    const accumulateFeeds: Record<string, Feed> = {};
    for (const t of tensors) {
      const n = accumulateNames(t.name);
      accumulateFeeds[n.acc] = zeros(t.dims);
      accumulateFeeds[n.grad] = zeros(t.dims);
    }
    const results = runOnWebGpu([
      { model: buildOptimizerGraph(tensors).encode(), feeds, verbose: true },
      { model: buildAccumulateGraph(tensors).encode(), feeds: accumulateFeeds, verbose: true },
    ]);
    for (const result of results) expect([...result.placements.keys()]).toEqual(['WebGpuExecutionProvider']);
  });

  // The default preset; the other modes differ in which weights are inputs, not in the ops (each graph costs ~50 s
  // of SwiftShader kernel compilation on two cores).
  it.each(['lora-r8'])(
    'puts every node of the student training graph (%s) on WebGPU',
    (preset) => {
      const artifacts = buildTrainingArtifacts(
        studentFile('decoder_model.onnx'),
        trainablePreset(preset),
        SHAPES,
      );
      const { batch, sequence, encoderSequence, encoderWidth } = SHAPES;
      const ids = (dims: number[]): Feed => ({
        type: 'int64',
        data: new BigInt64Array(batch * sequence).fill(1n),
        dims,
      });
      const feeds: Record<string, Feed> = {
        input_ids: ids([batch, sequence]),
        labels: ids([batch, sequence, 1]),
        encoder_hidden_states: zeros([batch, encoderSequence, encoderWidth]),
        label_mask: {
          type: 'float32',
          data: new Float32Array(batch * sequence).fill(1),
          dims: [batch, sequence],
        },
        sample_weights: { type: 'float32', data: new Float32Array(batch).fill(1), dims: [batch] },
      };
      for (const t of artifacts.trainables)
        feeds[t.name] = { ...zeros(t.dims), data: artifacts.initial.get(t.name)! };
      const [result] = runOnWebGpu([{ model: artifacts.training, feeds, verbose: true }]);
      expect(Object.fromEntries(result!.placements)).toEqual({ WebGpuExecutionProvider: expect.any(Array) });
      expect(Number.isFinite((result!.outputs.loss!.data as Float32Array)[0])).toBe(true);
    },
    300_000,
  );
});
