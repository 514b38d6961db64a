/**
 * Runs models on onnxruntime-node's native WebGPU EP (SwiftShader's Vulkan in CI, see docs/architecture.md
 * decision 10). Dawn finds Vulkan only through environment set before the process starts (VK_ICD_FILENAMES,
 * and the loader shipped with Debian's chromium on LD_LIBRARY_PATH), so sessions run in a child process
 * started here with that environment: `npx vitest run` needs nothing exported. The child also captures ORT's
 * verbose log, from which `placements` reads which EP each node was assigned to.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_LIB_DIR = '/usr/lib/chromium';
const RUNNER = join(import.meta.dirname, 'ort-webgpu-runner.mjs');

export type FeedType = 'float32' | 'int64' | 'int32' | 'bool';
export interface Feed {
  readonly type: FeedType;
  readonly data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  readonly dims: readonly number[];
}

export interface WebGpuJob {
  readonly model: Uint8Array;
  readonly feeds: Readonly<Record<string, Feed>>;
  /** Log node placements (ORT verbose log) for this job. */
  readonly verbose?: boolean;
}

export interface OutputTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

export interface WebGpuResult {
  readonly outputs: Readonly<Record<string, OutputTensor>>;
  /** EP name → node descriptions ("OpType (node name)") ORT listed as placed there; empty unless verbose. */
  readonly placements: ReadonlyMap<string, string[]>;
}

/** The WebGPU child process failed (no adapter, a kernel error…): its stderr tail is in the message. */
export class WebGpuRunError extends Error {
  override readonly name = 'WebGpuRunError';
}

/** Parses ORT's "Node placements" block (session_state.cc VerifyEachNodeIsAssignedToAnEp). */
export function parsePlacements(log: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of log.split('\n')) {
    const m = /(?:All nodes|Node\(s\)) placed on \[(\w+)\]/.exec(line);
    if (m) {
      current = result.get(m[1]!) ?? [];
      result.set(m[1]!, current);
      continue;
    }
    const entry = /VerifyEachNodeIsAssignedToAnEp\] {2,}(\S.*)$/.exec(line);
    if (entry && current) current.push(entry[1]!.trim());
    else if (!/VerifyEachNodeIsAssignedToAnEp/.test(line)) current = undefined;
  }
  return result;
}

/** This process's environment plus what Dawn needs to find SwiftShader's Vulkan (read when a process starts). */
export function webGpuChildEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD,
    LD_LIBRARY_PATH: [CHROMIUM_LIB_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
}

/**
 * Runs a WebGPU child script on `dir` with its stderr (ORT's verbose log) going to a file in `dir`, read back
 * whole. Through a pipe, the log came back cut short now and then (at about 77 kB of 226 kB, the child
 * exiting 0): the native logger writes to the pipe without waiting, and once the pipe is full and the parent
 * has not read it yet, the write fails and the logger drops everything after it. A file never refuses a write.
 */
export function runWebGpuChild(runner: string, dir: string): { status: number | null; stderr: string } {
  const logPath = join(dir, 'child-stderr.log');
  const log = openSync(logPath, 'w');
  try {
    const child = spawnSync(process.execPath, [runner, dir], {
      env: webGpuChildEnv(),
      stdio: ['ignore', 'ignore', log],
    });
    return { status: child.status, stderr: readFileSync(logPath, 'utf8') };
  } finally {
    closeSync(log);
  }
}

const CTORS = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array, bool: Uint8Array } as const;

export function runOnWebGpu(jobs: readonly WebGpuJob[]): WebGpuResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'capgrad-webgpu-'));
  try {
    const manifest = jobs.map((job, j) => {
      writeFileSync(join(dir, `model-${j}.onnx`), job.model);
      const feeds = Object.entries(job.feeds).map(([name, f], k) => {
        const file = `feed-${j}-${k}.bin`;
        writeFileSync(join(dir, file), new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength));
        return { name, type: f.type, dims: f.dims, file };
      });
      return { model: `model-${j}.onnx`, feeds, verbose: !!job.verbose };
    });
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(manifest));
    const child = runWebGpuChild(RUNNER, dir);
    if (child.status !== 0)
      throw new WebGpuRunError(`WebGPU runner exited ${child.status}: ${child.stderr.slice(-2000)}`);
    const perJob = child.stderr.split(/^@@JOB \d+$/m).slice(1);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
      outputs: { name: string; type: keyof typeof CTORS; dims: number[]; file: string }[];
    }[];
    return results.map((r, j) => {
      const outputs: Record<string, OutputTensor> = {};
      for (const o of r.outputs) {
        const bytes = readFileSync(join(dir, o.file));
        const copy = new Uint8Array(bytes).buffer;
        const Ctor = CTORS[o.type];
        outputs[o.name] = { type: o.type, dims: o.dims, data: new Ctor(copy) };
      }
      return { outputs, placements: parsePlacements(perJob[j] ?? '') };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
