/**
 * The teacher behind the worker boundary: FastestDet, Florence-2 and the synonym list loaded once (loads
 * serialized), one evidence run at a time with cooperative pause / resume / cancel, and an optional text
 * model for the critic's in-tab engine. The worker exposes an instance as is; Node tests drive it directly.
 */
import type { ChatMessage, TextGenerationFn, TextGenerationOptions } from '../../core/text-generation';
import { CHAIR_SYNONYMS } from '../../vocabulary/chair-synonyms';
import type { SynonymTable } from '../../vocabulary/synonyms';
import { parseClassNames } from '../fastestdet/coco-names';
import { FastestDetDetector, STUDIO_FASTESTDET_OPTIONS } from '../fastestdet/fastestdet';
import type { SessionLike } from '../fastestdet/session';
import { resolveDevice } from '../../core/devices';
import { DeviceLostError } from '../../core/errors';
import { RunControl } from '../../core/run-control';
import type { DevicePreference, DeviceResolution } from '../../core/devices';
import {
  DetectorRewriteError,
  FlorenceUnavailableError,
  TeacherBusyError,
  TeacherLoadError,
  TeacherNotLoadedError,
  TextModelError,
} from './errors';
import { gatherEvidence } from './evidence-path';
import { makeFastestDetBatchable } from './fastestdet-batch';
import { loadFlorenceIfPresent } from './florence-loader';
import type { FlorenceRuntime } from './florence-runtime';
import type {
  EvidenceOutcome,
  EvidenceProgress,
  EvidenceRequest,
  TeacherDevice,
  TeacherInfo,
  TeacherLoadOptions,
  TeacherSettings,
} from './types';
import type { TeacherPlatform } from './platform';
import type { TeacherWorkerApi } from './worker-api';

/** Upper bound on crops per detector run (the batchable FastestDet takes any batch). */
export const DETECTOR_MAX_BATCH = 16;

interface Loaded {
  info: TeacherInfo;
  detector: FastestDetDetector;
  session: SessionLike & { release?(): Promise<void> };
  florence: FlorenceRuntime | null;
  table: SynonymTable;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class TeacherService implements TeacherWorkerApi {
  #loaded: Loaded | null = null;
  #control: RunControl | null = null;
  #chain: Promise<unknown> = Promise.resolve();
  #textModel: { modelId: string; device: TeacherDevice; generate: TextGenerationFn } | null = null;

  constructor(private readonly platform: TeacherPlatform) {}

  resolveDevice(preference: DevicePreference): Promise<DeviceResolution> {
    return resolveDevice(preference, this.platform.gpu());
  }

  load(options: TeacherLoadOptions): Promise<TeacherInfo> {
    const next = this.#chain.then(() => this.#loadNow(options));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async info(): Promise<TeacherInfo | null> {
    return this.#loaded?.info ?? null;
  }

  async evidence(
    requests: EvidenceRequest[],
    settings: TeacherSettings,
    onProgress?: (progress: EvidenceProgress) => void,
  ): Promise<EvidenceOutcome[]> {
    if (this.#control !== null) throw new TeacherBusyError('an evidence run is already going on');
    const loaded = this.#loaded;
    if (loaded === null) throw new TeacherNotLoadedError('load the teacher before asking for evidence');
    this.#throwIfDeviceLost(loaded.info.device);
    const control = new RunControl();
    this.#control = control;
    try {
      const outcomes = await gatherEvidence(
        requests,
        {
          detector: loaded.detector,
          florence: loaded.florence,
          cache: this.platform.cache,
          table: loaded.table,
        },
        settings,
        { checkpoint: () => control.checkpoint(), ...(onProgress ? { onProgress } : {}) },
      );
      // Images that failed after the device was lost failed because of it: none of them is final.
      this.#throwIfDeviceLost(loaded.info.device);
      return outcomes;
    } catch (error) {
      this.#throwIfDeviceLost(loaded.info.device, error);
      throw error;
    } finally {
      this.#control = null;
    }
  }

  /**
   * A lost GPU device does not come back in this worker (ONNX Runtime Web keeps its one device): the page
   * retires the worker on DeviceLostError and asks a fresh one for the same images.
   */
  #throwIfDeviceLost(device: TeacherDevice, cause?: unknown): void {
    const reason = device === 'webgpu' ? (this.platform.deviceLost?.() ?? null) : null;
    if (reason === null || cause instanceof DeviceLostError) return;
    throw new DeviceLostError(
      `The GPU device was lost (${reason}); the critic goes on in a fresh teacher worker.`,
      cause === undefined ? undefined : { cause },
    );
  }

  async pause(): Promise<void> {
    this.#control?.pause();
  }

  async resume(): Promise<void> {
    this.#control?.resume();
  }

  async cancel(): Promise<void> {
    this.#control?.stop();
  }

  async loadTextModel(
    modelId: string,
    preference: DevicePreference,
  ): Promise<{ modelId: string; device: string }> {
    if (this.#textModel?.modelId === modelId) return { modelId, device: this.#textModel.device };
    const load = this.platform.loadTextGeneration;
    if (load === undefined) throw new TextModelError('This teacher cannot run text models.');
    const { device } = await this.resolveDevice(preference);
    try {
      const generate = await load(modelId, device);
      this.#textModel = { modelId, device, generate };
    } catch (error) {
      throw new TextModelError(`The text model '${modelId}' could not be loaded: ${describe(error)}`, {
        cause: error,
      });
    }
    return { modelId, device };
  }

  async generateText(messages: ChatMessage[], options: TextGenerationOptions): Promise<unknown> {
    if (this.#textModel === null) throw new TextModelError('Load a text model first (critic settings).');
    return this.#textModel.generate(messages, options);
  }

  async unload(): Promise<void> {
    if (this.#control !== null) throw new TeacherBusyError('cancel the evidence run before unloading');
    const loaded = this.#loaded;
    this.#loaded = null;
    await loaded?.florence?.dispose();
    await loaded?.session.release?.();
  }

  async #loadNow(options: TeacherLoadOptions): Promise<TeacherInfo> {
    if (this.#control !== null) throw new TeacherBusyError('cancel the evidence run before loading again');
    await this.unload();
    const { device, reason } = await this.resolveDevice(options.device);
    const [modelBytes, names] = await Promise.all([
      this.#fetch(options.detector.modelUrl, 'the detector model'),
      this.#fetch(options.detector.namesUrl, "the detector's class names"),
    ]);
    const table = CHAIR_SYNONYMS;
    let bytes: Uint8Array;
    try {
      bytes = makeFastestDetBatchable(modelBytes);
    } catch (error) {
      // Another export of the detector: run it as shipped, one crop per run.
      if (!(error instanceof DetectorRewriteError)) throw error;
      bytes = modelBytes;
    }
    let session: SessionLike & { release?(): Promise<void> };
    try {
      session = await this.platform.createSession(bytes, device);
    } catch (error) {
      throw new TeacherLoadError(`The detector could not be loaded on ${device}: ${describe(error)}`, {
        cause: error,
      });
    }
    const detector = new FastestDetDetector(session, this.platform.tensor, {
      ...STUDIO_FASTESTDET_OPTIONS,
      classNames: parseClassNames(text(names)),
      maxBatch: DETECTOR_MAX_BATCH,
    });
    let florence: FlorenceRuntime | null = null;
    let florenceUnavailable: TeacherInfo['florenceUnavailable'] = null;
    if (options.florenceModelId !== null) {
      const modelId = options.florenceModelId;
      try {
        florence = await loadFlorenceIfPresent(this.platform, {
          modelId,
          device,
          ...(options.dtypes ? { overrides: options.dtypes } : {}),
        });
      } catch (error) {
        // Not here (offline, not fetched): the detector alone, said once in TeacherInfo, not per image.
        if (error instanceof FlorenceUnavailableError) {
          florenceUnavailable = { modelId, message: error.message };
        } else {
          await session.release?.();
          throw error;
        }
      }
    }
    const info: TeacherInfo = {
      device,
      reason,
      detector: { id: detector.id, batchSize: detector.batchSize },
      florence: florence && {
        modelId: florence.modelId,
        revision: florence.revision,
        dtypes: florence.dtypes,
      },
      florenceUnavailable,
    };
    this.#loaded = { info, detector, session, florence, table };
    return info;
  }

  async #fetch(url: string, what: string): Promise<Uint8Array> {
    try {
      return await this.platform.fetchBytes(url);
    } catch (error) {
      throw new TeacherLoadError(
        `Could not read ${what} from ${url} (${describe(error)}). The detector is part of the repository ` +
          '(public/models/fastestdet/): `git checkout -- public/models/fastestdet` restores it.',
        { cause: error },
      );
    }
  }
}
