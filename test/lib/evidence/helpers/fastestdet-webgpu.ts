/**
 * FastestDet on onnxruntime-node's native WebGPU EP (SwiftShader's Vulkan here; DESIGN decision 10). Dawn
 * reads its Vulkan environment when the process starts, so the runs happen in a child process with one
 * session for all inputs; its stderr (ORT's verbose log) shows where each node was placed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SWIFTSHADER_ICD, WebGpuRunError, parsePlacements } from '../../../support/ort-webgpu';
import { FASTESTDET_DIR } from './real-data';

const RUNNER = join(import.meta.dirname, 'fastestdet-webgpu-runner.mjs');

export interface WebGpuRuns {
  /** One [85, 22, 22] output per input. */
  readonly outputs: Float32Array[];
  readonly placements: ReadonlyMap<string, string[]>;
}

export function runFastestDetOnWebGpu(inputs: readonly Float32Array[]): WebGpuRuns {
  const dir = mkdtempSync(join(tmpdir(), 'capgrad-fastestdet-webgpu-'));
  try {
    writeFileSync(join(dir, 'model.onnx'), readFileSync(join(FASTESTDET_DIR, 'FastestDet.onnx')));
    const flat = new Float32Array(inputs.reduce((n, i) => n + i.length, 0));
    inputs.reduce((at, i) => (flat.set(i, at), at + i.length), 0);
    writeFileSync(join(dir, 'inputs.bin'), new Uint8Array(flat.buffer));
    const env = {
      ...process.env,
      VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD,
      LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    };
    const child = spawnSync(process.execPath, [RUNNER, dir], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (child.status !== 0)
      throw new WebGpuRunError(`WebGPU runner exited ${child.status}: ${child.stderr.slice(-2000)}`);
    const bytes = readFileSync(join(dir, 'outputs.bin'));
    const all = new Float32Array(new Uint8Array(bytes).buffer);
    const per = 85 * 22 * 22;
    return {
      outputs: inputs.map((_, i) => all.slice(i * per, (i + 1) * per)),
      placements: parsePlacements(child.stderr),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
