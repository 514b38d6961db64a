/**
 * A bare page (no studio) that runs OUR training graphs in Chromium with onnxruntime-web/webgpu: artifacts built
 * here by src/lib/onnx/training from the committed PyTorch fixtures (test/fixtures/grad, served by the vite dev
 * server), run on the WebGPU EP or the WASM EP. Driven by e2e/training-graphs.spec.ts, which compares what it
 * returns with PyTorch's numbers in Node. The page only runs and reports; it judges nothing.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { buildTrainingArtifacts, type TrainingArtifacts } from '../../src/lib/onnx/training/artifacts';
import type { TrainingBatch } from '../../src/lib/onnx/training/batches';
import { LOSS_NAMES } from '../../src/lib/onnx/training/loss';
import {
  createSession,
  type OrtModule,
  type OrtTensor,
  type TensorPlacement,
} from '../../src/lib/onnx/training/runtime';
import { trainablePreset } from '../../src/lib/onnx/training/selection';
import { Trainer } from '../../src/lib/onnx/training/trainer';
import { fixtureBatch, fixtureLoraValues, shapesOf } from '../../test/lib/onnx/training/helpers/batch';
import { GradFixtureData, type FixtureManifest } from '../../test/lib/onnx/training/helpers/grad-fixture-data';
import {
  FIXTURE_LORA,
  fixtureOptimizer,
  type ReferenceKind,
} from '../../test/lib/onnx/training/helpers/reference';

export type PageEp = 'webgpu' | 'wasm';

export interface AdapterReport {
  description: string;
  features: string[];
}

export interface GradientRequest {
  fixture: string;
  kind: ReferenceKind;
  ep: PageEp;
}

export interface GradientResult {
  loss: number;
  trainables: string[];
  adapters: { a: string; b: string; target: string }[];
  /** trainable name → its gradient. */
  gradients: Record<string, number[]>;
  seconds: number;
}

export interface TrainerRequest {
  fixture: string;
  ep: PageEp;
  placement: TensorPlacement;
  algorithm: 'radam' | 'adamw';
  steps: number;
}

/** Where the tensors of one `session.run` were: what a keep-on-GPU trainer must feed back and read. */
export interface RunRecord {
  /** 0: training graph, 1: optimizer graph (the order Trainer.create creates them in). */
  session: number;
  /** Feeds by location ('cpu', 'gpu-buffer'…) → their names. */
  feeds: Record<string, string[]>;
  /** Outputs by location → their names. */
  outputs: Record<string, string[]>;
}

export interface TrainerResult {
  losses: number[];
  gradNorms: number[];
  /** Final trainable values (read back once, after the last step). */
  weights: Record<string, number[]>;
  adapters: { a: string; b: string; target: string }[];
  runs: RunRecord[];
  seconds: number;
}

declare global {
  interface Window {
    trainingGraphs?: {
      adapter(): Promise<AdapterReport | null>;
      gradients(request: GradientRequest): Promise<GradientResult>;
      trainer(request: TrainerRequest): Promise<TrainerResult>;
    };
  }
}

/** The slice of WebGPU's navigator.gpu this page reads (lib.dom has no WebGPU types). */
interface MinimalGpu {
  requestAdapter(): Promise<{
    info: { vendor: string; architecture: string; description: string };
    features: ReadonlySet<string>;
  } | null>;
}

ort.env.wasm.wasmPaths = '/ort/';
const fixtures = new Map<string, Promise<GradFixtureData>>();

async function loadFixture(name: string): Promise<GradFixtureData> {
  let loaded = fixtures.get(name);
  if (!loaded) {
    const bytes = async (file: string): Promise<ArrayBuffer> => {
      const response = await fetch(`/test/fixtures/grad/${file}`);
      if (!response.ok) throw new Error(`fixture file ${file}: HTTP ${response.status}`);
      return response.arrayBuffer();
    };
    loaded = (async () => {
      const manifest = JSON.parse(new TextDecoder().decode(await bytes('manifest.json'))) as FixtureManifest;
      return new GradFixtureData(
        name,
        manifest,
        new Uint8Array(await bytes(`${name}.onnx`)),
        await bytes(`${name}.bin`),
      );
    })();
    fixtures.set(name, loaded);
  }
  return loaded;
}

function artifactsFor(fixture: GradFixtureData, kind: ReferenceKind): TrainingArtifacts {
  const spec = kind === 'lora' ? FIXTURE_LORA : trainablePreset('full-decoder');
  const built = buildTrainingArtifacts(fixture.modelBytes, spec, shapesOf(fixture));
  return kind === 'lora' ? { ...built, initial: fixtureLoraValues(fixture, built) } : built;
}

function batchFeeds(artifacts: TrainingArtifacts, batch: TrainingBatch): Record<string, OrtTensor> {
  const { batch: b, sequence: s, encoderSequence, encoderWidth } = artifacts.shapes;
  return {
    [artifacts.names.tokens]: new ort.Tensor('int64', batch.tokens, [b, s]),
    [artifacts.names.encoderStates]: new ort.Tensor('float32', batch.encoderStates, [
      b,
      encoderSequence,
      encoderWidth,
    ]),
    [LOSS_NAMES.labels]: new ort.Tensor('int64', batch.labels, [b, s, 1]),
    [LOSS_NAMES.mask]: new ort.Tensor('float32', batch.mask, [b, s]),
    [LOSS_NAMES.weights]: new ort.Tensor('float32', batch.weights, [b]),
  };
}

const adapterNames = (artifacts: TrainingArtifacts) =>
  artifacts.adapters.map(({ a, b, target }) => ({ a, b, target }));

/** The ORT module with every session's runs recorded: where each feed and output lived. */
function recordingOrt(runs: RunRecord[]): OrtModule {
  let created = 0;
  const byLocation = (tensors: Record<string, OrtTensor>): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const [name, t] of Object.entries(tensors)) (out[t.location] ??= []).push(name);
    return out;
  };
  const create = async (...args: Parameters<typeof ort.InferenceSession.create>) => {
    const session = await ort.InferenceSession.create(...args);
    const id = created++;
    const run = session.run.bind(session);
    return Object.assign(session, {
      run: async (feeds: Record<string, OrtTensor>, ...rest: unknown[]) => {
        const outputs = await (run as (...a: unknown[]) => Promise<Record<string, OrtTensor>>)(feeds, ...rest);
        runs.push({ session: id, feeds: byLocation(feeds), outputs: byLocation(outputs) });
        return outputs;
      },
    });
  };
  return { Tensor: ort.Tensor, InferenceSession: { create } } as unknown as OrtModule;
}

window.trainingGraphs = {
  async adapter() {
    const adapter = await (navigator as Navigator & { gpu?: MinimalGpu }).gpu?.requestAdapter();
    if (!adapter) return null;
    const { vendor, architecture, description } = adapter.info;
    return {
      description: [vendor, architecture, description].filter(Boolean).join(' '),
      features: [...adapter.features].sort(),
    };
  },

  async gradients({ fixture: name, kind, ep }) {
    const fixture = await loadFixture(name);
    const start = performance.now();
    const artifacts = artifactsFor(fixture, kind);
    const session = await createSession({ ort, executionProviders: [ep], placement: 'cpu' }, artifacts.training);
    const feeds = batchFeeds(artifacts, fixtureBatch(fixture));
    for (const t of artifacts.trainables)
      feeds[t.name] = new ort.Tensor('float32', Float32Array.from(artifacts.initial.get(t.name)!), t.dims);
    const out = await session.run(feeds);
    const gradients: Record<string, number[]> = {};
    for (const [trainable, output] of artifacts.gradients)
      gradients[trainable] = Array.from((await out[output]!.getData()) as Float32Array);
    const loss = ((await out[LOSS_NAMES.loss]!.getData()) as Float32Array)[0]!;
    await session.release();
    return {
      loss,
      trainables: artifacts.trainables.map((t) => t.name),
      adapters: adapterNames(artifacts),
      gradients,
      seconds: (performance.now() - start) / 1000,
    };
  },

  async trainer({ fixture: name, ep, placement, algorithm, steps }) {
    const fixture = await loadFixture(name);
    const start = performance.now();
    const artifacts = artifactsFor(fixture, 'lora');
    const runs: RunRecord[] = [];
    const trainer = await Trainer.create({
      runtime: { ort: recordingOrt(runs), executionProviders: [ep], placement },
      artifacts,
      modelId: name,
      optimizer: fixtureOptimizer(fixture.manifest, algorithm),
    });
    const batch = fixtureBatch(fixture);
    const losses: number[] = [];
    const gradNorms: number[] = [];
    for (let i = 0; i < steps; i++) {
      const report = await trainer.trainStep(batch);
      if (!report.updated) throw new Error(`step ${i + 1} did not update: ${JSON.stringify(report)}`);
      losses.push(report.loss);
      gradNorms.push(report.gradNorm!);
    }
    const weights = Object.fromEntries([...(await trainer.weights())].map(([n, v]) => [n, Array.from(v)]));
    await trainer.release();
    return {
      losses,
      gradNorms,
      weights,
      adapters: adapterNames(artifacts),
      runs,
      seconds: (performance.now() - start) / 1000,
    };
  },
};
document.getElementById('status')!.textContent = 'ready';
