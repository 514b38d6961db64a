/** An ONNX model being edited: model-level fields plus an editable Graph. */
import { decodeModel, encodeModel } from '../proto/model-io';
import type { ModelProto, OperatorSetIdProto } from '../proto/types';
import { Graph } from './graph';

/** The model imports no version of an operator set the caller needs. */
export class MissingOpsetError extends Error {
  override readonly name = 'MissingOpsetError';
}

export class OnnxModel {
  /** Model fields other than the graph (ir_version, opset_import, producer, metadata, unknown fields). */
  readonly header: Omit<ModelProto, 'graph'>;
  readonly graph: Graph;

  constructor(proto: ModelProto) {
    const { graph, ...header } = proto;
    this.header = { ...header, opsetImport: [...(header.opsetImport ?? [])] };
    this.graph = new Graph(graph ?? {});
  }

  /** Initializer data stays a view into `bytes` (zero-copy): keep `bytes` alive and unmodified. */
  static decode(bytes: Uint8Array): OnnxModel {
    return new OnnxModel(decodeModel(bytes));
  }

  toProto(): ModelProto {
    return { ...this.header, graph: this.graph.toProto() };
  }

  encode(): Uint8Array {
    return encodeModel(this.toProto());
  }

  /** A copy that can be edited without touching this one (tensor data is shared, not copied). */
  clone(): OnnxModel {
    const m = new OnnxModel({ ...this.header, opsetImport: this.opsetImports.map((o) => ({ ...o })) });
    (m as { graph: Graph }).graph = this.graph.clone();
    return m;
  }

  get opsetImports(): OperatorSetIdProto[] {
    return this.header.opsetImport!;
  }

  /** The imported version of `domain` ('' and 'ai.onnx' are the same domain), or undefined. */
  opsetVersion(domain = ''): number | undefined {
    const norm = (d: string | undefined): string => (d === 'ai.onnx' ? '' : (d ?? ''));
    return this.opsetImports.find((o) => norm(o.domain) === norm(domain))?.version;
  }

  requireOpset(domain = ''): number {
    const v = this.opsetVersion(domain);
    if (v === undefined) throw new MissingOpsetError(`the model imports no '${domain || 'ai.onnx'}' opset`);
    return v;
  }
}
