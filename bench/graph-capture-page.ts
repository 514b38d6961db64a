/**
 * Benchmark page (driven by `npm run bench -- graph-capture`): can ONNX Runtime Web's graph capture
 * (`enableGraphCapture`, issue 16) replay one of our training graphs? The full-decoder training graph of the
 * committed PyTorch fixture gpt2-a runs once plainly (the reference outputs), then in a capturing session with every
 * input and output bound to a GPU buffer of its own, as capture requires: the first run records the step, the
 * later runs replay it. Reports each run's time, the loss, and the largest difference of every output from the
 * reference, or the error a run threw. Measures; judges nothing.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { buildTrainingArtifacts } from '../src/lib/train/graph/artifacts';
import type { OrtModule, OrtTensor } from '../src/lib/train/graph/runtime';
import { trainablePreset } from '../src/lib/train/graph/selection';
import { trainingFeeds } from '../src/lib/train/graph/trainer-tensors';
import { fixtureBatch, shapesOf } from '../test/lib/train/graph/helpers/batch';
import { GradFixtureData, type FixtureManifest } from '../test/lib/train/graph/helpers/grad-fixture-data';
import { runBench, status } from './lib/bench-page';

/** GPUBufferUsage and GPUMapMode flags (lib.dom has no WebGPU types). */
const STORAGE = 0x80;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;

const fixtureFile = async (file: string): Promise<ArrayBuffer> => {
  const response = await fetch(`/test/fixtures/grad/${file}`);
  if (!response.ok) throw new Error(`fixture file ${file}: HTTP ${response.status}`);
  return response.arrayBuffer();
};

const padded = (bytes: number): number => Math.max(16, Math.ceil(bytes / 16) * 16);

runBench(async () => {
  ort.env.wasm.wasmPaths = '/ort/';
  const runs = Number(new URLSearchParams(location.search).get('runs') ?? 4);
  const manifest = JSON.parse(
    new TextDecoder().decode(await fixtureFile('manifest.json')),
  ) as FixtureManifest;
  const fixture = new GradFixtureData(
    'gpt2-a',
    manifest,
    new Uint8Array(await fixtureFile('gpt2-a.onnx')),
    await fixtureFile('gpt2-a.bin'),
  );
  const artifacts = buildTrainingArtifacts(
    fixture.modelBytes,
    trainablePreset('full-decoder'),
    shapesOf(fixture),
  );
  const runtime = {
    ort: ort as unknown as OrtModule,
    executionProviders: ['webgpu'],
    placement: 'cpu' as const,
  };
  const params = new Map<string, OrtTensor>(
    artifacts.trainables.map((t) => [
      t.name,
      new ort.Tensor('float32', Float32Array.from(artifacts.initial.get(t.name)!), t.dims) as OrtTensor,
    ]),
  );
  const feeds = trainingFeeds(artifacts, runtime, fixtureBatch(fixture), params) as Record<
    string,
    ort.Tensor
  >;

  status('reference run');
  // Kept open to the end: releasing ORT's last session destroys its device, and the buffers below live on it.
  const plain = await ort.InferenceSession.create(artifacts.training, { executionProviders: ['webgpu'] });
  const reference = await plain.run(feeds);
  for (const t of Object.values(reference)) await t.getData();

  const device = (await ort.env.webgpu.device) as unknown as {
    createBuffer(d: { size: number; usage: number }): {
      destroy(): void;
      mapAsync(m: number): Promise<void>;
      getMappedRange(): ArrayBuffer;
    };
    queue: {
      writeBuffer(b: unknown, o: number, d: ArrayBufferLike, off: number, size: number): void;
      submit(c: unknown[]): void;
    };
    createCommandEncoder(): {
      copyBufferToBuffer(a: unknown, ao: number, b: unknown, bo: number, s: number): void;
      finish(): unknown;
    };
  };
  type Buffer = ReturnType<typeof device.createBuffer>;
  const read = async (buffer: Buffer, bytes: number): Promise<Float32Array> => {
    const staging = device.createBuffer({ size: padded(bytes), usage: MAP_READ | COPY_DST });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, padded(bytes));
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    const values = new Float32Array(staging.getMappedRange().slice(0, bytes));
    staging.destroy();
    return values;
  };
  // Outputs are read from their buffers directly: a tensor's getData() would turn it into a CPU tensor, which a
  // capturing session refuses as a fetch on the next run.
  const buffers = new Map<string, { buffer: Buffer; bytes: number }>();
  const onGpu = (name: string, t: ort.Tensor, upload: boolean): ort.Tensor => {
    const data = t.data as ArrayBufferView;
    const buffer = device.createBuffer({
      size: padded(data.byteLength),
      usage: STORAGE | COPY_SRC | COPY_DST,
    });
    if (upload) device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    buffers.set(name, { buffer, bytes: data.byteLength });
    return ort.Tensor.fromGpuBuffer(buffer as never, { dataType: t.type as 'float32', dims: t.dims });
  };
  const gpuFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, onGpu(`in:${k}`, v, true)]));
  const fetches = Object.fromEntries(Object.entries(reference).map(([k, v]) => [k, onGpu(k, v, false)]));
  const output = (name: string): Promise<Float32Array> =>
    read(buffers.get(name)!.buffer, buffers.get(name)!.bytes);

  const report: Record<string, unknown> = {
    ortVersion: ort.env.versions.web,
    graph: 'gpt2-a full-decoder training graph',
    outputs: Object.keys(reference).length,
    referenceLoss: (reference['loss']!.data as Float32Array)[0],
  };
  const captured = await ort.InferenceSession.create(artifacts.training, {
    executionProviders: ['webgpu'],
    enableGraphCapture: true,
  });
  const completed: { run: number; ms: number; loss: number; maxDifference: number }[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      status(`captured run ${run + 1} of ${runs}`);
      const start = performance.now();
      await captured.run(gpuFeeds, fetches);
      const loss = (await output('loss'))[0]!;
      const ms = performance.now() - start;
      let maxDifference = 0;
      for (const [name, ref] of Object.entries(reference)) {
        const got = await output(name);
        const want = ref.data as Float32Array;
        for (let i = 0; i < want.length; i++)
          maxDifference = Math.max(maxDifference, Math.abs(got[i]! - want[i]!));
      }
      completed.push({ run: run + 1, ms, loss, maxDifference });
    }
  } catch (error) {
    report.error = { afterRuns: completed.length, message: String(error) };
  }
  report.runs = completed;
  report.replayWorks = report.error === undefined && completed.length === runs;
  await captured.release();
  await plain.release();
  return report;
});
