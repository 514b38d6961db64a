/**
 * Our training graphs (src/lib/train/graph) in Chromium with onnxruntime-web/webgpu, on the WebGPU EP
 * (SwiftShader here) and on the WASM EP. The page (e2e/web/training-graphs.ts) builds the full-decoder training
 * graph of the committed PyTorch fixture gpt2-a (the smallest: vocab 96, width 32, 2 blocks with cross-attention,
 * 45 weights) and trains it for 6 RAdam steps with our Trainer; this file judges what it returns:
 *   - the first step's loss and all 45 gradients against PyTorch float64 autograd, on each EP;
 *   - on WebGPU the keep-on-GPU path: 'gpu-buffer' outputs fed back as inputs, only the loss and the gradient
 *     norm read back;
 *   - the WebGPU loss curve and final weights against the WASM ones.
 * Tolerances and their reasons are the Node tests' (test/lib/train/graph/helpers/reference.ts): ORT Web must
 * meet the bounds onnxruntime-node meets. The full decoder rather than LoRA: its gradients run through every
 * gradient rule (embeddings' ScatterND included) and are well conditioned, while gpt2-a's LoRA gradients are
 * the ill-conditioned case that the Node suite runs on the CPU EP only (ORT Web's WASM EP fuses block 0's
 * decomposed layer norm into its LayerNormalization kernel and lands at 5.0e-5, over that case's 2.7e-5 bound).
 * Both EPs run in one browser, so the spec runs in the webgpu project only (the wasm project has no adapter).
 * About 1.5 minutes on two busy cores, most of it SwiftShader compiling the WebGPU kernels on the first step.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { GRAD_NORM_OUTPUT } from '../src/lib/train/graph/optimizer-graph';
import {
  GradFixtureData,
  relativeMaxError,
  type FixtureManifest,
} from '../test/lib/train/graph/helpers/grad-fixture-data';
import {
  gradientReference,
  gradientTolerance,
  LOSS_TOLERANCE,
  TRAJECTORY_TOLERANCE,
} from '../test/lib/train/graph/helpers/reference';
import type { PageEp, TrainerResult } from './web/training-graphs';

const FIXTURE = 'gpt2-a';
/** RAdam's momentum-only steps 1–5 and its first rectified step (β2 0.999: the variance is trusted from t = 6). */
const STEPS = 6;

const FIXTURES_DIR = resolve('test/fixtures/grad');
const manifest = JSON.parse(readFileSync(join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as FixtureManifest;
const bin = readFileSync(join(FIXTURES_DIR, `${FIXTURE}.bin`));
const fixture = new GradFixtureData(
  FIXTURE,
  manifest,
  new Uint8Array(readFileSync(join(FIXTURES_DIR, `${FIXTURE}.onnx`))),
  bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
);

test.describe.configure({ mode: 'serial' });

let server: ViteDevServer;
let page: Page;

test.beforeAll(async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'webgpu', 'both EPs run in the webgpu project');
  server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { port: 0 } });
  await server.listen();
  const origin = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${origin}/e2e/web/training-graphs.html`);
  await page.waitForFunction(() => window.trainingGraphs !== undefined, null, { timeout: 120_000 });
});

test.afterAll(async () => {
  await page?.close();
  await server?.close();
});

test('the browser has a WebGPU adapter (SwiftShader here)', async () => {
  const adapter = await page.evaluate(() => window.trainingGraphs!.adapter());
  expect(adapter).not.toBeNull();
  test.info().annotations.push({
    type: 'adapter',
    description: `${adapter!.description}; shader-f16: ${adapter!.features.includes('shader-f16')}`,
  });
});

const trainOn = (ep: PageEp): Promise<TrainerResult> =>
  page.evaluate((r) => window.trainingGraphs!.trainer(r), {
    fixture: FIXTURE,
    kind: 'weights' as const,
    ep,
    placement: ep === 'webgpu' ? ('gpu-buffer' as const) : ('cpu' as const),
    algorithm: 'radam' as const,
    steps: STEPS,
  });

const results = new Map<PageEp, TrainerResult>();
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const measured = (description: string): void => {
  test.info().annotations.push({ type: 'measured', description });
  console.log(`${test.info().title}: ${description}`);
};

for (const ep of ['webgpu', 'wasm'] as const)
  test(`${ep} EP: the first step's loss and gradients match PyTorch float64`, async () => {
    const result = await trainOn(ep);
    results.set(ep, result);
    const reference = gradientReference(fixture, 'weights', result.adapters);
    expect([...result.trainables].sort()).toEqual([...reference.gradients.keys()].sort());
    const lossError = relative(result.losses[0]!, reference.loss);
    expect(lossError).toBeLessThan(LOSS_TOLERANCE);
    const bound = gradientTolerance(reference.torchFloat32Error);
    let worst = 0;
    for (const [trainable, expected] of reference.gradients) {
      const error = relativeMaxError(result.firstGradients[trainable]!, expected);
      worst = Math.max(worst, error);
      expect(error, trainable).toBeLessThan(bound);
    }
    // The losses moved: a trainer that never updated would pass the comparisons below only by accident.
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]! * 0.99);
    measured(
      `loss ${lossError.toExponential(2)}, gradients ${worst.toExponential(2)} (bound ${bound.toExponential(2)}); ` +
        `sessions ${result.sessionSeconds.toFixed(1)} s, steps ${result.stepSeconds.map((t) => t.toFixed(1)).join(', ')} s`,
    );
  });

test('WebGPU keeps params, gradients and moments on the GPU and reads back only the loss and gradient norm', () => {
  const gpu = results.get('webgpu');
  test.skip(!gpu, 'the WebGPU run failed');
  const { runs, trainables, optimizerGroups } = gpu!;
  // Sessions: 0 = training graph, 1 = optimizer graph, one run of each per step.
  expect(runs.map((r) => r.session)).toEqual(Array.from({ length: STEPS }, () => [0, 1]).flat());
  for (const [i, r] of runs.entries()) {
    const where = `step ${Math.floor(i / 2) + 1}, session ${r.session}`;
    // Read back: the training graph's loss, the optimizer's gradient norm; everything else stays a GPU buffer
    // (training: one gradient per trainable; fused optimizer: a new param per trainable and each group's two flat
    // moments).
    expect(r.outputs['cpu'], where).toEqual(r.session === 0 ? ['loss'] : [GRAD_NORM_OUTPUT]);
    expect(r.outputs['gpu-buffer']?.length ?? 0, where).toBe(
      r.session === 0 ? trainables.length : trainables.length + 2 * optimizerGroups,
    );
    // Fed as GPU buffers left by earlier runs, from step 2 on: the params (training graph); flat views of the
    // params and gradients, and each group's two flat moments (optimizer). Step 1 starts from CPU values, and the page
    // downloaded its gradients.
    if (i < 2) continue;
    expect(r.feeds['gpu-buffer']?.length ?? 0, where).toBe(
      r.session === 0 ? trainables.length : trainables.length * 2 + 2 * optimizerGroups,
    );
  }
  // WASM copies everything: its runs see no GPU buffer.
  const wasm = results.get('wasm');
  if (wasm) expect(wasm.runs.every((r) => !r.feeds['gpu-buffer'] && !r.outputs['gpu-buffer'])).toBe(true);
});

test(`the WebGPU loss curve equals the WASM curve over ${STEPS} RAdam steps`, () => {
  const gpu = results.get('webgpu');
  const wasm = results.get('wasm');
  test.skip(!gpu || !wasm, 'a run failed');
  let curve = 0;
  for (let i = 0; i < STEPS; i++) curve = Math.max(curve, relative(gpu!.losses[i]!, wasm!.losses[i]!));
  expect(curve).toBeLessThan(TRAJECTORY_TOLERANCE.loss);
  let weights = 0;
  for (const name of gpu!.trainables)
    weights = Math.max(weights, relativeMaxError(gpu!.weights[name]!, wasm!.weights[name]!));
  expect(weights).toBeLessThan(TRAJECTORY_TOLERANCE.weights);
  measured(`losses ${curve.toExponential(2)}, final weights ${weights.toExponential(2)} (relative to scale)`);
});
