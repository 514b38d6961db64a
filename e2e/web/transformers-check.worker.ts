/**
 * The worker of e2e/web/transformers-check.ts: transformers.js's own image-to-text pipeline over the exported model
 * folder served under /exported/<id>/, in a worker as the studio's student runs (transformers.js resizes with a 2D
 * canvas there too).
 */
import * as Comlink from 'comlink';
import { env, pipeline, RawImage } from '@huggingface/transformers';
import { decodeImage, DEFAULT_STUDENT_SIDE } from '../../src/lib/ingest';
import { browserDecoder } from '../../workers/platform/browser-decoder';
import type { CheckRequest } from './transformers-check';

env.allowRemoteModels = false;
env.allowLocalModels = true; // false by default in browsers
// A path, not a full URL: for a URL, transformers.js 4.3.1's pipeline() skips its check that
// preprocessor_config.json exists and then builds the pipeline without an image processor.
env.localModelPath = '/exported/';
const wasm = env.backends.onnx.wasm;
if (wasm) {
  wasm.wasmPaths = {
    mjs: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${location.origin}/ort/ort-wasm-simd-threaded.asyncify.wasm`,
  };
}

/**
 * The photo's pixels exactly as the studio hands them to its student: decoded by the ingest worker's decoder to a
 * longest side of 224 (high-quality resize), then resized to the model's input by transformers.js's processor.
 * Given the file, transformers.js would resize it in one step instead; the tiny student, tuned a few steps, has
 * small logit margins that a different resize flips (coco_val2017_000000000724.jpg, 7th token: "an" in the studio
 * and in Node, where its logit leads "car" by 0.25; "car" after transformers.js's one-step canvas resize).
 */
async function decodePhoto(name: string): Promise<RawImage> {
  const response = await fetch(`${location.origin}/photos/${encodeURIComponent(name)}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const { pixels } = await decodeImage(bytes, name, browserDecoder(), { maxSide: DEFAULT_STUDENT_SIDE });
  return new RawImage(pixels.data, pixels.width, pixels.height, 4);
}

async function caption({ modelId, device, images, maxNewTokens }: CheckRequest): Promise<string[]> {
  const captioner = await pipeline('image-to-text', modelId, { device, dtype: 'fp32' });
  const out: string[] = [];
  for (const name of images) {
    const result = (await captioner(await decodePhoto(name), {
      max_new_tokens: maxNewTokens,
    })) as { generated_text: string }[];
    out.push(result[0]!.generated_text.trim());
  }
  await captioner.dispose();
  return out;
}

export type CheckWorkerApi = { caption: typeof caption };
Comlink.expose({ caption } satisfies CheckWorkerApi);
