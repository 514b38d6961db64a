// Runs FastestDet on onnxruntime-node's WebGPU EP over many inputs with ONE session (shader compilation on
// SwiftShader costs far more than a run). Started by fastestdet-webgpu.ts with the Vulkan environment.
// argv[2]: a directory with model.onnx and inputs.bin (N × [1, 3, 352, 352] float32); writes outputs.bin
// (N × [1, 85, 22, 22] float32) and placements.log (ORT's verbose log of the session's node placements).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import ort from 'onnxruntime-node';

const dir = process.argv[2];
const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
  executionProviders: ['webgpu'],
  logSeverityLevel: 0,
  logVerbosityLevel: 0,
});
const bytes = readFileSync(join(dir, 'inputs.bin'));
const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const per = 3 * 352 * 352;
const outputs = [];
for (let i = 0; i < all.length / per; i++) {
  const input = new ort.Tensor('float32', all.slice(i * per, (i + 1) * per), [1, 3, 352, 352]);
  const out = await session.run({ 'input.1': input });
  outputs.push(new Float32Array(out['758'].data));
}
await session.release();
const flat = new Float32Array(outputs.reduce((n, o) => n + o.length, 0));
let at = 0;
for (const o of outputs) {
  flat.set(o, at);
  at += o.length;
}
writeFileSync(join(dir, 'outputs.bin'), new Uint8Array(flat.buffer));
