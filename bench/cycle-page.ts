/**
 * Benchmark page (served by vite, driven by bench/cycle.mjs): one full round of the studio's loop, with the
 * studio's own workers, on N photos: captioning (student worker), evidence (teacher worker: FastestDet and
 * Florence-2), critique (the template engine's TextGrad loop, in the page), training (student worker, the
 * accepted refinements), re-captioning (the tuned weights loaded into the same worker). Each stage timed.
 */
import * as Comlink from 'comlink';
import { TemplateEngine } from '../src/lib/critic/engines/template';
import { CHAIR_SYNONYMS } from '../src/lib/vocabulary/chair-synonyms';
import { refineImage } from '../src/lib/critic/refine-image';
import type { CaptionRequest, PixelImage, StudentDevice } from '../src/lib/caption/types';
import type { TeacherWorkerApi } from '../src/lib/evidence/teacher/worker-api';
import {
  DEFAULT_TEACHER_SETTINGS,
  type EvidenceProgress,
  type TeacherSettings,
} from '../src/lib/evidence/teacher/types';
import { DEFAULT_TUNING_SETTINGS, type TuningSettings } from '../src/lib/train/settings';
import type { StudentWithTrainingApi, TrainingEvent } from '../src/lib/train/worker-api';
import { loadBenchPhotos, runBench, status } from './lib/bench-page';

const now = () => performance.now();
const seconds = (start: number) => (now() - start) / 1000;

const copy = (image: PixelImage): PixelImage => ({ ...image, data: image.data.slice() });

async function main() {
  const q = new URLSearchParams(location.search);
  const device: StudentDevice = q.get('device') === 'wasm' ? 'wasm' : 'webgpu';
  const student = q.get('student') ?? 'bench/vit-gpt2-real-size';
  const florence = q.get('florence') ?? 'bench/florence-2-real-size';
  const images = Number(q.get('images') ?? 10);
  const tokens = Number(q.get('tokens') ?? 20);
  const grids = (q.get('grids') ?? '1,2').split(',').map(Number);
  const teacherSettings: TeacherSettings = {
    ...DEFAULT_TEACHER_SETTINGS,
    crops: { ...DEFAULT_TEACHER_SETTINGS.crops, grids },
    denseRegionZooms: (q.get('dense') ?? '1').split(',').filter(Boolean).map(Number),
    maxNewTokens: Number(q.get('florenceTokens') ?? 32),
    numBeams: Number(q.get('beams') ?? 1),
  };
  const tuning: TuningSettings = {
    ...DEFAULT_TUNING_SETTINGS,
    epochs: Number(q.get('epochs') ?? 3),
    batchSize: Number(q.get('batch') ?? 4),
    maxTokens: tokens,
    checkpointEvery: 1000,
  };
  const timings: Record<string, unknown> = {};

  status('decoding images');
  // Names made unique: the list repeats when it is shorter than `images`.
  const photos = (await loadBenchPhotos(images)).map((photo, i) => ({
    name: `${i}-${photo.name}`,
    image: photo,
  }));
  const source = { kind: 'id', modelId: student, allowRemote: false } as const;

  const studentWorker = new Worker(new URL('../workers/student.worker.ts', import.meta.url), {
    type: 'module',
  });
  const studentApi = Comlink.wrap<StudentWithTrainingApi>(studentWorker);
  const teacherWorker = new Worker(new URL('../workers/teacher.worker.ts', import.meta.url), {
    type: 'module',
  });
  const teacherApi = Comlink.wrap<TeacherWorkerApi>(teacherWorker);
  try {
    status('loading the student');
    let t = now();
    await studentApi.load({ source, device, dtype: 'fp32' });
    timings['studentLoad'] = seconds(t);
    const captionSettings = {
      strategy: 'greedy' as const,
      numBeams: 1,
      maxNewTokens: tokens,
      minNewTokens: 0,
      batchSize: Number(q.get('captionBatch') ?? 10),
    };
    const requests = (): CaptionRequest[] => photos.map((p) => ({ id: p.name, image: copy(p.image) }));

    status('captioning');
    t = now();
    const first = await studentApi.caption(requests(), captionSettings);
    timings['captioning'] = seconds(t);
    const captions = first.items.map((i) => (i.status === 'done' ? i.caption : ''));

    status('loading the teacher');
    t = now();
    await teacherApi.load({
      florenceModelId: florence === 'none' ? null : florence,
      device,
      detector: { modelUrl: '/models/fastestdet/FastestDet.onnx', namesUrl: '/models/fastestdet/coco.names' },
    });
    timings['teacherLoad'] = seconds(t);

    status('evidence');
    t = now();
    const outcomes = await teacherApi.evidence(
      photos.map((p, i) => ({
        imageId: p.name,
        image: { ...copy(p.image), channels: 4 },
        caption: captions[i] ?? null,
      })),
      teacherSettings,
      Comlink.proxy((p: EvidenceProgress) => status(`evidence ${p.imageId} ${p.stage} ${p.done}/${p.total}`)),
    );
    timings['evidence'] = seconds(t);

    status('critique');
    const table = CHAIR_SYNONYMS;
    const cache = new Map<string, unknown>();
    const replyCache = {
      get: async <T>(key: string) => cache.get(key) as T | undefined,
      put: async (key: string, value: unknown) => void cache.set(key, value),
    };
    const engine = new TemplateEngine(table);
    t = now();
    const targets: { imageId: string; text: string; weight: number }[] = [];
    const scores: { original: number; best: number }[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      if (!outcome.ok) continue;
      const refined = await refineImage(
        { imageId: outcome.imageId, caption: captions[i]!, evidence: outcome.result.evidence },
        engine,
        { table, cache: replyCache },
      );
      const best = refined.refinement.versions[refined.refinement.best]!;
      scores.push({ original: refined.refinement.versions[0]!.score, best: best.score });
      targets.push({ imageId: outcome.imageId, text: best.caption, weight: 1 });
    }
    timings['critique'] = seconds(t);
    await teacherApi.unload();

    status('training');
    const phases: Record<string, number> = {};
    const stepTimes: number[] = [];
    const losses: number[] = [];
    let final: Uint8Array | null = null;
    t = now();
    const result = await studentApi.train(
      { runId: 'bench', source, device, samples: targets, settings: tuning },
      Comlink.proxy((event: TrainingEvent) => {
        if (event.kind === 'phase') {
          phases[event.phase] ??= seconds(t);
          status(`training: ${event.phase} ${event.done ?? ''}/${event.total ?? ''}`);
        }
        if (event.kind === 'step') {
          stepTimes.push(now());
          losses.push(event.loss);
          status(`training: step ${event.step} loss ${event.loss.toFixed(3)}`);
        }
        if (event.kind === 'checkpoint' && event.final) final = event.bytes;
      }),
      Comlink.proxy(async (ids: string[]) =>
        ids.map((id) => ({ id, image: copy(photos.find((p) => p.name === id)!.image) })),
      ),
    );
    const training = seconds(t);
    const firstStep = phases['training'] ?? 0;
    timings['training'] = {
      seconds: training,
      encodeSeconds: result.encodeMs / 1000,
      untilFirstStepSeconds: firstStep,
      steps: result.steps,
      secondsPerStep:
        stepTimes.length > 1 ? (stepTimes.at(-1)! - stepTimes[0]!) / 1000 / (stepTimes.length - 1) : null,
      losses,
    };

    status('re-captioning');
    t = now();
    await studentApi.useWeights(source, device, { bytes: final!, label: 'bench' });
    const reload = seconds(t);
    t = now();
    const second = await studentApi.caption(requests(), captionSettings);
    timings['recaptioning'] = {
      seconds: reload + seconds(t),
      reloadSeconds: reload,
      captionSeconds: seconds(t),
    };

    return {
      timings,
      settings: { device, student, florence, images, tokens, teacher: teacherSettings, tuning },
      accepted: targets.length,
      criticScores: scores,
      changedCaptions: second.items.filter(
        (item, i) => item.status === 'done' && item.caption !== captions[i],
      ).length,
    };
  } finally {
    studentWorker.terminate();
    teacherWorker.terminate();
  }
}

runBench(main);
