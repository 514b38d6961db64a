/**
 * The trainer's state kept on the GPU in Node (onnxruntime-node's WebGPU EP, SwiftShader here): placement
 * 'gpu-buffer' with reads through a copy session (runtime.ts's `GpuReads`; `getData()` on a gpu-buffer tensor
 * aborts onnxruntime-node). The same PyTorch trajectory as trainer.test.ts, with the params, gradients and moments
 * never leaving the device between steps (a recording ORT module sees where every feed and output lives), and a
 * checkpoint read through the copy session equal to the CPU EP trainer's after the same steps.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts, type TrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import type { OrtModule, OrtTensor, RuntimeOptions } from '../../../../src/lib/train/graph/runtime';
import { Trainer } from '../../../../src/lib/train/graph/trainer';
import { ort, WEBGPU_CONFIGURED } from './helpers/backends';
import { fixtureBatch } from './helpers/batch';
import { fixtureLoraValues, shapesOf } from './helpers/feeds';
import { GradFixture, manifest, relativeMaxError } from './helpers/grad-fixtures';
import { FIXTURE_LORA as LORA, fixtureOptimizer, TRAJECTORY_TOLERANCE } from './helpers/reference';

const fixture = new GradFixture('gpt2-a');

/** Locations of one run's feeds and outputs, by session (0: training graph, 1: optimizer graph, 2+: others). */
interface RunRecord {
  readonly session: number;
  readonly feeds: readonly string[];
  readonly outputs: Readonly<Record<string, string>>;
}

/** onnxruntime-node with every session's runs recorded. */
function recordingOrt(runs: RunRecord[]): OrtModule {
  let created = 0;
  const create = async (...args: Parameters<typeof ort.InferenceSession.create>) => {
    const session = await ort.InferenceSession.create(...args);
    const id = created++;
    const run = session.run.bind(session) as (...a: unknown[]) => Promise<Record<string, OrtTensor>>;
    return Object.assign(session, {
      run: async (feeds: Record<string, OrtTensor>, ...rest: unknown[]) => {
        const outputs = await run(feeds, ...rest);
        runs.push({
          session: id,
          feeds: Object.values(feeds).map((t) => t.location),
          outputs: Object.fromEntries(Object.entries(outputs).map(([n, t]) => [n, t.location])),
        });
        return outputs;
      },
    });
  };
  return { Tensor: ort.Tensor, InferenceSession: { create } } as unknown as OrtModule;
}

function loraArtifacts(): TrainingArtifacts {
  const built = buildTrainingArtifacts(fixture.modelBytes, LORA, shapesOf(fixture));
  return { ...built, initial: fixtureLoraValues(fixture, built) };
}

describe.runIf(WEBGPU_CONFIGURED)('trainer state on the GPU in Node', () => {
  it('follows PyTorch for 8 LoRA steps with params, gradients and moments kept on the device', async () => {
    const runs: RunRecord[] = [];
    const artifacts = loraArtifacts();
    const runtime: RuntimeOptions = {
      ort: recordingOrt(runs),
      executionProviders: ['webgpu'],
      placement: 'gpu-buffer',
      gpuReads: 'copy-session',
    };
    const trainer = await Trainer.create({
      runtime,
      artifacts,
      modelId: 'gpt2-a',
      optimizer: fixtureOptimizer(manifest, 'radam'),
    });
    const reference = fixture.config.trajectory!.radam;
    const batch = fixtureBatch(fixture);
    for (const [i, expectedLoss] of reference.losses.entries()) {
      const report = await trainer.trainStep(batch);
      expect(report.step).toBe(i + 1);
      expect(Math.abs(report.loss - expectedLoss) / expectedLoss).toBeLessThan(TRAJECTORY_TOLERANCE.loss);
    }
    // From the second step on, the training graph takes its params from the device and the optimizer takes
    // everything from there; only the loss and the gradient norm come out on the CPU.
    const trainable = new Set(artifacts.trainables.map((t) => t.name));
    const laterTraining = runs.filter((r) => r.session === 0).slice(1);
    const optimizerRuns = runs.filter((r) => r.session === 1);
    expect(laterTraining).toHaveLength(reference.losses.length - 1);
    for (const r of laterTraining) {
      expect(r.feeds.filter((l) => l === 'gpu-buffer')).toHaveLength(trainable.size);
      expect(
        Object.entries(r.outputs)
          .filter(([, l]) => l === 'cpu')
          .map(([n]) => n),
      ).toEqual(['loss']);
    }
    for (const r of optimizerRuns.slice(1)) {
      const cpuOutputs = Object.entries(r.outputs).filter(([, l]) => l === 'cpu');
      expect(cpuOutputs.map(([n]) => n)).toEqual(['grad_norm']);
    }
    const weights = await trainer.weights();
    for (const adapter of artifacts.adapters) {
      const a = fixture.float(`trajectory.radam.A.${adapter.target}`);
      expect(relativeMaxError(weights.get(adapter.a)!, a), adapter.a).toBeLessThan(
        TRAJECTORY_TOLERANCE.weights,
      );
    }
    // The checkpoint, read through the copy session, holds what the CPU EP's trainer holds after the same steps
    // (moments included: they never left the device before this read).
    const resident = await trainer.checkpoint();
    await trainer.release();
    const cpu = await Trainer.create({
      runtime: { ort, executionProviders: ['cpu'], placement: 'cpu' },
      artifacts: loraArtifacts(),
      modelId: 'gpt2-a',
      optimizer: fixtureOptimizer(manifest, 'radam'),
    });
    for (let i = 0; i < reference.losses.length; i++) await cpu.trainStep(batch);
    const copied = await cpu.checkpoint();
    await cpu.release();
    expect(resident.step).toBe(copied.step);
    expect(resident.tensors.map((t) => `${t.slot}:${t.name}`)).toEqual(
      copied.tensors.map((t) => `${t.slot}:${t.name}`),
    );
    for (const [i, t] of resident.tensors.entries())
      expect(relativeMaxError(t.data, copied.tensors[i]!.data), `${t.slot}:${t.name}`).toBeLessThan(
        TRAJECTORY_TOLERANCE.weights,
      );
  }, 300_000);
});
