/**
 * A bare page (no studio) that runs OUR training graphs in Chromium with onnxruntime-web/webgpu: artifacts built
 * here by src/lib/train/graph from the committed PyTorch fixtures (test/fixtures/grad, served by the vite dev
 * server), trained for a few steps by our Trainer on the WebGPU EP or the WASM EP. Driven by
 * e2e/training-graphs.spec.ts, which compares what it returns with PyTorch's numbers in Node. The page only runs
 * and reports; it judges nothing.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { buildTrainingArtifacts, type TrainingArtifacts } from '../../src/lib/train/graph/artifacts';
import type { OrtModule, OrtTensor, TensorPlacement } from '../../src/lib/train/graph/runtime';
import { trainablePreset } from '../../src/lib/train/graph/selection';
import { Trainer } from '../../src/lib/train/graph/trainer';
import { fixtureBatch, fixtureLoraValues, shapesOf } from '../../test/lib/train/graph/helpers/batch';
import { GradFixtureData, type FixtureManifest } from '../../test/lib/train/graph/helpers/grad-fixture-data';
import {
  FIXTURE_LORA,
  fixtureOptimizer,
  type ReferenceKind,
} from '../../test/lib/train/graph/helpers/reference';

export type PageEp = 'webgpu' | 'wasm';

export interface AdapterReport {
  description: string;
  features: string[];
}

export interface TrainerRequest {
  fixture: string;
  /** What trains: the fixture's LoRA adapters (PyTorch has their trajectory) or every decoder weight. */
  kind: ReferenceKind;
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
  trainables: string[];
  /** Fused-update groups of the optimizer graph (each holds its two moments as one flat buffer). */
  optimizerGroups: number;
  adapters: { a: string; b: string; target: string }[];
  /**
   * The first step's gradients, trainable name → values, downloaded by the recording wrapper from the training
   * graph's outputs. A download makes ORT Web mark a tensor 'cpu' (it keeps its GPU buffer too), so the first
   * optimizer run uploads the gradients again; from the second step on nothing is downloaded but the scalars.
   */
  firstGradients: Record<string, number[]>;
  losses: number[];
  gradNorms: number[];
  /** Final trainable values (read back once, after the last step). */
  weights: Record<string, number[]>;
  runs: RunRecord[];
  /** Creating the sessions, then each step (the first one compiles the GPU kernels). */
  sessionSeconds: number;
  stepSeconds: number[];
}

declare global {
  interface Window {
    trainingGraphs?: {
      adapter(): Promise<AdapterReport | null>;
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

/**
 * The ORT module with every session's runs recorded (where each feed and output lived); `peek` sees the outputs
 * of the first run of the first session (the training graph) before the trainer does.
 */
function recordingOrt(
  runs: RunRecord[],
  peek: (outputs: Record<string, OrtTensor>) => Promise<void>,
): OrtModule {
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
        const outputs = await (run as (...a: unknown[]) => Promise<Record<string, OrtTensor>>)(
          feeds,
          ...rest,
        );
        const first = id === 0 && !runs.some((r) => r.session === 0);
        // Recorded before the peek: a download turns a tensor's location into 'cpu'.
        runs.push({ session: id, feeds: byLocation(feeds), outputs: byLocation(outputs) });
        if (first) await peek(outputs);
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

  async trainer({ fixture: name, kind, ep, placement, algorithm, steps }) {
    const fixture = await loadFixture(name);
    const start = performance.now();
    const artifacts = artifactsFor(fixture, kind);
    const runs: RunRecord[] = [];
    const firstGradients: Record<string, number[]> = {};
    const peek = async (outputs: Record<string, OrtTensor>) => {
      for (const [trainable, output] of artifacts.gradients)
        firstGradients[trainable] = Array.from((await outputs[output]!.getData()) as Float32Array);
    };
    const trainer = await Trainer.create({
      runtime: { ort: recordingOrt(runs, peek), executionProviders: [ep], placement },
      artifacts,
      modelId: name,
      optimizer: fixtureOptimizer(fixture.manifest, algorithm),
    });
    const sessionSeconds = (performance.now() - start) / 1000;
    const batch = fixtureBatch(fixture);
    const losses: number[] = [];
    const gradNorms: number[] = [];
    const stepSeconds: number[] = [];
    for (let i = 0; i < steps; i++) {
      const stepStart = performance.now();
      const report = await trainer.trainStep(batch);
      stepSeconds.push((performance.now() - stepStart) / 1000);
      if (!report.updated) throw new Error(`step ${i + 1} did not update: ${JSON.stringify(report)}`);
      losses.push(report.loss);
      gradNorms.push(report.gradNorm!);
    }
    const weights = Object.fromEntries([...(await trainer.weights())].map(([n, v]) => [n, Array.from(v)]));
    await trainer.release();
    return {
      trainables: artifacts.trainables.map((t) => t.name),
      optimizerGroups: artifacts.optimizerGroups.length,
      adapters: artifacts.adapters.map(({ a, b, target }) => ({ a, b, target })),
      firstGradients,
      losses,
      gradNorms,
      weights,
      runs,
      sessionSeconds,
      stepSeconds,
    };
  },
};
document.getElementById('status')!.textContent = 'ready';
