/**
 * A training checkpoint as one blob (for IndexedDB or a file): the trainable tensors, both optimizer moments,
 * the step, the training config and the identity of the model it trains.
 *
 * Layout: "CGCK" · u32 format version · u32 header length · header JSON (UTF-8) · zero padding to a multiple of 8
 * · float32 little-endian tensor data, each tensor at the byte offset its header entry gives.
 * Restoring these exactly (every float bit) is what makes a resumed run identical to an uninterrupted one.
 */

const MAGIC = [0x43, 0x47, 0x43, 0x4b]; // "CGCK"
export const CHECKPOINT_FORMAT = 1;

export type CheckpointSlot = 'param' | 'exp_avg' | 'exp_avg_sq';

export interface CheckpointTensor {
  readonly name: string;
  readonly slot: CheckpointSlot;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface Checkpoint<Config = unknown> {
  /** Optimizer updates done so far. */
  readonly step: number;
  /** SHA-256 (hex) of the model bytes the training graph was built from. */
  readonly modelId: string;
  readonly config: Config;
  readonly tensors: readonly CheckpointTensor[];
  /** Caller state that must survive a reload (data cursor, loss history…), JSON-able. */
  readonly extra?: unknown;
}

/** The blob is not a checkpoint, is truncated, or has a format this code does not read. */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

/** The checkpoint belongs to another model than the one being trained. */
export class CheckpointMismatchError extends Error {
  override readonly name = 'CheckpointMismatchError';
}

interface HeaderTensor {
  name: string;
  slot: CheckpointSlot;
  dims: number[];
  offset: number;
}

interface Header {
  step: number;
  modelId: string;
  config: unknown;
  extra?: unknown;
  tensors: HeaderTensor[];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new CheckpointFormatError('checkpoints are little-endian; this platform is not');
}

export function encodeCheckpoint<Config>(checkpoint: Checkpoint<Config>): Uint8Array {
  assertLittleEndian();
  let dataBytes = 0;
  const tensors: HeaderTensor[] = checkpoint.tensors.map((t) => {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new CheckpointFormatError(
        `tensor ${t.name} (${t.slot}): ${t.data.length} values for [${t.dims.join(', ')}]`,
      );
    const entry = { name: t.name, slot: t.slot, dims: [...t.dims], offset: dataBytes };
    dataBytes += t.data.byteLength;
    return entry;
  });
  const header: Header = {
    step: checkpoint.step,
    modelId: checkpoint.modelId,
    config: checkpoint.config,
    ...(checkpoint.extra !== undefined ? { extra: checkpoint.extra } : {}),
    tensors,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + json.length) / 8) * 8;
  const blob = new Uint8Array(dataStart + dataBytes);
  blob.set(MAGIC, 0);
  const view = new DataView(blob.buffer);
  view.setUint32(4, CHECKPOINT_FORMAT, true);
  view.setUint32(8, json.length, true);
  blob.set(json, 12);
  checkpoint.tensors.forEach((t, i) => {
    blob.set(
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      dataStart + tensors[i]!.offset,
    );
  });
  return blob;
}

export function decodeCheckpoint<Config = unknown>(blob: Uint8Array): Checkpoint<Config> {
  assertLittleEndian();
  if (blob.length < 12 || MAGIC.some((b, i) => blob[i] !== b))
    throw new CheckpointFormatError('not a checkpoint (missing the CGCK signature)');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const format = view.getUint32(4, true);
  if (format !== CHECKPOINT_FORMAT)
    throw new CheckpointFormatError(
      `checkpoint format ${format}; this version reads format ${CHECKPOINT_FORMAT}`,
    );
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > blob.length) throw new CheckpointFormatError('checkpoint header is truncated');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(blob.subarray(12, 12 + headerLength))) as Header;
  } catch (e) {
    throw new CheckpointFormatError(`checkpoint header is not JSON: ${(e as Error).message}`);
  }
  const dataStart = Math.ceil((12 + headerLength) / 8) * 8;
  const tensors = header.tensors.map((t): CheckpointTensor => {
    const count = t.dims.reduce((a, b) => a * b, 1);
    const start = dataStart + t.offset;
    if (start + count * 4 > blob.length)
      throw new CheckpointFormatError(`tensor ${t.name} (${t.slot}) is truncated`);
    // A copy: the result owns its memory (aligned, and independent of the blob's buffer).
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(blob.subarray(start, start + count * 4));
    return { name: t.name, slot: t.slot, dims: t.dims, data };
  });
  return {
    step: header.step,
    modelId: header.modelId,
    config: header.config as Config,
    tensors,
    ...(header.extra !== undefined ? { extra: header.extra } : {}),
  };
}

/** SHA-256 of the model bytes as hex: the identity a checkpoint is tied to. */
export async function modelIdentity(modelBytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', modelBytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
