import {
  describeError,
  GenerationError,
  ImageInputError,
  InvalidChoiceError,
  serializeError,
} from '../core/errors';
import { beamDecode } from './beam';
import { RunControl } from '../core/run-control';
import type { DecodeOutcome, DecodeSetup, StepReport } from './decode-setup';
import { greedyDecode } from './greedy';
import { ProgressTracker } from './progress';
import type { TensorLike } from './session';
import { disposeAll, outputOf } from './session';
import { splitIntoBatches, validateGenerationSettings } from './settings';
import type { ImageDecoder, PixelValues, StudentModel } from './student-model';
import type {
  CaptionItemResult,
  CaptionProgress,
  CaptionRequest,
  CaptionRunResult,
  GenerationSettings,
  PixelImage,
} from './types';

export interface CaptionRunOptions {
  /** Pause / resume / cancel from outside; a fresh (never paused) control when absent. */
  control?: RunControl;
  onProgress?: (progress: CaptionProgress) => void;
  /** Needed only for EncodedImage requests. */
  decodeImage?: ImageDecoder;
  /** Beam search only; 1 = average log-probability per token. */
  lengthPenalty?: number;
  now?: () => number;
}

/**
 * Captions `requests` in batches: preprocess each image (a bad one fails alone), run the encoder once per
 * batch, then batched greedy or beam decoding. Cancel (through `control`) keeps what finished, including
 * images that finished earlier inside the current batch, and marks the rest 'cancelled'.
 */
export async function captionBatched(
  model: StudentModel,
  requests: readonly CaptionRequest[],
  settings: GenerationSettings,
  options: CaptionRunOptions = {},
): Promise<CaptionRunResult> {
  validateGenerationSettings(settings);
  const ids = new Set(requests.map((r) => r.id));
  if (ids.size !== requests.length) throw new InvalidChoiceError('request ids must be unique');
  const now = options.now ?? (() => performance.now());
  const started = now();
  const control = options.control ?? new RunControl(now);
  const batches = splitIntoBatches(requests, settings.batchSize);
  const tracker = new ProgressTracker(requests.length, batches.length, options.onProgress);
  const unsubscribe = control.onChange((state) => tracker.report(state));
  try {
    for (const [batchIndex, batch] of batches.entries()) {
      if (!(await control.checkpoint())) break;
      tracker.startBatch(
        batchIndex,
        batch.map((r) => r.id),
        settings.maxNewTokens,
      );
      tracker.report(control.state);
      const prepared = await preprocessBatch(model, batch, options.decodeImage, tracker);
      if (prepared.length === 0) continue;
      tracker.stage('encoding');
      tracker.report(control.state);
      const hidden = await encode(model, prepared);
      let outcome: DecodeOutcome;
      try {
        tracker.stage('decoding');
        tracker.report(control.state);
        outcome = await decode(model, hidden, settings, options.lengthPenalty ?? 1, {
          checkpoint: () => control.checkpoint(),
          onStep: (report) => onStep(report, prepared, model, tracker, control),
        });
      } finally {
        disposeAll([hidden]);
      }
      if (outcome.cancelled) break;
    }
  } finally {
    unsubscribe();
  }
  for (const request of requests) {
    if (!tracker.has(request.id)) tracker.finish({ id: request.id, status: 'cancelled' });
  }
  tracker.report(control.state);
  const items = requests.map(
    (r): CaptionItemResult => tracker.result(r.id) ?? { id: r.id, status: 'cancelled' },
  );
  return {
    items,
    cancelled: items.some((item) => item.status === 'cancelled'),
    elapsedMs: now() - started - control.pausedMs,
  };
}

interface PreparedImage {
  id: string;
  values: PixelValues;
}

async function preprocessBatch(
  model: StudentModel,
  batch: readonly CaptionRequest[],
  decodeImage: ImageDecoder | undefined,
  tracker: ProgressTracker,
): Promise<PreparedImage[]> {
  const prepared: PreparedImage[] = [];
  for (const request of batch) {
    try {
      const pixels = await toPixels(request, decodeImage);
      prepared.push({ id: request.id, values: await model.preprocess(pixels) });
    } catch (error) {
      const failure =
        error instanceof ImageInputError
          ? error
          : new ImageInputError(`image '${request.id}' could not be prepared: ${describeError(error)}`, {
              cause: error,
            });
      tracker.finish({ id: request.id, status: 'failed', error: serializeError(failure) });
    }
  }
  const [first] = prepared;
  const mismatch = prepared.find((p) => p.values.dims.join() !== first?.values.dims.join());
  if (mismatch !== undefined) {
    throw new GenerationError(
      `the image processor gave different sizes in one batch (${first?.values.dims.join('×')} and ` +
        `${mismatch.values.dims.join('×')}); this student needs a fixed input size`,
    );
  }
  return prepared;
}

async function toPixels(request: CaptionRequest, decodeImage: ImageDecoder | undefined): Promise<PixelImage> {
  const { image } = request;
  if ('bytes' in image) {
    if (decodeImage === undefined) throw new ImageInputError('encoded images need an image decoder here');
    return decodeImage(image);
  }
  const channels = image.channels ?? 4;
  if (
    !Number.isInteger(image.width) ||
    !Number.isInteger(image.height) ||
    image.width < 1 ||
    image.height < 1
  ) {
    throw new ImageInputError(`image '${request.id}' has no pixels (${image.width}×${image.height})`);
  }
  if (image.data.length !== image.width * image.height * channels) {
    throw new ImageInputError(
      `image '${request.id}': ${image.data.length} bytes do not make ${image.width}×${image.height}×${channels}`,
    );
  }
  return image;
}

async function encode(model: StudentModel, prepared: readonly PreparedImage[]): Promise<TensorLike> {
  const [first] = prepared;
  if (first === undefined) throw new GenerationError('nothing to encode');
  const imageSize = first.values.data.length;
  const pixels = new Float32Array(prepared.length * imageSize);
  prepared.forEach((p, i) => pixels.set(p.values.data, i * imageSize));
  const feeds = { pixel_values: model.tensors.float32(pixels, [prepared.length, ...first.values.dims]) };
  let outputs: Record<string, TensorLike>;
  try {
    outputs = await model.encoder.run(feeds);
  } catch (error) {
    throw new GenerationError(`the encoder failed: ${describeError(error)}`, { cause: error });
  }
  const hidden = outputOf(outputs, 'last_hidden_state');
  disposeAll(Object.values(outputs).filter((t) => t !== hidden));
  return hidden;
}

function decode(
  model: StudentModel,
  hidden: TensorLike,
  settings: GenerationSettings,
  lengthPenalty: number,
  hooks: Pick<DecodeSetup, 'checkpoint' | 'onStep'>,
): Promise<DecodeOutcome> {
  const setup: DecodeSetup = {
    decoder: model.decoder,
    ...(model.cross === undefined ? {} : { cross: model.cross }),
    spec: model.spec,
    tensors: model.tensors,
    encoderHiddenStates: hidden,
    images: hidden.dims[0] ?? 0,
    special: model.special,
    maxNewTokens: settings.maxNewTokens,
    minNewTokens: settings.minNewTokens,
    ...hooks,
  };
  return settings.strategy === 'beam'
    ? beamDecode({ ...setup, numBeams: settings.numBeams, lengthPenalty, gather: model.gather })
    : greedyDecode(setup);
}

function onStep(
  report: StepReport,
  prepared: readonly PreparedImage[],
  model: StudentModel,
  tracker: ProgressTracker,
  control: RunControl,
): void {
  prepared.forEach((p, image) => tracker.tokens(p.id, report.generatedTokens[image] ?? 0));
  for (const { image, tokens } of report.completed) {
    const id = prepared[image]?.id;
    if (id !== undefined) {
      tracker.finish({ id, status: 'done', caption: model.decodeText(tokens), tokenIds: tokens });
    }
  }
  tracker.report(control.state);
}
