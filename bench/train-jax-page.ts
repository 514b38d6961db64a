/**
 * Benchmark page of the jax-js peer (`npm run bench -- train --peers jax-js`): the step of
 * tools/bench_train_torch.py written in jax-js (bench/lib/jax-step.ts), on every jax-js backend asked for
 * (?backends=webgpu,wasm), on the batch our own page trains on (bench/lib/train-batch.ts). Weights: the
 * decoder ONNX's initializers when the model has one (?weights=onnx: same start as our trainer, so the
 * step-0 losses compare), GPT-2's random initialization otherwise (?weights=random, timing only).
 */
import { defaultDevice, getWebGPUDevice, init, type Device } from '@jax-js/jax';
import { OnnxModel } from '../src/lib/onnx/graph/model';
import { readFloat32 } from '../src/lib/onnx/proto/tensor';
import { createJaxTrainer, JAX_PRESETS, type DecoderConfig, type JaxPreset } from './lib/jax-step';
import { randomWeights, weightsFromInitializers } from './lib/jax-weights';
import { benchBatch } from './lib/train-batch';
import { countGpuCalls, type GpuCallCounts } from './train-gpu-dispatches';

interface PeerResult {
  backend: string;
  preset: string;
  trainableParameters?: number;
  warmupSteps?: number;
  timedSteps?: number;
  /** Uploading the weights and the batch to the backend. */
  loadSeconds?: number;
  /** The first step alone: it traces and compiles the jitted step. */
  firstStepSeconds?: number;
  stepsPerSecond?: number;
  samplesPerSecond?: number;
  losses?: number[];
  /** WebGPU only: dispatches, buffer copies and queue writes per timed step, counted as for our step. */
  gpuCallsPerStep?: GpuCallCounts;
  error?: string;
}

function report(text: string): void {
  const element = document.getElementById('status');
  if (element !== null) element.textContent = text;
  console.log(`[train-bench] jax-js ${text}`);
}

const numbers = (params: URLSearchParams, key: string): number => {
  const value = Number(params.get(key));
  if (!Number.isFinite(value)) throw new Error(`?${key} must be a number`);
  return value;
};

async function main(): Promise<void> {
  // Before jax-js creates its device, as the train page does for ORT: every call it makes is counted.
  const gpuCalls = countGpuCalls();
  const params = new URLSearchParams(location.search);
  const model = params.get('model') ?? 'tiny-random/vit-gpt2';
  const presets = (params.get('presets') ?? 'lora-r8').split(',');
  const backends = (params.get('backends') ?? 'webgpu,wasm').split(',') as Device[];
  const batch = numbers(params, 'batch');
  const tokens = numbers(params, 'tokens');
  const encoderSequence = numbers(params, 'encoder-sequence');
  const config: DecoderConfig = {
    vocab: numbers(params, 'vocab'),
    positions: numbers(params, 'positions'),
    width: numbers(params, 'width'),
    layers: numbers(params, 'layers'),
    heads: numbers(params, 'heads'),
  };
  const fromOnnx = params.get('weights') === 'onnx';
  const available = await init(...backends);
  let decoder: OnnxModel | null = null;
  if (fromOnnx) {
    report(`${model}: fetching the decoder`);
    const bytes = await (await fetch(`/models/${model}/onnx/decoder_model.onnx`)).arrayBuffer();
    decoder = OnnxModel.decode(new Uint8Array(bytes));
  }
  const initializer = (name: string): Float32Array | undefined => {
    const tensor = decoder?.graph.initializers.get(name);
    return tensor ? readFloat32(tensor) : undefined;
  };
  const shapes = { batch, sequence: tokens, encoderSequence, encoderWidth: config.width };
  const data = benchBatch(shapes, config.vocab);
  const jaxBatch = {
    ids: Int32Array.from(data.tokens, Number),
    labels: Int32Array.from(data.labels, Number),
    encoder: data.encoderStates,
  };
  const results: PeerResult[] = [];
  for (const backend of backends) {
    for (const preset of presets) {
      if (!available.includes(backend)) {
        results.push({ backend, preset, error: `jax-js init() did not start '${backend}' here` });
        continue;
      }
      if (!(JAX_PRESETS as readonly string[]).includes(preset)) {
        results.push({ backend, preset, error: `no jax-js step for preset ${preset}` });
        continue;
      }
      const warmup = numbers(params, `${backend}-warmup`);
      const steps = numbers(params, `${backend}-steps`);
      try {
        defaultDevice(backend);
        report(`${preset} on ${backend}: loading`);
        const t0 = performance.now();
        const weights = fromOnnx ? weightsFromInitializers(config, initializer) : randomWeights(config, 0);
        const trainer = createJaxTrainer(
          config,
          { batch, tokens, encoderSequence },
          weights,
          preset as JaxPreset,
          jaxBatch,
        );
        const t1 = performance.now();
        report(`${preset} on ${backend}: step 1 (${warmup} warm-up, ${steps} timed)`);
        const losses = [await trainer.step()];
        const t2 = performance.now();
        for (let i = 1; i < warmup; i++) losses.push(await trainer.step());
        const t3 = performance.now();
        const callsBefore = gpuCalls.read();
        for (let i = 0; i < steps; i++) {
          report(`${preset} on ${backend}: timed step ${i + 1}/${steps}`);
          losses.push(await trainer.step());
        }
        const seconds = (performance.now() - t3) / 1000;
        const callsAfter = gpuCalls.read();
        const perStep = (key: keyof GpuCallCounts) => (callsAfter[key] - callsBefore[key]) / steps;
        results.push({
          backend,
          preset,
          trainableParameters: trainer.trainableParameters,
          warmupSteps: warmup,
          timedSteps: steps,
          loadSeconds: (t1 - t0) / 1000,
          firstStepSeconds: (t2 - t1) / 1000,
          stepsPerSecond: steps / seconds,
          samplesPerSecond: (steps * batch) / seconds,
          losses,
          ...(backend === 'webgpu'
            ? {
                gpuCallsPerStep: {
                  dispatches: perStep('dispatches'),
                  copies: perStep('copies'),
                  writes: perStep('writes'),
                },
              }
            : {}),
        });
        trainer.dispose();
        report(`${preset} on ${backend}: ${(steps / seconds).toPrecision(3)} steps/s`);
      } catch (error) {
        // One backend failing (e.g. a kernel SwiftShader rejects) must not cost the other rows.
        results.push({ backend, preset, error: String((error as Error)?.message ?? error).slice(0, 500) });
        report(`${preset} on ${backend}: failed: ${String(error)}`);
      }
    }
  }
  (globalThis as Record<string, unknown>).__benchResult = {
    available,
    webgpuFeatures: available.includes('webgpu') ? [...getWebGPUDevice().features].sort() : [],
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    results,
  };
  report('done');
}

main().catch((error: unknown) => {
  (globalThis as Record<string, unknown>).__benchError = String((error as Error)?.stack ?? error);
  report(`failed: ${String(error)}`);
});
