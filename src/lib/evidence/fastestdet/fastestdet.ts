/**
 * FastestDet over an injected ONNX Runtime session. Crops are run in batches of the model's batch size;
 * the shipped FastestDet.onnx fixes its batch dimension at 1 (onnxruntime-node rejects [2, 3, 352, 352]
 * with "Got invalid dimensions for input: input.1 … Expected: 1"), so there every crop is one `run` on
 * the same session, one after another. A re-export with a symbolic batch dimension batches without change.
 */
import { DETECTOR_SCORE_FLOOR } from '../corroborate';
import type { DetectorInput, RegionDetection, RegionDetector } from '../detector';
import { assertRaster } from '../raster';
import {
  FASTESTDET_CHANNELS,
  FASTESTDET_DECODE_DEFAULTS,
  FASTESTDET_GRID,
  FASTESTDET_INPUT_NAME,
  FASTESTDET_INPUT_SIZE,
  FASTESTDET_OUTPUT_NAME,
  decodeFastestDet,
  writeFastestDetInput,
} from './fastestdet-codec';
import type { DecodeSettings } from './fastestdet-codec';
import type { Float32TensorFactory, SessionLike } from './session';
import { DetectorOutputError, float32Output } from './session';

/** ORT sessions that expose input shapes (onnxruntime-node ≥ 1.21, onnxruntime-web ≥ 1.21). */
interface SessionWithMetadata extends SessionLike {
  readonly inputMetadata?: ReadonlyArray<{
    readonly name: string;
    readonly shape?: ReadonlyArray<number | string>;
  }>;
}

/**
 * The largest batch the session accepts: the fixed batch dimension when the model declares one,
 * `symbolicLimit` when the dimension is symbolic, and 1 when the session does not say.
 */
export function sessionBatchLimit(session: SessionLike, inputName: string, symbolicLimit: number): number {
  const meta = (session as SessionWithMetadata).inputMetadata?.find((m) => m.name === inputName);
  const dim = meta?.shape?.[0];
  if (typeof dim === 'number' && dim > 0) return dim;
  return typeof dim === 'string' ? Math.max(1, symbolicLimit) : 1;
}

export interface FastestDetOptions {
  /** Class names in model order, already mapped to COCO's (see parseClassNames). */
  readonly classNames: readonly string[];
  readonly decode?: DecodeSettings;
  /** Crops per `run` when the model's batch dimension is symbolic (default 8). */
  readonly maxBatch?: number;
  readonly id?: string;
}

/**
 * How the studio runs FastestDet: boxes down to the evidence's floor (lib/evidence/corroborate.ts decides which
 * count, per zoom level), under an id of its own so that cached outputs of the reference threshold never mix in.
 */
export const STUDIO_FASTESTDET_OPTIONS = Object.freeze({
  decode: Object.freeze({ ...FASTESTDET_DECODE_DEFAULTS, scoreThreshold: DETECTOR_SCORE_FLOOR }),
  id: `fastestdet@coco80-352-floor${DETECTOR_SCORE_FLOOR}`,
});

export class FastestDetDetector implements RegionDetector {
  readonly id: string;
  readonly source = 'fastestdet';
  /** Crops per `run`: 1 for the shipped model. */
  readonly batchSize: number;
  readonly #session: SessionLike;
  readonly #tensor: Float32TensorFactory;
  readonly #options: FastestDetOptions;

  constructor(session: SessionLike, makeTensor: Float32TensorFactory, options: FastestDetOptions) {
    if (options.classNames.length !== FASTESTDET_CHANNELS - 5) {
      throw new DetectorOutputError(
        `FastestDet has 80 classes; ${options.classNames.length} names were given.`,
      );
    }
    this.#session = session;
    this.#tensor = makeTensor;
    this.#options = options;
    this.id = options.id ?? 'fastestdet@coco80-352';
    this.batchSize = sessionBatchLimit(session, FASTESTDET_INPUT_NAME, options.maxBatch ?? 8);
  }

  async detect(inputs: readonly DetectorInput[], signal?: AbortSignal): Promise<RegionDetection[][]> {
    const size = FASTESTDET_INPUT_SIZE;
    const perImageIn = 3 * size * size;
    const perImageOut = FASTESTDET_CHANNELS * FASTESTDET_GRID * FASTESTDET_GRID;
    const results: RegionDetection[][] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      signal?.throwIfAborted();
      const chunk = inputs.slice(start, start + this.batchSize);
      const data = new Float32Array(chunk.length * perImageIn);
      chunk.forEach(({ image, region }, i) => {
        assertRaster(image);
        writeFastestDetInput(image, region, data, i * perImageIn, size);
      });
      const outputs = await this.#session.run({
        [FASTESTDET_INPUT_NAME]: this.#tensor(data, [chunk.length, 3, size, size]),
      });
      const out = float32Output(outputs, FASTESTDET_OUTPUT_NAME, [
        chunk.length,
        FASTESTDET_CHANNELS,
        FASTESTDET_GRID,
        FASTESTDET_GRID,
      ]);
      for (let i = 0; i < chunk.length; i++) {
        const raw = decodeFastestDet(
          out,
          i * perImageOut,
          this.#options.decode ?? FASTESTDET_DECODE_DEFAULTS,
        );
        results.push(
          raw.map((d) => ({
            label: this.#options.classNames[d.classIndex] ?? 'unknown',
            score: d.score,
            box: d.box,
          })),
        );
      }
    }
    return results;
  }
}
