/**
 * FastestDet on onnxruntime-node's native WebGPU EP (SwiftShader's Vulkan here; docs/architecture.md decision
 * 10). Dawn reads its Vulkan environment when the process starts, so the runs happen in a child process with
 * one session for all inputs; its stderr (ORT's verbose log) shows where each node was placed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebGpuRunError, parsePlacements, runWebGpuChild } from '../../../support/ort-webgpu';
import { FASTESTDET_DIR } from './real-data';

const RUNNER = join(import.meta.dirname, 'fastestdet-webgpu-runner.mjs');

export interface WebGpuRuns {
  /** One [85, 22, 22] output per input. */
  readonly outputs: Float32Array[];
  readonly placements: ReadonlyMap<string, string[]>;
  /** ORT's warnings and errors from the child's log (why a node was not placed on WebGPU, when one was not). */
  readonly warnings: string[];
}

/** FastestDet's outputs for `inputs` on the WebGPU EP, with ORT's node placements and warnings. */
export function runFastestDetOnWebGpu(inputs: readonly Float32Array[]): WebGpuRuns {
  const dir = mkdtempSync(join(tmpdir(), 'capgrad-fastestdet-webgpu-'));
  try {
    writeFileSync(join(dir, 'model.onnx'), readFileSync(join(FASTESTDET_DIR, 'FastestDet.onnx')));
    const flat = new Float32Array(inputs.reduce((n, i) => n + i.length, 0));
    inputs.reduce((at, i) => (flat.set(i, at), at + i.length), 0);
    writeFileSync(join(dir, 'inputs.bin'), new Uint8Array(flat.buffer));
    const child = runWebGpuChild(RUNNER, dir);
    if (child.status !== 0)
      throw new WebGpuRunError(`WebGPU runner exited ${child.status}: ${child.stderr.slice(-2000)}`);
    const bytes = readFileSync(join(dir, 'outputs.bin'));
    const all = new Float32Array(new Uint8Array(bytes).buffer);
    const per = 85 * 22 * 22;
    return {
      outputs: inputs.map((_, i) => all.slice(i * per, (i + 1) * per)),
      placements: parsePlacements(child.stderr),
      warnings: child.stderr.split('\n').filter((line) => /\[[WE]:onnxruntime/.test(line)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
