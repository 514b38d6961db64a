/**
 * ONNX messages as plain objects (field names in camelCase, as protobufjs spells them), following
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto. An absent optional field is `undefined`,
 * which keeps proto2 presence (a field explicitly set to 0 stays set), so decode → encode round-trips.
 *
 * int64 values that may exceed 2^53 (attribute ints, int64_data) are bigint; shapes and versions are numbers.
 * Fields this codec does not model (sparse tensors, training info, quantization annotations…) are kept as raw
 * bytes in `unknownFields` and written back unchanged.
 */

export interface WithUnknownFields {
  /** Raw tag + value bytes of fields this codec does not model, in the order they were read. */
  unknownFields?: Uint8Array[];
}

export interface StringStringEntryProto extends WithUnknownFields {
  key?: string;
  value?: string;
}

export interface OperatorSetIdProto extends WithUnknownFields {
  domain?: string;
  version?: number;
}

export interface TensorProto extends WithUnknownFields {
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: bigint[];
  name?: string;
  /** A view into the buffer the model was decoded from (zero-copy); never mutate it in place. */
  rawData?: Uint8Array;
  doubleData?: number[];
  uint64Data?: bigint[];
  docString?: string;
  externalData?: StringStringEntryProto[];
  dataLocation?: number;
  metadataProps?: StringStringEntryProto[];
}

export interface DimensionProto extends WithUnknownFields {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

export interface TensorShapeProto extends WithUnknownFields {
  dim?: DimensionProto[];
}

export interface TypeProtoTensor extends WithUnknownFields {
  elemType?: number;
  shape?: TensorShapeProto;
}

export interface TypeProtoSequence extends WithUnknownFields {
  elemType?: TypeProto;
}

export interface TypeProtoMap extends WithUnknownFields {
  keyType?: number;
  valueType?: TypeProto;
}

export interface TypeProto extends WithUnknownFields {
  tensorType?: TypeProtoTensor;
  sequenceType?: TypeProtoSequence;
  mapType?: TypeProtoMap;
  denotation?: string;
  optionalType?: TypeProtoSequence;
}

export interface ValueInfoProto extends WithUnknownFields {
  name?: string;
  type?: TypeProto;
  docString?: string;
  metadataProps?: StringStringEntryProto[];
}

export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  SPARSE_TENSOR: 11,
  TYPE_PROTO: 13,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSORS: 12,
  TYPE_PROTOS: 14,
} as const;

export interface AttributeProto extends WithUnknownFields {
  name?: string;
  f?: number;
  i?: bigint;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: bigint[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  docString?: string;
  tp?: TypeProto;
  typeProtos?: TypeProto[];
  type?: number;
  refAttrName?: string;
}

export interface NodeProto extends WithUnknownFields {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  attribute?: AttributeProto[];
  docString?: string;
  domain?: string;
  overload?: string;
  metadataProps?: StringStringEntryProto[];
}

export interface GraphProto extends WithUnknownFields {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  docString?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  metadataProps?: StringStringEntryProto[];
}

export interface FunctionProto extends WithUnknownFields {
  name?: string;
  input?: string[];
  output?: string[];
  attribute?: string[];
  node?: NodeProto[];
  docString?: string;
  opsetImport?: OperatorSetIdProto[];
  domain?: string;
  attributeProto?: AttributeProto[];
  valueInfo?: ValueInfoProto[];
  overload?: string;
  metadataProps?: StringStringEntryProto[];
}

export interface ModelProto extends WithUnknownFields {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  opsetImport?: OperatorSetIdProto[];
  metadataProps?: StringStringEntryProto[];
  functions?: FunctionProto[];
}
