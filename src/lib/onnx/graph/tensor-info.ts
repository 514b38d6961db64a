/** What is known about a tensor without running the graph: element type, rank, and each dim if known. */
import type { TypeProto, ValueInfoProto } from '../proto/types';

/** A dimension: a number when static, a symbol (dim_param, e.g. 'batch') when named, null when unknown. */
export type Dim = number | string | null;

export interface TensorInfo {
  readonly dtype: number;
  /** null when even the rank is unknown. */
  readonly dims: readonly Dim[] | null;
}

export function isStatic(dims: readonly Dim[] | null | undefined): dims is readonly number[] {
  return !!dims && dims.every((d) => typeof d === 'number');
}

export function tensorType(dtype: number, dims: readonly Dim[] | null): TypeProto {
  if (dims === null) return { tensorType: { elemType: dtype } };
  return {
    tensorType: {
      elemType: dtype,
      shape: {
        dim: dims.map((d) =>
          typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {},
        ),
      },
    },
  };
}

export function makeValueInfo(name: string, dtype: number, dims: readonly Dim[] | null): ValueInfoProto {
  return { name, type: tensorType(dtype, dims) };
}

/** The tensor info a ValueInfoProto declares, or undefined when it declares no tensor type. */
export function infoOfValueInfo(vi: ValueInfoProto): TensorInfo | undefined {
  const tt = vi.type?.tensorType;
  if (!tt || tt.elemType === undefined) return undefined;
  const dims = tt.shape ? (tt.shape.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? null) : null;
  return { dtype: tt.elemType, dims };
}
