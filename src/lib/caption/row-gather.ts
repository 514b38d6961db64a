import { GenerationError } from '../core/errors';
import type { TensorFactory, TensorLike } from './session';
import { elementCount, readFloat32 } from './session';

/**
 * Builds a tensor whose row r (axis 0) is row `rows[r]` of `source`: beam search uses it to expand the
 * encoder output to one row per beam and to reorder the KV cache after each step. The source is not
 * disposed. The CPU version downloads GPU tensors; a GPU version can replace it behind this interface.
 */
export interface RowGather {
  gather(source: TensorLike, rows: readonly number[]): Promise<TensorLike>;
}

export function cpuRowGather(tensors: TensorFactory): RowGather {
  return {
    async gather(source, rows) {
      const [sourceRows, ...rest] = source.dims;
      if (sourceRows === undefined) throw new GenerationError('cannot gather rows of a scalar');
      const rowSize = elementCount(rest);
      const data = await readFloat32(source, 'gathered tensor');
      const out = new Float32Array(rows.length * rowSize);
      rows.forEach((row, r) => {
        if (!Number.isInteger(row) || row < 0 || row >= sourceRows) {
          throw new GenerationError(`row ${row} outside a tensor of ${sourceRows} rows`);
        }
        out.set(data.subarray(row * rowSize, (row + 1) * rowSize), r * rowSize);
      });
      return tensors.float32(out, [rows.length, ...rest]);
    },
  };
}

export function isIdentity(rows: readonly number[]): boolean {
  return rows.every((row, i) => row === i);
}
