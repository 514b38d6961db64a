/**
 * Every gradient rule against central finite differences, data-driven by cases/*.jsonc (one file per op family):
 * the gradient graph runs in onnxruntime-node on the CPU EP (in process) and on the WebGPU EP (SwiftShader, in a
 * child process that also logs node placements); the reference is a float64 interpreter.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../../../src/lib/onnx/autodiff';
import type { GradientGraph } from '../../../../src/lib/onnx/autodiff';
import { buildCase, compare, finiteDifferences } from '../../../support/gradient-check';
import type { BuiltCase, CaseFile, GradientCase, Tolerance } from '../../../support/gradient-check';
import { readJsonc } from '../../../support/jsonc';
import { runOnWebGpu } from '../../../support/ort-webgpu';
import type { WebGpuResult } from '../../../support/ort-webgpu';

/**
 * Named tolerances per backend, |ort − fd| ≤ atol + rtol·|fd|. The finite differences are float64 (error
 * ~1e-9); what remains is float32 rounding in ORT: each op is correct to ~1e-7 relative, and gradients here are
 * sums of O(10–100) products of O(1) values, so a few 1e-6 absolute is the expected noise.
 */
const TOLERANCE: Readonly<Record<'cpu' | 'webgpu', Tolerance>> = {
  // MLAS float32 kernels: IEEE ops, fused multiply-adds in MatMul. Measured max |Δ| 1.4e-6.
  cpu: { atol: 1e-5, rtol: 5e-5 },
  // WGSL only bounds exp/log/tanh/pow to a few ulps (looser than IEEE) and GPUs use that freedom; SwiftShader
  // measured max |Δ| 7e-7 here, the factor 2 over the CPU bound is for real adapters.
  webgpu: { atol: 2e-5, rtol: 1e-4 },
};

interface Prepared {
  readonly id: string;
  readonly built: BuiltCase;
  readonly graph: GradientGraph;
  readonly fd: Map<string, Float64Array>;
}

const CASES_DIR = join(import.meta.dirname, 'cases');
const files = readdirSync(CASES_DIR)
  .filter((f) => f.endsWith('.jsonc'))
  .sort();

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const prepared: Prepared[] = files.flatMap((file) => {
  const spec = readJsonc<CaseFile>(join(CASES_DIR, file));
  return spec.cases.map((c: GradientCase) => {
    const id = `${file.replace('.jsonc', '')}: ${c.name}`;
    const built = buildCase(c, spec.opset ?? 18, seedOf(id));
    const graph = buildGradientGraph(built.model, { loss: 'loss', trainable: [...built.values.keys()] });
    return { id, built, graph, fd: finiteDifferences(built) };
  });
});

const maxErrors = { cpu: 0, webgpu: 0 };
afterAll(() => {
  console.info(
    `gradient rules: ${prepared.length} cases; max |ort − fd|: CPU ${maxErrors.cpu.toExponential(2)}, ` +
      `WebGPU ${maxErrors.webgpu.toExponential(2)}`,
  );
});

function feedsOf(
  p: Prepared,
): Record<string, { type: 'float32'; data: Float32Array; dims: readonly number[] }> {
  return Object.fromEntries(
    [...p.built.values].map(([k, v]) => [k, { type: 'float32' as const, data: v.data, dims: v.dims }]),
  );
}

function check(
  p: Prepared,
  outputs: Readonly<Record<string, { data: ArrayLike<unknown> }>>,
  backend: 'cpu' | 'webgpu',
): void {
  for (const [name, expected] of p.fd) {
    const out = outputs[p.graph.gradients.get(name)!];
    expect(out, `gradient output for ${name}`).toBeDefined();
    const actual = Array.from(out!.data as ArrayLike<number>);
    const { ratio, maxAbs } = compare(actual, expected, TOLERANCE[backend]);
    maxErrors[backend] = Math.max(maxErrors[backend], maxAbs);
    expect(ratio, `${name}: max |Δ| ${maxAbs.toExponential(2)} (ratio to tolerance)`).toBeLessThanOrEqual(1);
  }
}

describe('gradient rules on the CPU EP', () => {
  it.each(prepared.map((p) => [p.id, p] as const))('%s', async (_id, p) => {
    const session = await ort.InferenceSession.create(p.graph.model.encode());
    const feeds = Object.fromEntries(
      Object.entries(feedsOf(p)).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]),
    );
    const outputs = await session.run(feeds);
    await session.release();
    // Only standard ops in what we emit, but for the one contrib op a pass makes (graph/fuse-gelu.ts).
    for (const n of p.graph.model.graph.nodes)
      if (n.opType !== 'FastGelu') expect(n.domain ?? '', `${n.opType} domain`).toMatch(/^(ai\.onnx)?$/);
      else expect(n.domain).toBe('com.microsoft');
    check(p, outputs, 'cpu');
  });
});

describe('gradient rules on the WebGPU EP (SwiftShader)', () => {
  let results: WebGpuResult[] = [];
  beforeAll(() => {
    results = runOnWebGpu(
      prepared.map((p) => ({ model: p.graph.model.encode(), feeds: feedsOf(p), verbose: true })),
    );
  }, 300_000);

  it.each(prepared.map((p, i) => [p.id, p, i] as const))('%s', (_id, p, i) => {
    const r = results[i]!;
    // The session really ran on WebGPU (no silent fallback), every node of the gradient graph placed there.
    expect([...r.placements.keys()]).toEqual(['WebGpuExecutionProvider']);
    check(p, r.outputs, 'webgpu');
  });
});
