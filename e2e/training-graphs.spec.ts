/**
 * Our training graphs (src/lib/onnx/training) in Chromium, on onnxruntime-web/webgpu's WebGPU EP (SwiftShader
 * here) and on its WASM EP: built in the page from the committed PyTorch fixture gpt2-a (the smallest with LoRA,
 * full-decoder gradients and an optimizer trajectory: vocab 96, width 32, 2 blocks with cross-attention), then
 *   - loss and every gradient against PyTorch float64 autograd, LoRA adapters and the full decoder;
 *   - RAdam steps of the trainer on WebGPU keeping params, gradients and moments on the GPU ('gpu-buffer'
 *     outputs fed back as inputs, only the loss and the gradient norm read back), against the same steps on
 *     WASM and against PyTorch's trajectory.
 * Tolerances and their reasons are the Node tests' (test/lib/onnx/training/helpers/reference.ts): ORT Web must
 * meet the bounds onnxruntime-node meets. The page (e2e/web/training-graphs.ts) runs; this file judges.
 * Both EPs run in one browser, so the spec runs in the webgpu project only (the wasm project has no adapter).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { GRAD_NORM_OUTPUT } from '../src/lib/onnx/training/optimizer-graph';
import {
  GradFixtureData,
  relativeMaxError,
  type FixtureManifest,
} from '../test/lib/onnx/training/helpers/grad-fixture-data';
import {
  gradientReference,
  gradientTolerance,
  LOSS_TOLERANCE,
  TRAJECTORY_TOLERANCE,
} from '../test/lib/onnx/training/helpers/reference';
import type { GradientRequest, PageEp, TrainerRequest, TrainerResult } from './web/training-graphs';

const FIXTURE = 'gpt2-a';
/** PyTorch's whole trajectory: RAdam's momentum-only steps 1–5 and its rectified steps from 6 on (β2 0.999). */
const TRAINER_STEPS = 8;

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

const EPS: PageEp[] = ['webgpu', 'wasm'];
const KINDS = ['lora', 'weights'] as const;

for (const ep of EPS)
  for (const kind of KINDS)
    test(`${ep} EP: ${kind === 'lora' ? 'LoRA' : 'full-decoder'} loss and gradients match PyTorch float64`, async () => {
      const request: GradientRequest = { fixture: FIXTURE, kind, ep };
      const result = await page.evaluate((r) => window.trainingGraphs!.gradients(r), request);
      const reference = gradientReference(fixture, kind, result.adapters);

      const lossError = Math.abs(result.loss - reference.loss) / reference.loss;
      expect(lossError).toBeLessThan(LOSS_TOLERANCE);
      if (kind === 'lora')
        expect(result.adapters.map((a) => a.target).sort()).toEqual([...fixture.config.lora!.targets].sort());
      expect([...result.trainables].sort()).toEqual([...reference.gradients.keys()].sort());
      const bound = gradientTolerance(reference.torchFloat32Error);
      let worst = 0;
      for (const [trainable, expected] of reference.gradients) {
        const error = relativeMaxError(result.gradients[trainable]!, expected);
        worst = Math.max(worst, error);
        expect(error, trainable).toBeLessThan(bound);
      }
      test.info().annotations.push({
        type: 'measured',
        description: `loss ${lossError.toExponential(2)}, gradients ${worst.toExponential(2)} (bound ${bound.toExponential(2)}), ${result.seconds.toFixed(1)} s`,
      });
    });

test(`trainer: ${TRAINER_STEPS} RAdam LoRA steps on WebGPU with tensors kept on the GPU follow WASM and PyTorch`, async () => {
  const run = (ep: PageEp, placement: TrainerRequest['placement']): Promise<TrainerResult> =>
    page.evaluate((r) => window.trainingGraphs!.trainer(r), {
      fixture: FIXTURE,
      ep,
      placement,
      algorithm: 'radam',
      steps: TRAINER_STEPS,
    } satisfies TrainerRequest);
  const gpu = await run('webgpu', 'gpu-buffer');
  const wasm = await run('wasm', 'cpu');

  // The keep-on-GPU path: from the second step on, every param, gradient and moment fed to a graph is a GPU
  // buffer that a previous run left there, and each run reads back one scalar (training: the loss; optimizer:
  // the gradient norm, which the trainer reports). Sessions: 0 = training graph, 1 = optimizer graph.
  expect(gpu.runs.map((r) => r.session)).toEqual(Array.from({ length: TRAINER_STEPS }, () => [0, 1]).flat());
  const trainables = gpu.adapters.flatMap((a) => [a.a, a.b]);
  for (const [i, r] of gpu.runs.entries()) {
    const step = Math.floor(i / 2) + 1;
    expect(r.outputs['cpu'], `step ${step}, session ${r.session}`).toEqual(
      r.session === 0 ? ['loss'] : [GRAD_NORM_OUTPUT],
    );
    // The training graph's outputs: the loss and one gradient per trainable; the optimizer's: 3 per trainable.
    expect(r.outputs['gpu-buffer']?.length ?? 0).toBe(trainables.length * (r.session === 0 ? 1 : 3));
    if (step === 1) continue;
    // Fed back on the GPU: the training graph's params; the optimizer's params, gradients and both moments.
    expect(r.feeds['gpu-buffer']?.length ?? 0).toBe(trainables.length * (r.session === 0 ? 1 : 4));
  }
  // WASM copies everything: nothing is a GPU buffer there.
  expect(wasm.runs.every((r) => !r.feeds['gpu-buffer'] && !r.outputs['gpu-buffer'])).toBe(true);

  const reference = fixture.config.trajectory!.radam;
  let curve = 0;
  let torch = 0;
  for (let i = 0; i < TRAINER_STEPS; i++) {
    curve = Math.max(curve, Math.abs(gpu.losses[i]! - wasm.losses[i]!) / wasm.losses[i]!);
    torch = Math.max(torch, Math.abs(gpu.losses[i]! - reference.losses[i]!) / reference.losses[i]!);
    expect(Math.abs(wasm.losses[i]! - reference.losses[i]!) / reference.losses[i]!).toBeLessThan(
      TRAJECTORY_TOLERANCE.loss,
    );
  }
  expect(curve).toBeLessThan(TRAJECTORY_TOLERANCE.loss);
  expect(torch).toBeLessThan(TRAJECTORY_TOLERANCE.loss);
  // The losses moved (a trainer that never updated would pass the comparisons above only by accident).
  expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]!);

  let weights = 0;
  for (const name of trainables)
    weights = Math.max(weights, relativeMaxError(gpu.weights[name]!, wasm.weights[name]!));
  expect(weights).toBeLessThan(TRAJECTORY_TOLERANCE.weights);
  test.info().annotations.push({
    type: 'measured',
    description:
      `WebGPU vs WASM losses ${curve.toExponential(2)}, adapters ${weights.toExponential(2)}; ` +
      `WebGPU vs PyTorch losses ${torch.toExponential(2)}; ${gpu.seconds.toFixed(1)} s WebGPU, ${wasm.seconds.toFixed(1)} s WASM`,
  });
});
