// Runs ONNX sessions on onnxruntime-node's WebGPU EP in a process of its own, started by ort-webgpu.ts with
// the Vulkan environment (SwiftShader ICD, loader path) that must exist before the process starts.
// argv[2]: a directory with jobs.json ([{ model, feeds: [{ name, type, dims, file }] }]); writes results.json
// and one .bin per output there. Verbose ORT logging (node placements) goes to stderr.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import ort from 'onnxruntime-node';

const ARRAYS = {
  float32: Float32Array,
  int64: BigInt64Array,
  int32: Int32Array,
  bool: Uint8Array,
  float16: Uint16Array,
};

const dir = process.argv[2];
const jobs = JSON.parse(readFileSync(join(dir, 'jobs.json'), 'utf8'));
const results = [];
for (const [j, job] of jobs.entries()) {
  process.stderr.write(`@@JOB ${j}\n`);
  const session = await ort.InferenceSession.create(join(dir, job.model), {
    executionProviders: ['webgpu'],
    logSeverityLevel: job.verbose ? 0 : 3,
    logVerbosityLevel: 0,
  });
  const feeds = {};
  for (const f of job.feeds) {
    const bytes = readFileSync(join(dir, f.file));
    const Ctor = ARRAYS[f.type];
    const data = new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
    feeds[f.name] = new ort.Tensor(f.type, data, f.dims);
  }
  const out = await session.run(feeds);
  const outputs = [];
  for (const [name, t] of Object.entries(out)) {
    const file = `out-${j}-${outputs.length}.bin`;
    const d = t.data;
    writeFileSync(join(dir, file), new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    outputs.push({ name, type: t.type, dims: t.dims, file });
  }
  await session.release();
  results.push({ outputs });
}
writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
