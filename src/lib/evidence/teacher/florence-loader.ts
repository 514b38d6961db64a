/**
 * Florence-2 for the teacher, or the plain reason it is not here. Offline with the default model (the hub's
 * Florence-2-base-ft, not in public/models/) every file check answers "no": that is not a failure of the
 * teacher, which then runs the detector alone (teacher-service.ts), so it gets its own error class. A model
 * whose files are all here but that fails to load is a real failure and keeps its TeacherLoadError.
 */
import type { ModelDtype } from '../../core/devices';
import { resolveFlorenceDtypes } from './dtypes';
import { FlorenceUnavailableError } from './errors';
import type { FlorenceRuntime } from './florence-runtime';
import type { TeacherPlatform } from './platform';
import type { FlorenceSession, TeacherDevice } from './types';

/** Besides config.json, the files transformers.js cannot load Florence-2's processor without. */
export const FLORENCE_PROCESSOR_FILES = [
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
] as const;

export interface FlorenceLoadRequest {
  readonly modelId: string;
  readonly device: TeacherDevice;
  readonly overrides?: Partial<Record<FlorenceSession, ModelDtype>>;
}

/** Throws FlorenceUnavailableError, naming what is missing, when the model's files are not all here. */
export async function loadFlorenceIfPresent(
  platform: Pick<TeacherPlatform, 'modelFileExists' | 'shaderF16' | 'loadFlorence'>,
  request: FlorenceLoadRequest,
): Promise<FlorenceRuntime> {
  const { modelId, device } = request;
  const exists = (path: string) => platform.modelFileExists(modelId, path);
  // config.json first: without it nothing of the model is here, and one look (one hub request) says so.
  if (!(await exists('config.json'))) {
    throw new FlorenceUnavailableError(
      `Florence-2 '${modelId}' is not on disk (public/models/${modelId}/) and the Hugging Face hub cannot be reached or has no such model.`,
    );
  }
  const missing: string[] = [];
  for (const file of FLORENCE_PROCESSOR_FILES) if (!(await exists(file))) missing.push(file);
  if (missing.length > 0) {
    throw new FlorenceUnavailableError(`Florence-2 '${modelId}' lacks ${missing.join(', ')}.`);
  }
  let dtypes;
  try {
    dtypes = await resolveFlorenceDtypes({
      device,
      shaderF16: device === 'webgpu' && (await platform.shaderF16()),
      exists,
      ...(request.overrides ? { overrides: request.overrides } : {}),
    });
  } catch (error) {
    if (error instanceof FlorenceUnavailableError) {
      throw new FlorenceUnavailableError(`Florence-2 '${modelId}' lacks its weights (${error.message}).`, {
        cause: error,
      });
    }
    throw error;
  }
  return platform.loadFlorence(modelId, device, dtypes);
}
