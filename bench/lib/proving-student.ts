/**
 * The proving-ground bench's student side (bench/proving-ground-node.ts): the student worker's two halves on
 * onnxruntime-node's CPU EP, the held-out test splits, and their figures per round (CHAIR, recall, counts,
 * fluency, the bias pair's rates) with the student's current weights.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import type { BiasRates, ImageCaption, SplitScores } from '../../src/lib/score/student-scores';
import { biasRates, scoreSplit } from '../../src/lib/score/student-scores';
import { sceneGrammar } from '../../src/lib/score/scene-fluency';
import { StudentService } from '../../src/lib/caption/student-service';
import type { CaptionRequest } from '../../src/lib/caption/types';
import type { ModelSource } from '../../src/lib/core/model-sources';
import { TuningService } from '../../src/lib/train/service';
import type { SplitFolder } from '../student-node';
import {
  BENCH_GENERATION,
  biasPairs,
  nodePlatform,
  pixels,
  splitFolders,
  splitImages,
} from '../student-node';

export const TEST_SPLITS = ['simple', 'complex', 'bias', 'control'] as const;

type SplitFigures = SplitScores & { readonly fluency: number };

/** The test splits' figures after a round (round 0: the untrained student). */
export interface TestFigures {
  readonly round: number;
  readonly splits: Record<string, SplitFigures>;
  readonly bias: readonly BiasRates[];
}

interface SplitData {
  readonly folder: SplitFolder;
  readonly requests: CaptionRequest[];
  readonly fluent: (caption: string) => boolean;
}

async function requestsOf(folder: SplitFolder, limit: number): Promise<CaptionRequest[]> {
  const images = splitImages(folder).slice(0, limit > 0 ? limit : undefined);
  return Promise.all(images.map(async (im) => ({ id: String(im.imageId), image: await pixels(im.path) })));
}

/** Scene id → its categories (names), and → its reference captions. */
export function truthOf(folder: SplitFolder): {
  categories: (id: string) => ReadonlySet<string>;
  captions: (id: string) => readonly string[];
} {
  const names = new Map(folder.instances.categories.map((c) => [c.id, c.name]));
  const byImage = new Map<string, Set<string>>();
  for (const a of folder.instances.annotations) {
    const key = String(a.image_id);
    const set = byImage.get(key) ?? new Set<string>();
    set.add(names.get(a.category_id)!);
    byImage.set(key, set);
  }
  const json = JSON.parse(readFileSync(join(folder.dir, 'captions.json'), 'utf8')) as {
    annotations: { image_id: number; caption: string }[];
  };
  const refs = new Map<string, string[]>();
  for (const a of json.annotations) {
    const key = String(a.image_id);
    refs.set(key, [...(refs.get(key) ?? []), a.caption]);
  }
  return {
    categories: (id) => byImage.get(id) ?? new Set(),
    captions: (id) => refs.get(id) ?? [],
  };
}

/** The student worker's two halves on onnxruntime-node's CPU EP, and the studio's greedy captioning. */
export async function nodeStudent(model: string) {
  const platform = await nodePlatform(model, 'cpu');
  const student = new StudentService(platform);
  const tuning = new TuningService({
    openModel: platform.openModel,
    createSession: platform.createSession,
    tensors: platform.tensors,
    trainingRuntime: () => ({ ort, executionProviders: ['cpu'], placement: 'cpu' }),
    useDecoder: (load, decoder) => student.useDecoder(load, decoder),
  });
  const source: ModelSource = { kind: 'id', modelId: model };
  const info = await student.load({ source, device: 'wasm', dtype: 'fp32' });
  const caption = async (requests: readonly CaptionRequest[]): Promise<ImageCaption[]> => {
    const result = await student.caption([...requests], BENCH_GENERATION);
    return result.items.map((item) => {
      if (item.status !== 'done') throw new Error(`captioning image ${item.id} failed (${item.status})`);
      return { imageId: Number(item.id), caption: item.caption };
    });
  };
  return { student, tuning, source, modelId: info.modelId, caption };
}
export type NodeStudent = Awaited<ReturnType<typeof nodeStudent>>;

/** The test splits present under `data` (the first `limit` scenes of each) and the bias pairs of scenes.json. */
export async function testSplits(data: string, limit: number) {
  const tests: Record<string, SplitData> = {};
  for (const folder of splitFolders(data).filter((f) =>
    (TEST_SPLITS as readonly string[]).includes(f.name),
  )) {
    tests[folder.name] = {
      folder,
      requests: await requestsOf(folder, limit),
      fluent: sceneGrammar(folder.instances.categories.map((c) => c.name)),
    };
  }
  const pairs = biasPairs(
    data,
    Object.values(tests).flatMap((t) => t.folder.instances.categories),
  );
  return { tests, pairs };
}
export type TestSplits = Awaited<ReturnType<typeof testSplits>>;

/** Captions every test split with the student's current weights and scores it. */
export async function evaluate(
  s: NodeStudent,
  { tests, pairs }: TestSplits,
  round: number,
): Promise<TestFigures> {
  const splits: Record<string, SplitFigures> = {};
  const captioned = new Map<string, { instances: unknown; captions: ImageCaption[] }>();
  for (const [name, t] of Object.entries(tests)) {
    const captions = await s.caption(t.requests);
    captioned.set(name, { instances: t.folder.instances, captions });
    splits[name] = {
      ...scoreSplit(t.folder.instances, captions, CHAIR_SYNONYMS),
      fluency: captions.filter((c) => t.fluent(c.caption)).length / Math.max(1, captions.length),
    };
  }
  const b = captioned.get('bias');
  const c = captioned.get('control');
  const bias = b && c ? pairs.map((p) => biasRates(p, b, c, CHAIR_SYNONYMS)) : [];
  return { round, splits, bias };
}
