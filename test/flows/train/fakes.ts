/**
 * Fakes for the training controller: a worker that trains by script (steps, checkpoints every N, a final one,
 * and can be told to hang to play a reload), checkpoint bytes in a Map, captioning that writes "tuned" captions.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { CriticItem } from '../../../src/lib/critic/records';
import type { StudentModelInfo } from '../../../src/lib/caption/types';
import { RunStoppedError } from '../../../src/lib/train/rounds/errors';
import type { TrainRequest, TrainResult, TrainingEvent } from '../../../src/lib/train/worker-api';
import type { ImageCard } from '../../../src/state/slices/ingest';
import type { StudioState } from '../../../src/state/studio-state';
import type {
  CaptioningPort,
  CheckpointBytes,
  ImagePixels,
  TrainingPort,
} from '../../../src/flows/train/ports';

export type TrainCall = Omit<TrainRequest, 'source' | 'device'>;

/** Bytes that say which run and step they hold (the controller never looks inside). */
export const fakeCheckpoint = (runId: string, step: number) => new TextEncoder().encode(`${runId}@${step}`);
export const describeCheckpoint = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export class FakeTrainingWorker implements TrainingPort {
  readonly calls: TrainCall[] = [];
  readonly weights: (string | null)[] = [];
  /** Steps of a run; checkpoint every `every`; hang after step `hangAfter` (a reload), if set. */
  steps = 6;
  every = 2;
  hangAfter: number | null = null;
  /** Awaited right after each checkpoint event was answered: what a reload at that moment would find. */
  afterCheckpoint: ((step: number) => Promise<void>) | null = null;
  stopped = false;
  #wake: (() => void) | null = null;

  async train(
    request: TrainCall,
    onEvent: (event: TrainingEvent) => void | Promise<void>,
    images: ImagePixels,
  ): Promise<TrainResult> {
    this.calls.push(request);
    this.stopped = false;
    await images(request.samples.map((s) => s.imageId));
    const from = request.start?.continues ? Number(describeCheckpoint(request.start.bytes).split('@')[1]) : 0;
    for (let step = from + 1; step <= this.steps; step++) {
      if (this.stopped) throw new RunStoppedError();
      await onEvent({ kind: 'step', step, runStep: step, epoch: 0, loss: 10 - step, lr: 1e-3, gradNorm: 1 });
      if (step % this.every === 0)
        await onEvent({
          kind: 'checkpoint',
          bytes: fakeCheckpoint(request.runId, step),
          step,
          epoch: 0,
          loss: 10 - step,
          final: false,
        });
      if (step % this.every === 0) await this.afterCheckpoint?.(step);
      if (this.hangAfter === step) await new Promise<void>((resolve) => (this.#wake = resolve));
      if (this.stopped) throw new RunStoppedError();
    }
    await onEvent({
      kind: 'checkpoint',
      bytes: fakeCheckpoint(request.runId, this.steps),
      step: this.steps,
      epoch: 0,
      loss: 10 - this.steps,
      final: true,
    });
    return {
      steps: this.steps - from,
      lastLoss: 10 - this.steps,
      batchSize: 4,
      accumulation: 1,
      elapsedMs: 1,
      encodeMs: 0,
      captions: { count: request.samples.length, longest: 0, sequence: 8, cut: 0 },
    };
  }

  async pause() {}
  async resume() {}
  async stop() {
    this.stopped = true;
    this.#wake?.();
  }

  async useWeights(checkpoint: { bytes: Uint8Array; label: string } | null): Promise<StudentModelInfo> {
    this.weights.push(checkpoint ? describeCheckpoint(checkpoint.bytes) : null);
    return {
      device: 'wasm',
      reason: 'test',
      modelId: checkpoint ? `tiny+tuned@${checkpoint.label}` : 'tiny',
      origin: 'folder',
      dtype: 'fp32',
      imageSize: { width: 224, height: 224 },
    };
  }

  async tunedFolder(checkpoint: Uint8Array) {
    const text = (s: string) => new TextEncoder().encode(s);
    return {
      source: {
        'config.json': text('{}'),
        'tokenizer.json': text('{}'),
        'tokenizer_config.json': text('{}'),
        'preprocessor_config.json': text('{}'),
        'onnx/encoder_model.onnx': text('encoder'),
        'onnx/decoder_model.onnx': text('decoder'),
        'onnx/decoder_model_merged.onnx': text('merged'),
      },
      tuned: {
        'onnx/decoder_model.onnx': text(`decoder ${describeCheckpoint(checkpoint)}`),
        'onnx/decoder_model_merged.onnx': text(`merged ${describeCheckpoint(checkpoint)}`),
      },
    };
  }
}

export class MemoryCheckpoints implements CheckpointBytes {
  readonly data = new Map<string, Uint8Array>();
  #now = 1000;
  async put(id: string, _label: string, bytes: Uint8Array) {
    this.data.set(id, bytes);
    return { byteLength: bytes.byteLength, createdAt: this.#now++ };
  }
  async get(id: string) {
    return this.data.get(id);
  }
  async delete(id: string) {
    this.data.delete(id);
  }
  async estimate() {
    return { usage: [...this.data.values()].reduce((n, b) => n + b.byteLength, 0), quota: 1e9 };
  }
}

/** Captioning that gives every image `<model>: <name>` as its caption. */
export function fakeCaptioning(store: StoreApi<StudioState>): CaptioningPort & { rounds: number } {
  const port = {
    rounds: 0,
    settled: async () => {},
    captionAgain(ids: readonly string[]) {
      port.rounds++;
      const model = store.getState().student.info?.modelId ?? 'tiny';
      for (const id of ids)
        store.getState().updateCard(id, { caption: `${model}: ${id}`, captionModel: model });
    },
  };
  return port;
}

export function captionedCard(id: string, caption: string): ImageCard {
  return {
    id,
    name: `${id}.jpg`,
    byteLength: 10,
    width: 40,
    height: 30,
    status: 'captioned',
    caption,
    captionModel: 'tiny',
    warnings: [],
    addedAt: 1,
    saved: true,
  };
}

export function acceptedItem(imageId: string, caption: string, target: string): CriticItem {
  return {
    imageId,
    caption,
    captionModel: 'tiny',
    status: 'done',
    decision: 'accepted',
    target,
    refined: target,
    originalScore: 0.4,
    bestScore: 0.9,
    targetScore: 0.9,
    versions: 2,
    stop: 'max-steps',
  };
}
