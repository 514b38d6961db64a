/**
 * One training benchmark in Node (onnxruntime-node, CPU or WebGPU EP): build the artifacts for a decoder, run
 * warm-up steps, then time steps on random captions and random encoder states. Used by bench/train.mjs and, on
 * a lent GPU, bundled by it (see README of src/lib/train/graph).
 */
import fs, { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildTrainingArtifacts, type TrainingArtifacts } from '../src/lib/train/graph/artifacts';
import { makeBatch, type TrainingBatch, type TrainingSample } from '../src/lib/train/graph/batches';
import { OnnxModel } from '../src/lib/onnx/graph/model';
import { DataType, float32Tensor } from '../src/lib/onnx/proto/tensor';
import { SeededRandom } from '../src/lib/core/rng';
import { trainablePreset } from '../src/lib/train/graph/selection';
import type { RuntimeOptions } from '../src/lib/train/graph/runtime';
import { Trainer } from '../src/lib/train/graph/trainer';
import { printedTraces, stepProfile, type StepProfile, type TraceEvent } from './lib/ort-profile';

export interface TrainBenchOptions {
  readonly decoder: Uint8Array;
  readonly preset: string;
  /** 'wasm': onnxruntime-web's WASM EP in Node (the browser's kernels without a browser), on every core. */
  readonly ep: 'cpu' | 'webgpu' | 'wasm';
  readonly batch: number;
  readonly tokens: number;
  readonly encoderSequence: number;
  readonly steps: number;
  readonly warmup: number;
  /** Also profile one step with ONNX Runtime's profiler (a second trainer, after the timed steps). */
  readonly profile?: boolean;
  /**
   * WebGPU only: where the trainer's state lives between steps. 'device' (default): on the GPU, read back through a
   * copy session (runtime.ts's GpuReads); 'copied': copied to the CPU and back around every run, as before.
   */
  readonly webgpuState?: 'device' | 'copied';
}

export interface TrainBenchResult {
  readonly preset: string;
  readonly ep: string;
  readonly batch: number;
  readonly tokens: number;
  readonly trainableParameters: number;
  /** Float32 bytes the trainer keeps between steps: params, both moments, and one set of gradients. */
  readonly trainerBytes: number;
  readonly buildSeconds: number;
  readonly sessionSeconds: number;
  readonly firstStepSeconds: number;
  readonly stepsPerSecond: number;
  readonly samplesPerSecond: number;
  readonly losses: number[];
  readonly profile?: StepProfile;
  /** Bytes of trainer state copied between the CPU and the device per step (params, gradients, moments). */
  readonly stateCopiedPerStep: number;
}

/**
 * Fills initializers that have dims but no data (a decoder stripped of its weights so that it can travel) with
 * seeded random values: N(0, 0.02²) like GPT-2's initialization, ones for layer-norm scales (1-D weights named
 * like them) and zeros for other 1-D tensors.
 */
export function fillStrippedWeights(bytes: Uint8Array, seed = 0): Uint8Array {
  const model = OnnxModel.decode(bytes);
  const random = new SeededRandom(seed);
  let filled = 0;
  for (const [name, t] of model.graph.initializers) {
    if (t.rawData || t.dataType !== DataType.FLOAT || (t.floatData?.length ?? 0) > 0) continue;
    const dims = t.dims ?? [];
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (dims.length === 1) data.fill(/ln_|layer_?norm/i.test(name) && /weight|scale/.test(name) ? 1 : 0);
    else
      for (let i = 0; i < size; i += 2) {
        // Box–Muller: two normals from two uniforms.
        const r = Math.sqrt(-2 * Math.log(1 - random.next())) * 0.02;
        const a = 2 * Math.PI * random.next();
        data[i] = r * Math.cos(a);
        if (i + 1 < size) data[i + 1] = r * Math.sin(a);
      }
    model.graph.initializers.set(name, float32Tensor(name, dims, data));
    filled++;
  }
  return filled > 0 ? model.encode() : bytes;
}

export async function benchTraining(options: TrainBenchOptions): Promise<TrainBenchResult> {
  const { batch, tokens, encoderSequence, steps, warmup } = options;
  const resident = options.ep === 'webgpu' && options.webgpuState !== 'copied';
  const t0 = performance.now();
  const probe = OnnxModel.decode(options.decoder);
  const wte = [...probe.graph.nodes].find(
    (n) => n.opType === 'Gather' && probe.graph.initializers.has(n.input![0]!),
  );
  const [vocab, width] = probe.graph.initializers.get(wte!.input![0]!)!.dims!;
  const shapes = { batch, sequence: tokens, encoderSequence, encoderWidth: width! };
  const artifacts = buildTrainingArtifacts(options.decoder, trainablePreset(options.preset), shapes);
  const t1 = performance.now();
  const trainer = await Trainer.create({
    runtime: await runtimeFor(options.ep, resident),
    artifacts,
    modelId: 'bench',
  });
  const t2 = performance.now();

  const random = new SeededRandom(1);
  const samples: TrainingSample[] = Array.from({ length: batch }, () => ({
    tokens: Array.from({ length: tokens - 1 }, () => Math.floor(random.next() * (vocab! - 1))),
    encoderStates: Float32Array.from({ length: encoderSequence * width! }, () => random.uniform(1)),
  }));
  const data = makeBatch(samples, shapes, { start: vocab! - 1, end: vocab! - 1, pad: vocab! - 1 });
  const losses: number[] = [];
  const t3 = performance.now();
  losses.push((await trainer.trainStep(data)).loss);
  const t4 = performance.now();
  for (let i = 1; i < warmup; i++) losses.push((await trainer.trainStep(data)).loss);
  const t5 = performance.now();
  for (let i = 0; i < steps; i++) losses.push((await trainer.trainStep(data)).loss);
  const seconds = (performance.now() - t5) / 1000;
  await trainer.release();
  const profile = options.profile ? await profileStep(artifacts, options.ep, data) : undefined;
  const trainableParameters = artifacts.trainables.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
  return {
    preset: options.preset,
    ep: options.ep,
    batch,
    tokens,
    trainableParameters,
    trainerBytes: trainableParameters * 4 * 4,
    buildSeconds: (t1 - t0) / 1000,
    sessionSeconds: (t2 - t1) / 1000,
    firstStepSeconds: (t4 - t3) / 1000,
    stepsPerSecond: steps / seconds,
    samplesPerSecond: (steps * batch) / seconds,
    losses,
    ...(profile ? { profile } : {}),
    ...(resident ? { webgpuState: 'device' } : options.ep === 'webgpu' ? { webgpuState: 'copied' } : {}),
    // Copied around the two runs of a step: params in and gradients out of the training graph; params, gradients
    // and both moments in and new params and moments out of the optimizer graph: 9 float32 copies of the trainables.
    stateCopiedPerStep: options.ep === 'webgpu' && !resident ? 9 * 4 * trainableParameters : 0,
  };
}

/** The trainer's runtime: state on the device for a resident WebGPU run, on the CPU otherwise. */
async function runtimeFor(ep: TrainBenchOptions['ep'], resident: boolean): Promise<RuntimeOptions> {
  const ort = await ortFor(ep);
  return resident
    ? { ort, executionProviders: [ep], placement: 'gpu-buffer', gpuReads: 'copy-session' }
    : { ort, executionProviders: [ep], placement: 'cpu' };
}

/** onnxruntime-node, or for 'wasm' onnxruntime-web on every core (as the studio's worker configures it). */
async function ortFor(ep: TrainBenchOptions['ep']): Promise<typeof ort> {
  if (ep !== 'wasm') return ort;
  const web = await import('onnxruntime-web');
  web.env.wasm.numThreads = availableParallelism();
  return web as unknown as typeof ort;
}

/**
 * Runs `release` and returns the trace arrays that onnxruntime-web's WASM build prints while it does: its sessions
 * write their profile to stdout, not to a file, when they are released, through Emscripten's `fs.writeSync(1, …)`
 * (measured: not console.log, not process.stdout.write).
 */
async function tracesPrintedBy(release: () => Promise<void>): Promise<TraceEvent[][]> {
  const chunks: string[] = [];
  const writeSync = fs.writeSync;
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: string | Uint8Array, ...rest: number[]) => {
    if (fd !== 1) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    if (typeof data === 'string') chunks.push(data);
    else
      chunks.push(
        Buffer.from(data.buffer, data.byteOffset + (rest[0] ?? 0), rest[1] ?? data.byteLength).toString(
          'utf8',
        ),
      );
    return typeof data === 'string' ? Buffer.byteLength(data) : (rest[1] ?? data.byteLength);
  };
  try {
    await release();
  } finally {
    (fs as { writeSync: unknown }).writeSync = writeSync;
  }
  return printedTraces(chunks.join(''));
}

/**
 * One step under ONNX Runtime's profiler: a fresh trainer whose sessions write a trace each, two steps (the first
 * compiles), the trainer released (that writes the traces), the last run of each read (bench/lib/ort-profile.ts).
 */
async function profileStep(
  artifacts: TrainingArtifacts,
  ep: TrainBenchOptions['ep'],
  data: TrainingBatch,
): Promise<StepProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'capgrad-profile-'));
  try {
    const trainer = await Trainer.create({
      runtime: {
        ort: await ortFor(ep),
        executionProviders: [ep],
        placement: 'cpu',
        sessionOptions: { enableProfiling: true, profileFilePrefix: join(dir, 'session') },
      },
      artifacts,
      modelId: 'bench',
    });
    await trainer.trainStep(data);
    await trainer.trainStep(data);
    if (ep === 'wasm')
      return stepProfile(await tracesPrintedBy(() => trainer.release()), 'CPUExecutionProvider');
    await trainer.release();
    // Trace files are named by their session's start time: sorted, the training graph's comes first, then the
    // optimizer's (the trainer creates them in that order, one at a time).
    const traces = readdirSync(dir)
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as []);
    return stepProfile(traces, ep === 'webgpu' ? 'WebGpuExecutionProvider' : 'CPUExecutionProvider');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The decoder without the data of its large float initializers (dims kept): fillStrippedWeights restores values. */
export function stripWeights(bytes: Uint8Array): Uint8Array {
  const model = OnnxModel.decode(bytes);
  for (const [name, t] of model.graph.initializers) {
    const size = (t.dims ?? []).reduce((a, b) => a * b, 1);
    if (t.dataType !== DataType.FLOAT || size <= 1024) continue;
    const { rawData: _raw, floatData: _float, ...rest } = t;
    model.graph.initializers.set(name, rest);
  }
  return model.encode();
}
