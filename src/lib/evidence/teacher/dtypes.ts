/**
 * Florence-2's weight files per session, as a frozen table and one resolver (STYLE lesson 12). The facts
 * (docs/architecture.md, devices and dtypes): on WebGPU, fp16 for embed_tokens and vision_encoder where the
 * adapter offers `shader-f16` (fp32 without it), q4 for the encoder and the decoder (the encoder is very
 * sensitive to quantization, q8 decoders give gibberish on WebGPU: transformers.js #1317, so never q8). WASM
 * has no fast fp16: fp32 there, q4 for the two big graphs. Each session takes the first choice whose file
 * exists, so the tiny test model (fp32 files only) and the hub's repo (every variant) both resolve; nothing
 * existing is loud.
 */
import { onnxFilePath } from '../../core/devices';
import { MODEL_DTYPES, type ModelDtype } from '../../core/devices';
import { FlorenceUnavailableError, TeacherDtypeError } from './errors';
import type { FlorenceDtypes, FlorenceSession, TeacherDevice } from './types';
import { FLORENCE_SESSIONS } from './types';

type Choices = Readonly<Record<FlorenceSession, readonly ModelDtype[]>>;

const choices = (c: Record<FlorenceSession, readonly ModelDtype[]>): Choices =>
  Object.freeze(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Object.freeze([...v])]))) as Choices;

export const FLORENCE_DTYPE_TABLE: Readonly<{ webgpuF16: Choices; webgpu: Choices; wasm: Choices }> =
  Object.freeze({
    webgpuF16: choices({
      embed_tokens: ['fp16', 'fp32'],
      vision_encoder: ['fp16', 'fp32'],
      encoder_model: ['q4', 'fp32'],
      decoder_model_merged: ['q4', 'fp32'],
    }),
    webgpu: choices({
      embed_tokens: ['fp32'],
      vision_encoder: ['fp32'],
      encoder_model: ['q4', 'fp32'],
      decoder_model_merged: ['q4', 'fp32'],
    }),
    wasm: choices({
      embed_tokens: ['fp32'],
      vision_encoder: ['fp32'],
      encoder_model: ['q4', 'fp32'],
      decoder_model_merged: ['q4', 'fp32'],
    }),
  });

/** Dtypes whose kernels need `shader-f16` on WebGPU. */
const NEEDS_F16: ReadonlySet<ModelDtype> = new Set(['fp16', 'q4f16']);

export interface DtypeResolveInput {
  readonly device: TeacherDevice;
  /** Whether the WebGPU adapter offers `shader-f16` (ignored on WASM). */
  readonly shaderF16: boolean;
  /** Whether `onnx/<file>` exists in the model's folder. */
  readonly exists: (path: string) => Promise<boolean>;
  readonly overrides?: Partial<Record<string, string>>;
}

export function dtypeChoices(device: TeacherDevice, shaderF16: boolean): Choices {
  if (device === 'wasm') return FLORENCE_DTYPE_TABLE.wasm;
  return shaderF16 ? FLORENCE_DTYPE_TABLE.webgpuF16 : FLORENCE_DTYPE_TABLE.webgpu;
}

function validOverride(session: string, value: string, input: DtypeResolveInput): ModelDtype {
  if (!(FLORENCE_SESSIONS as readonly string[]).includes(session)) {
    throw new TeacherDtypeError(
      `'${session}' is not a Florence-2 session: valid sessions are ${FLORENCE_SESSIONS.join(', ')}`,
    );
  }
  const dtype = MODEL_DTYPES.find((d) => d === value);
  if (dtype === undefined) {
    throw new TeacherDtypeError(
      `unknown dtype '${value}' for ${session}: valid choices are ${MODEL_DTYPES.join(', ')}`,
    );
  }
  if (input.device === 'webgpu' && NEEDS_F16.has(dtype) && !input.shaderF16) {
    throw new TeacherDtypeError(
      `${session} as ${dtype} needs the WebGPU feature shader-f16, which this adapter does not offer; use fp32 or q4`,
    );
  }
  return dtype;
}

/**
 * One dtype per session: the override when given (it must exist), else the first choice of the table
 * whose file exists. Names every file looked for: FlorenceUnavailableError when no choice of the table
 * exists, TeacherDtypeError for an override that is invalid or missing.
 */
export async function resolveFlorenceDtypes(input: DtypeResolveInput): Promise<FlorenceDtypes> {
  const table = dtypeChoices(input.device, input.shaderF16);
  for (const session of Object.keys(input.overrides ?? {})) {
    if (!(FLORENCE_SESSIONS as readonly string[]).includes(session)) validOverride(session, '', input);
  }
  const out = {} as Record<FlorenceSession, ModelDtype>;
  for (const session of FLORENCE_SESSIONS) {
    const override = input.overrides?.[session];
    const choices = override === undefined ? table[session] : [validOverride(session, override, input)];
    const looked: string[] = [];
    let found: ModelDtype | undefined;
    for (const dtype of choices) {
      const path = onnxFilePath(session, dtype);
      looked.push(path);
      if (await input.exists(path)) {
        found = dtype;
        break;
      }
    }
    if (found === undefined) {
      const missing = `no weights for the Florence-2 ${session} on ${input.device}: looked for ${looked.join(', ')}`;
      // No file of any choice: the model is not here (the teacher goes on without it). A dtype the person
      // asked for that is missing is their setting to fix, so it fails loudly.
      if (override === undefined) throw new FlorenceUnavailableError(missing);
      throw new TeacherDtypeError(`${missing} (dtype '${override}' was asked for)`);
    }
    out[session] = found;
  }
  return Object.freeze(out);
}

/** A short, stable name of a dtype choice, for cache keys and the UI: 'fp16/fp16/q4/q4'. */
export function dtypeSignature(dtypes: FlorenceDtypes): string {
  return FLORENCE_SESSIONS.map((s) => dtypes[s]).join('/');
}
