/**
 * Benchmark page (served by vite, driven by `npm run bench -- train --browser`): training steps in Chromium with
 * onnxruntime-web/webgpu, on the WebGPU EP with params, gradients and moments kept on the GPU ('gpu-buffer'),
 * and on the WASM EP ('cpu'), from the same start on the same batch, so the loss curves can be compared.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { buildTrainingArtifacts } from '../src/lib/onnx/training/artifacts';
import { makeBatch, type TrainingSample } from '../src/lib/onnx/training/batches';
import { SeededRandom } from '../src/lib/onnx/training/rng';
import type { OrtModule, TensorPlacement } from '../src/lib/onnx/training/runtime';
import { trainablePreset } from '../src/lib/onnx/training/selection';
import { Trainer } from '../src/lib/onnx/training/trainer';

interface RunResult {
  ep: string;
  placement: TensorPlacement;
  preset: string;
  sessionSeconds: number;
  firstStepSeconds: number;
  stepsPerSecond: number;
  samplesPerSecond: number;
  losses: number[];
}

const status = (text: string): void => {
  const element = document.getElementById('status');
  if (element !== null) element.textContent = text;
};

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const model = params.get('model') ?? 'tiny-random/vit-gpt2';
  const presets = (params.get('presets') ?? 'lora-r8').split(',');
  const eps = (params.get('eps') ?? 'webgpu,wasm').split(',');
  const batch = Number(params.get('batch') ?? 8);
  const tokens = Number(params.get('tokens') ?? 20);
  const steps = Number(params.get('steps') ?? 5);
  const warmup = Number(params.get('warmup') ?? 2);
  ort.env.wasm.wasmPaths = '/ort/';
  const config = (await (await fetch(`/models/${model}/config.json`)).json()) as {
    encoder: { image_size: number; patch_size: number };
    decoder: { vocab_size: number; n_embd: number };
  };
  const decoder = new Uint8Array(
    await (await fetch(`/models/${model}/onnx/decoder_model.onnx`)).arrayBuffer(),
  );
  const { vocab_size: vocab, n_embd: width } = config.decoder;
  const shapes = {
    batch,
    sequence: tokens,
    encoderSequence: (config.encoder.image_size / config.encoder.patch_size) ** 2 + 1,
    encoderWidth: width,
  };
  const random = new SeededRandom(1);
  const samples: TrainingSample[] = Array.from({ length: batch }, () => ({
    tokens: Array.from({ length: tokens - 1 }, () => Math.floor(random.next() * (vocab - 1))),
    encoderStates: Float32Array.from({ length: shapes.encoderSequence * width }, () => random.uniform(1)),
  }));
  const data = makeBatch(samples, shapes, { start: vocab - 1, end: vocab - 1, pad: vocab - 1 });
  const adapterInfo =
    'gpu' in navigator
      ? await (
          navigator as unknown as {
            gpu: {
              requestAdapter(): Promise<{
                info?: { vendor: string; architecture: string; description: string };
              } | null>;
            };
          }
        ).gpu.requestAdapter()
      : null;
  const results: RunResult[] = [];
  for (const preset of presets) {
    const artifacts = buildTrainingArtifacts(decoder, trainablePreset(preset), shapes);
    for (const ep of eps) {
      const placement: TensorPlacement = ep === 'webgpu' ? 'gpu-buffer' : 'cpu';
      status(`${preset} on ${ep}: creating sessions`);
      const t0 = performance.now();
      const trainer = await Trainer.create({
        runtime: { ort: ort as unknown as OrtModule, executionProviders: [ep], placement },
        artifacts,
        modelId: 'bench',
      });
      const t1 = performance.now();
      const losses = [(await trainer.trainStep(data)).loss];
      const t2 = performance.now();
      for (let i = 1; i < warmup; i++) losses.push((await trainer.trainStep(data)).loss);
      const t3 = performance.now();
      for (let i = 0; i < steps; i++) {
        status(`${preset} on ${ep}: step ${i + 1}/${steps}`);
        losses.push((await trainer.trainStep(data)).loss);
      }
      const seconds = (performance.now() - t3) / 1000;
      await trainer.release();
      results.push({
        ep,
        placement,
        preset,
        sessionSeconds: (t1 - t0) / 1000,
        firstStepSeconds: (t2 - t1) / 1000,
        stepsPerSecond: steps / seconds,
        samplesPerSecond: (steps * batch) / seconds,
        losses,
      });
    }
  }
  const info = adapterInfo?.info;
  (globalThis as Record<string, unknown>).__benchResult = {
    adapter: info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : null,
    results,
  };
  status('done');
}

main().catch((error: unknown) => {
  (globalThis as Record<string, unknown>).__benchError = String((error as Error)?.stack ?? error);
  status(`failed: ${String(error)}`);
});
