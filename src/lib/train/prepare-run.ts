/**
 * Everything a training run needs before its first step: the student's files and training decoder, its special
 * tokens, the chosen captions tokenized (TrainingCaption → TrainingSample), the caption length fitted to them,
 * and every image's encoder states (computed once, cached for later rounds). service.ts then runs the loop.
 */
import type { ModelFiles } from '../core/model-sources';
import { studentConfigFrom } from '../caption/model-config';
import { loadProcessors } from '../caption/processors';
import type { CaptionRequest, StudentDevice } from '../caption/types';
import type { SpecialTokens, TrainingSample } from './graph/batches';
import { cutCaptionsNotice, decoderPositions, fitCaptions, type CaptionFit } from './caption-fit';
import { encodeImages } from './encode-images';
import type { EncoderStatesCache } from './encoder-cache';
import { NoTrainingDataError } from './errors';
import type { TuningPlatform } from './platform';
import { loadCaptionTokenizer } from './tokenizer';
import { readTrainingDecoder } from './tuned-files';
import type { TrainRequest, TrainingEvent } from './worker-api';

const ENCODE_BATCH = 4;

export interface PreparedRun {
  readonly files: ModelFiles;
  /** The training decoder's bytes, and their identity (checkpoints name the decoder they were trained on). */
  readonly decoder: Uint8Array;
  readonly decoderId: string;
  readonly special: SpecialTokens;
  readonly samples: readonly TrainingSample[];
  readonly fit: CaptionFit;
  /** The encoder states' shape (the same for every image). */
  readonly encoder: { readonly sequence: number; readonly width: number };
  /** Milliseconds spent computing encoder outputs (0 when all were cached). */
  readonly encodeMs: number;
}

export interface PrepareContext {
  readonly platform: TuningPlatform;
  readonly encoded: EncoderStatesCache;
  /** The decoder's identity (hashed once per model: service.ts keeps the hashes). */
  decoderId(files: ModelFiles, decoder: Uint8Array): Promise<string>;
  /** The pixels or bytes of images whose encoder states are not cached yet. */
  readonly images: (ids: string[]) => Promise<CaptionRequest[]>;
  readonly send: (event: TrainingEvent) => void;
}

export async function prepareRun(context: PrepareContext, request: TrainRequest): Promise<PreparedRun> {
  const { platform, encoded, send } = context;
  send({ kind: 'phase', phase: 'reading-model' });
  const files = await platform.openModel(request.source);
  const decoder = await readTrainingDecoder(files);
  const decoderId = await context.decoderId(files, decoder);
  const modelConfig = await files.readJson('config.json');
  const config = studentConfigFrom(
    files.modelId,
    modelConfig,
    await files.readJson('generation_config.json').catch(() => ({})),
  );
  const tokenizer = await loadCaptionTokenizer(files);
  const pairs = request.settings.objective?.kind === 'preference';
  const texts = request.samples
    .map((s) => ({
      ...s,
      tokens: tokenizer.encode(s.text),
      rejectedTokens: pairs && s.rejected !== undefined ? tokenizer.encode(s.rejected) : [],
    }))
    .filter((s) => s.tokens.length > 0 && s.weight > 0)
    // A pair teaches only where the two captions differ and both have words.
    .filter((s) => !pairs || (s.rejectedTokens.length > 0 && s.rejected !== s.text));
  if (texts.length === 0)
    throw new NoTrainingDataError(
      pairs
        ? 'No accepted caption comes with a different caption it replaced: a preference run trains on pairs.'
        : 'None of the accepted captions has a word to train on.',
    );
  // The graph's caption length fits the longest caption (up to the limits); any cut is told, not silent.
  const fit = fitCaptions(
    texts.flatMap((t) => (pairs ? [t.tokens.length, t.rejectedTokens.length] : [t.tokens.length])),
    request.settings.maxTokens,
    decoderPositions(modelConfig),
  );
  const cutNotice = cutCaptionsNotice(fit);
  if (cutNotice) send({ kind: 'notice', notice: cutNotice });

  const encodeStarted = Date.now();
  encoded.useEncoder(`${files.modelId}:${decoderId}`);
  await encodeMissing(
    context,
    files,
    request.device,
    texts.map((t) => t.imageId),
  );
  const encodeMs = Date.now() - encodeStarted;

  const samples: TrainingSample[] = texts.map((t) => ({
    tokens: t.tokens,
    encoderStates: encoded.get(t.imageId)!.data,
    weight: t.weight,
    ...(pairs ? { rejected: t.rejectedTokens } : {}),
  }));
  const first = encoded.get(texts[0]!.imageId)!;
  const special = {
    start: config.special.decoderStartTokenId,
    end: config.special.eosTokenId,
    pad: config.special.padTokenId,
  };
  const encoder = { sequence: first.sequence, width: first.width };
  return { files, decoder, decoderId, special, samples, fit, encoder, encodeMs };
}

/** Encoder states for the images the cache lacks, a few images at a time. */
async function encodeMissing(
  context: PrepareContext,
  files: ModelFiles,
  device: StudentDevice,
  imageIds: readonly string[],
): Promise<void> {
  const { platform, encoded, images, send } = context;
  const missing = encoded.missing(imageIds);
  if (missing.length === 0) return;
  send({ kind: 'phase', phase: 'encoding', done: 0, total: missing.length });
  const processors = await loadProcessors(files);
  const session = await platform.createSession(
    await files.read('onnx/encoder_model.onnx'),
    'encoder',
    device,
  );
  try {
    const encoder = {
      session,
      tensors: platform.tensors,
      preprocess: processors.preprocess,
      ...(platform.decodeImage ? { decodeImage: platform.decodeImage } : {}),
    };
    // Ask for a few images at a time: the page keeps pixels of only so many in memory.
    for (let i = 0; i < missing.length; i += ENCODE_BATCH) {
      const requests = await images(missing.slice(i, i + ENCODE_BATCH));
      await encoded.fill(
        requests.map((r) => ({ id: r.id, image: r.image })),
        (batch) => encodeImages(encoder, batch),
        ENCODE_BATCH,
      );
      send({
        kind: 'phase',
        phase: 'encoding',
        done: Math.min(i + ENCODE_BATCH, missing.length),
        total: missing.length,
      });
    }
  } finally {
    await session.release();
  }
  const still = encoded.missing(imageIds);
  if (still.length > 0)
    throw new NoTrainingDataError(`The images of ${still.length} accepted captions could not be read.`);
}
