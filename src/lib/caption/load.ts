import { onnxFilePath } from '../core/devices';
import { describeError, ModelLoadError } from '../core/errors';
import type { ModelFiles } from '../core/model-sources';
import { splitCrossAttention } from './cross-attention-split';
import type { DecoderSpec } from './decoder-io';
import { decoderSpecFrom } from './decoder-io';
import type { StudentConfig } from './model-config';
import { studentConfigFrom } from './model-config';
import { loadProcessors } from './processors';
import type { RowGather } from './row-gather';
import { cpuRowGather } from './row-gather';
import type { SessionLike, TensorFactory } from './session';
import type { StudentModel } from './student-model';
import type { ModelDtype } from '../core/devices';

export type SessionRole = 'encoder' | 'cross-attention' | 'decoder';

/** A session we created and must release (ORT's InferenceSession has `release`). */
export interface OwnedSession extends SessionLike {
  release(): Promise<void>;
}

export interface LoadStudentParts {
  files: ModelFiles;
  dtype: ModelDtype;
  /** Creates a session on the resolved device; the platform decides the ORT module and its options. */
  createSession(bytes: Uint8Array, role: SessionRole): Promise<OwnedSession>;
  tensors: TensorFactory;
  /** Defaults to gathering on the host. */
  gather?: RowGather;
  /**
   * Compute GPT-2's cross-attention keys and values once per batch instead of once per token
   * (cross-attention-split.ts). Default true; models it does not recognize run unchanged.
   */
  splitCrossAttention?: boolean;
}

export interface LoadedStudent {
  model: StudentModel;
  imageSize: { width: number; height: number };
  /**
   * This student with another merged decoder (tuned weights of the same model): the encoder session, image
   * processor and tokenizer stay; only the decoder's sessions are released and created. On failure everything
   * is released (nothing half-loaded stays) and the error is thrown.
   */
  replaceDecoder(bytes: Uint8Array): Promise<LoadedStudent>;
  release(): Promise<void>;
}

/**
 * Loads config, tokenizer and image processor, then the encoder and the merged decoder (`decoderBytes`, default
 * the folder's own), one session after the other (two WebGPU sessions created at once throw). On failure nothing
 * stays allocated.
 */
export async function loadStudent(
  parts: LoadStudentParts,
  decoderBytes?: Uint8Array,
): Promise<LoadedStudent> {
  const { files } = parts;
  const config = await files.readJson('config.json');
  const generationConfig = await files.readJson('generation_config.json').catch(() => ({}));
  const studentConfig = studentConfigFrom(files.modelId, config, generationConfig);
  const processors = await loadProcessors(files);
  const encoderPath = onnxFilePath('encoder_model', parts.dtype);
  const encoder = await createRole(parts, 'encoder', encoderPath, await parts.files.read(encoderPath));
  try {
    if (!encoder.inputNames.includes('pixel_values') || !encoder.outputNames.includes('last_hidden_state')) {
      throw new ModelLoadError(
        `${files.modelId}: the encoder must take pixel_values and give last_hidden_state ` +
          `(it takes ${encoder.inputNames.join(', ')}; gives ${encoder.outputNames.join(', ')})`,
      );
    }
  } catch (error) {
    await encoder.release();
    throw error;
  }
  const withDecoder = async (bytes: Uint8Array): Promise<LoadedStudent> => {
    let decoding: DecoderSessions;
    try {
      decoding = await createDecoderSessions(parts, studentConfig, bytes);
    } catch (error) {
      await encoder.release();
      throw error;
    }
    return {
      model: {
        encoder,
        decoder: decoding.decoder,
        ...(decoding.cross === undefined ? {} : { cross: decoding.cross }),
        spec: decoding.spec,
        tensors: parts.tensors,
        gather: parts.gather ?? cpuRowGather(parts.tensors),
        special: studentConfig.special,
        preprocess: processors.preprocess,
        decodeText: processors.decodeText,
      },
      imageSize: processors.imageSize,
      replaceDecoder: async (next) => {
        await decoding.release();
        return withDecoder(next);
      },
      release: async () => {
        await Promise.all([encoder.release(), decoding.release()]);
      },
    };
  };
  return withDecoder(decoderBytes ?? (await readMergedDecoder(parts, encoder)));
}

async function readMergedDecoder(parts: LoadStudentParts, encoder: OwnedSession): Promise<Uint8Array> {
  try {
    return await parts.files.read(onnxFilePath('decoder_model_merged', parts.dtype));
  } catch (error) {
    await encoder.release();
    throw error;
  }
}

interface DecoderSessions {
  decoder: OwnedSession;
  cross?: OwnedSession;
  spec: DecoderSpec;
  release(): Promise<void>;
}

/** The merged decoder's sessions: split in two when its cross-attention projections are recognized. */
async function createDecoderSessions(
  parts: LoadStudentParts,
  studentConfig: StudentConfig,
  bytes: Uint8Array,
): Promise<DecoderSessions> {
  const decoderPath = onnxFilePath('decoder_model_merged', parts.dtype);
  const split = parts.splitCrossAttention === false ? null : splitCrossAttention(bytes);
  const owned: OwnedSession[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(owned.splice(0).map((session) => session.release()));
  };
  try {
    let cross: OwnedSession | undefined;
    if (split !== null) {
      cross = await createRole(
        parts,
        'cross-attention',
        `${decoderPath} (cross-attention part)`,
        split.cross,
      );
      owned.push(cross);
    }
    const decoder = await createRole(parts, 'decoder', decoderPath, split?.decoder ?? bytes);
    owned.push(decoder);
    const spec = decoderSpecFrom(decoder, studentConfig);
    return { decoder, ...(cross === undefined ? {} : { cross }), spec, release };
  } catch (error) {
    await release();
    throw error;
  }
}

async function createRole(
  parts: LoadStudentParts,
  role: SessionRole,
  path: string,
  bytes: Uint8Array,
): Promise<OwnedSession> {
  try {
    return await parts.createSession(bytes, role);
  } catch (error) {
    throw new ModelLoadError(
      `${parts.files.modelId}: could not create the ${role} from ${path}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
}
