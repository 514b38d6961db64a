/**
 * Shared set-up for the tests of the generated models under public/models/tiny-random (tools/make_tiny_models.py):
 * transformers.js pointed at public/models/ with the hub switched off, plus small helpers.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { Rng } from '../support/rng';

export const MODELS_DIR = resolve(import.meta.dirname, '..', '..', 'public', 'models');

/** transformers.js reads `<localModelPath><id>/...` and never the hub (which CI cannot reach). */
export function useLocalModels(): void {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = `${MODELS_DIR}/`;
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function openSession(path: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
}

/** Seeded PRNG (mulberry32) for reproducible inputs. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

export function randomFloats(rand: () => number, dims: readonly number[]): ort.Tensor {
  const size = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: size }, () => rand() * 2 - 1),
    dims,
  );
}

export function int64(values: readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
}

export function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  if (x.length !== y.length) return Infinity;
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  return max;
}

/** Argmax over the last axis at the last position of logits [1, seq, vocab]. */
export function lastArgmax(logits: ort.Tensor): number {
  const vocab = logits.dims.at(-1)!;
  const data = logits.data as Float32Array;
  const offset = data.length - vocab;
  let best = 0;
  for (let i = 1; i < vocab; i++) if (data[offset + i]! > data[offset + best]!) best = i;
  return best;
}

/** Element [.., pos, :] of a [1, seq, vocab] tensor as a [1, 1, vocab] tensor. */
export function positionSlice(logits: ort.Tensor, pos: number): ort.Tensor {
  const vocab = logits.dims.at(-1)!;
  const data = (logits.data as Float32Array).slice(pos * vocab, (pos + 1) * vocab);
  return new ort.Tensor('float32', data, [1, 1, vocab]);
}
