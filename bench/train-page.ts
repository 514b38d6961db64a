/**
 * Benchmark page (served by vite, driven by `npm run bench -- train`): training steps in Chromium with
 * onnxruntime-web/webgpu, on the WebGPU EP with params, gradients and moments kept on the GPU ('gpu-buffer')
 * and on the WASM EP ('cpu'), from the same start on the same batch, so the loss curves can be compared.
 * Besides speed it reports what the trainer holds: accounted from the training graph (src/lib/train/graph/
 * memory.ts) and measured as the bytes of the GPU buffers ORT has allocated and not destroyed.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { buildTrainingArtifacts } from '../src/lib/train/graph/artifacts';
import { trainingMemory, type TrainingMemory } from '../src/lib/train/graph/memory';
import type { OrtModule, TensorPlacement } from '../src/lib/train/graph/runtime';
import { trainablePreset } from '../src/lib/train/graph/selection';
import { Trainer } from '../src/lib/train/graph/trainer';
import { countGpuCalls, type GpuCallCounts } from './train-gpu-dispatches';
import { trackGpuBuffers } from './train-gpu-buffers';
import { benchBatch } from './lib/train-batch';

interface RunResult {
  ep: string;
  placement: TensorPlacement;
  preset: string;
  trainableParameters: number;
  warmupSteps: number;
  timedSteps: number;
  buildSeconds: number;
  sessionSeconds: number;
  /** The first step alone: it compiles the kernels (WebGPU) and allocates the buffers. */
  firstStepSeconds: number;
  stepsPerSecond: number;
  samplesPerSecond: number;
  losses: number[];
  memory: Omit<TrainingMemory, 'savedActivations'>;
  /** WebGPU only: bytes of live GPU buffers (created by ORT, not destroyed) at three moments. */
  gpuBuffers?: { afterSessions: number; peak: number; afterSteps: number };
  /** WebGPU only: compute dispatches, buffer copies and queue writes per timed step (train-gpu-dispatches.ts). */
  gpuCallsPerStep?: GpuCallCounts;
}

/**
 * ?webgpu-config=KEY=VALUE;KEY=VALUE: session config entries of ORT's WebGPU EP
 * (`ep.webgpuexecutionprovider.KEY`, e.g. validationMode=disabled, maxNumPendingDispatches=256), to measure them.
 */
function webgpuConfig(params: URLSearchParams): ort.InferenceSession.SessionOptions {
  const entries = (params.get('webgpu-config') ?? '').split(';').filter(Boolean);
  if (entries.length === 0) return {};
  const config = Object.fromEntries(entries.map((e) => e.split('=') as [string, string]));
  return { extra: { ep: { webgpuexecutionprovider: config } } };
}

const stepsFor = (params: URLSearchParams, ep: string, key: 'steps' | 'warmup', fallback: number): number =>
  Number(params.get(`${ep}-${key}`) ?? params.get(key) ?? fallback);

function report(text: string): void {
  const element = document.getElementById('status');
  if (element !== null) element.textContent = text;
  console.log(`[train-bench] ${text}`);
}

async function main(): Promise<void> {
  const gpuBuffers = trackGpuBuffers();
  const gpuCalls = countGpuCalls();
  const params = new URLSearchParams(location.search);
  const model = params.get('model') ?? 'tiny-random/vit-gpt2';
  const presets = (params.get('presets') ?? 'lora-r8').split(',');
  const eps = (params.get('eps') ?? 'webgpu,wasm').split(',');
  const batch = Number(params.get('batch') ?? 8);
  const tokens = Number(params.get('tokens') ?? 20);
  ort.env.wasm.wasmPaths = '/ort/';
  // Every core, as the studio's worker runs the trainer (workers/student/web-platform.ts configureOrt), unless the
  // bench asks for fewer (?threads=N, to compare in one run); ORT's own default is half of them. Threads need cross-origin isolation, which vite.config.ts gives this page too.
  const threads = Number(params.get('threads') ?? 0);
  ort.env.wasm.numThreads = threads > 0 ? threads : Math.max(1, navigator.hardwareConcurrency || 1);
  const config = (await (await fetch(`/models/${model}/config.json`)).json()) as {
    encoder: { image_size: number; patch_size: number };
    decoder: { vocab_size: number; n_embd: number };
  };
  report(`${model}: fetching the decoder`);
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
  // The jax-js peer (bench/train-jax-page.ts) trains on this same batch.
  const data = benchBatch(shapes, vocab);
  const results: RunResult[] = [];
  for (const preset of presets) {
    report(`${preset}: building the training artifacts`);
    const t0 = performance.now();
    const artifacts = buildTrainingArtifacts(decoder, trainablePreset(preset), shapes);
    const buildSeconds = (performance.now() - t0) / 1000;
    const { savedActivations: _names, ...memory } = trainingMemory(artifacts.training, artifacts.trainables);
    for (const ep of eps) {
      const warmup = stepsFor(params, ep, 'warmup', 2);
      const steps = stepsFor(params, ep, 'steps', 5);
      const placement: TensorPlacement = ep === 'webgpu' ? 'gpu-buffer' : 'cpu';
      report(`${preset} on ${ep}: creating sessions`);
      const t1 = performance.now();
      const trainer = await Trainer.create({
        runtime: {
          ort: ort as unknown as OrtModule,
          executionProviders: [ep],
          placement,
          ...(ep === 'webgpu' ? { sessionOptions: webgpuConfig(params) } : {}),
        },
        artifacts,
        modelId: 'bench',
      });
      const t2 = performance.now();
      const afterSessions = gpuBuffers.live();
      gpuBuffers.resetPeak();
      report(`${preset} on ${ep}: step 1 (${warmup} warm-up, ${steps} timed)`);
      const losses = [(await trainer.trainStep(data)).loss];
      const t3 = performance.now();
      for (let i = 1; i < warmup; i++) losses.push((await trainer.trainStep(data)).loss);
      const t4 = performance.now();
      const callsBefore = gpuCalls.read();
      for (let i = 0; i < steps; i++) {
        report(`${preset} on ${ep}: timed step ${i + 1}/${steps}`);
        losses.push((await trainer.trainStep(data)).loss);
      }
      const seconds = (performance.now() - t4) / 1000;
      const callsAfter = gpuCalls.read();
      const perStep = (key: keyof GpuCallCounts) => (callsAfter[key] - callsBefore[key]) / steps;
      const callsPerStep = {
        dispatches: perStep('dispatches'),
        copies: perStep('copies'),
        writes: perStep('writes'),
      };
      const buffers = { afterSessions, peak: gpuBuffers.peak(), afterSteps: gpuBuffers.live() };
      await trainer.release();
      results.push({
        ep,
        placement,
        preset,
        trainableParameters: memory.paramBytes / 4,
        warmupSteps: warmup,
        timedSteps: steps,
        buildSeconds,
        sessionSeconds: (t2 - t1) / 1000,
        firstStepSeconds: (t3 - t2) / 1000,
        stepsPerSecond: steps / seconds,
        samplesPerSecond: (steps * batch) / seconds,
        losses,
        memory,
        ...(ep === 'webgpu' ? { gpuBuffers: buffers, gpuCallsPerStep: callsPerStep } : {}),
      });
      report(
        `${preset} on ${ep}: ${(steps / seconds).toPrecision(3)} steps/s` +
          (ep === 'webgpu' ? `, ${callsPerStep.dispatches} dispatches a step` : ''),
      );
    }
  }
  (globalThis as Record<string, unknown>).__benchResult = {
    adapter: await gpuBuffers.adapter(),
    wasmThreads: ort.env.wasm.numThreads,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    results,
  };
  report('done');
}

main().catch((error: unknown) => {
  (globalThis as Record<string, unknown>).__benchError = String((error as Error)?.stack ?? error);
  report(`failed: ${String(error)}`);
});
