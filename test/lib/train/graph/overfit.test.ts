/**
 * Overfitting the tiny ViT-GPT2 student on 8 real photos and captions (encoder outputs computed once): the loss
 * falls by at least 90%, the studio's own captioner (StudentService, greedy) with the trained weights reproduces
 * every caption, and the exported model folder (plain and merged decoder rewritten) gives the same captions in
 * transformers.js, unlike the untrained student.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrainingArtifacts, type TrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import { makeBatch, type TrainingBatch } from '../../../../src/lib/train/graph/batches';
import { trainedWeights, writeWeightsToBytes } from '../../../../src/lib/train/graph/export';
import type { OptimizerConfig } from '../../../../src/lib/train/graph/optimizer-config';
import { Trainer } from '../../../../src/lib/train/graph/trainer';
import { PHOTOS_DIR } from '../../../support/fixtures';
import { runtimeFor, WEBGPU_CONFIGURED } from './helpers/backends';
import { StudentService } from '../../../../src/lib/caption/student-service';
import type { CaptionItemResult, GenerationSettings } from '../../../../src/lib/caption/types';
import { photoRequests } from '../../caption/helpers/photos';
import { nodeStudentPlatform } from '../helpers/node-tuning';
import {
  loadStudentData,
  PAIRS,
  STUDENT_CONFIG,
  STUDENT_DIR,
  STUDENT_ID,
  studentFile,
  type StudentData,
} from './helpers/student';

const STEPS = 60;
/** The studio's greedy captioning, the whole batch at once. */
const GREEDY: GenerationSettings = {
  strategy: 'greedy',
  numBeams: 3,
  maxNewTokens: 20,
  minNewTokens: 0,
  batchSize: 8,
};
const captionsOf = (items: readonly CaptionItemResult[]) =>
  items.map((i) => (i.status === 'done' ? i.caption : i.status));
const OPTIMIZER: OptimizerConfig = {
  algorithm: 'adamw',
  lr: 3e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  maxGradNorm: 1.0,
};

let data: StudentData;
let artifacts: TrainingArtifacts;
let batch: TrainingBatch;
let losses: number[];
/** Steps of the CPU vs WebGPU comparison (SwiftShader runs a step of this graph in about a second). */
const CURVE_STEPS = 8;
let trained: Map<string, Float32Array>;
let exportDir: string;

beforeAll(async () => {
  data = await loadStudentData();
  const shapes = {
    batch: 8,
    sequence: 14,
    encoderSequence: data.encoderSequence,
    encoderWidth: data.encoderWidth,
  };
  artifacts = buildTrainingArtifacts(studentFile('decoder_model.onnx'), { kind: 'full' }, shapes);
  const special = {
    start: STUDENT_CONFIG.decoder_start_token_id,
    end: STUDENT_CONFIG.eos_token_id,
    pad: STUDENT_CONFIG.pad_token_id,
  };
  batch = makeBatch(data.samples, shapes, special);
  const trainer = await Trainer.create({
    runtime: runtimeFor('cpu'),
    artifacts,
    modelId: 'tiny',
    optimizer: OPTIMIZER,
  });
  losses = [];
  for (let i = 0; i < STEPS; i++) losses.push((await trainer.trainStep(batch)).loss);
  trained = await trainer.weights();
  await trainer.release();
  exportDir = mkdtempSync(join(tmpdir(), 'capgrad-export-'));
}, 300_000);

afterAll(() => {
  if (exportDir) rmSync(exportDir, { recursive: true, force: true });
});

describe('overfitting the tiny student (CPU EP)', () => {
  it('lowers the loss by at least 90%', () => {
    expect(losses.at(-1)!).toBeLessThan(0.1 * losses[0]!);
  });

  it('captions every photo with its trained caption through the studio captioner', async () => {
    // The path the studio captions with after a round: the student worker's StudentService (batched greedy
    // decoding with the merged decoder and its KV cache), its decoder swapped for the trained one by useDecoder.
    const merged = writeWeightsToBytes(
      studentFile('decoder_model_merged.onnx'),
      trainedWeights(artifacts, studentFile('decoder_model.onnx'), trained),
    );
    const photos = await photoRequests(PAIRS.map((p) => join(PHOTOS_DIR, p.image)));
    const student = new StudentService(nodeStudentPlatform());
    const options = { source: { kind: 'id', modelId: STUDENT_ID }, device: 'wasm', dtype: 'fp32' } as const;
    await student.load(options);
    const untrained = captionsOf((await student.caption(photos, GREEDY)).items);
    await student.useDecoder(options, { bytes: merged, modelId: `${STUDENT_ID}+overfit` });
    const tuned = captionsOf((await student.caption(photos, GREEDY)).items);
    await student.unload();
    expect(tuned).toEqual(data.captions);
    expect(untrained.filter((c, i) => c === data.captions[i])).toEqual([]);
  });

  it('exports a model folder that transformers.js captions with the trained weights', async () => {
    const weights = trainedWeights(artifacts, studentFile('decoder_model.onnx'), trained);
    const folder = join(exportDir, STUDENT_ID);
    cpSync(STUDENT_DIR, folder, { recursive: true });
    for (const file of ['decoder_model.onnx', 'decoder_model_merged.onnx'])
      writeFileSync(join(folder, 'onnx', file), writeWeightsToBytes(studentFile(file), weights));

    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    const captionAll = async (root: string): Promise<string[]> => {
      env.localModelPath = root;
      const captioner = await pipeline('image-to-text', STUDENT_ID, { device: 'cpu', dtype: 'fp32' });
      const out: string[] = [];
      for (const pair of PAIRS) {
        const result = (await captioner(join(PHOTOS_DIR, pair.image))) as {
          generated_text: string;
        }[];
        out.push(result[0]!.generated_text.trim());
      }
      await captioner.dispose();
      return out;
    };
    const tuned = await captionAll(exportDir);
    expect(tuned).toEqual(data.captions);
    const untrained = await captionAll(join(STUDENT_DIR, '..', '..'));
    expect(untrained.filter((c, i) => c === data.captions[i])).toEqual([]);
  });
});

describe.runIf(WEBGPU_CONFIGURED)('the same training on WebGPU', () => {
  // Float32 on both, with other reduction orders on the GPU, so the curves may separate slowly as AdamW
  // amplifies rounding differences. Measured: at most 1.3e-7 relative over 8 steps. Tolerance 1e-4: a wrong
  // kernel changes the first loss or the descent by far more.
  it(`follows the CPU EP's loss curve for ${CURVE_STEPS} steps`, async () => {
    const trainer = await Trainer.create({
      runtime: runtimeFor('webgpu'),
      artifacts,
      modelId: 'tiny',
      optimizer: OPTIMIZER,
    });
    const gpuLosses: number[] = [];
    for (let i = 0; i < CURVE_STEPS; i++) gpuLosses.push((await trainer.trainStep(batch)).loss);
    await trainer.release();
    gpuLosses.forEach((loss, i) => expect(Math.abs(loss - losses[i]!) / losses[i]!).toBeLessThan(1e-4));
  }, 300_000);
});
