/**
 * Field tables of the ONNX messages this codec models: the one place that says which protobuf field number
 * holds which property and how it is encoded. Field numbers are from onnx.proto (proto2); `packed` marks the
 * fields onnx.proto declares `[packed = true]`, which is how protobuf writes them (the decoder accepts both).
 */

export type ScalarKind = 'int32' | 'int64' | 'int64big' | 'uint64big' | 'float' | 'double';
export type FieldKind = ScalarKind | 'string' | 'bytes' | 'message';

export interface FieldSpec {
  readonly no: number;
  readonly key: string;
  readonly kind: FieldKind;
  readonly repeated?: boolean;
  readonly packed?: boolean;
  readonly message?: () => MessageSpec;
}

export interface MessageSpec {
  readonly name: string;
  /** Sorted by field number: the order protobuf serializers write them in. */
  readonly fields: readonly FieldSpec[];
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
}

function message(name: string, fields: FieldSpec[]): MessageSpec {
  const sorted = [...fields].sort((a, b) => a.no - b.no);
  return { name, fields: sorted, byNumber: new Map(sorted.map((f) => [f.no, f])) };
}

const str = (no: number, key: string, repeated = false): FieldSpec => ({ no, key, kind: 'string', repeated });
const msg = (no: number, key: string, m: () => MessageSpec, repeated = false): FieldSpec => ({
  no,
  key,
  kind: 'message',
  message: m,
  repeated,
});

export const StringStringEntrySpec: MessageSpec = message('StringStringEntryProto', [
  str(1, 'key'),
  str(2, 'value'),
]);
const entries = (no: number, key: string): FieldSpec => msg(no, key, () => StringStringEntrySpec, true);

export const OperatorSetIdSpec: MessageSpec = message('OperatorSetIdProto', [
  str(1, 'domain'),
  { no: 2, key: 'version', kind: 'int64' },
]);

export const TensorSpec: MessageSpec = message('TensorProto', [
  { no: 1, key: 'dims', kind: 'int64', repeated: true },
  { no: 2, key: 'dataType', kind: 'int32' },
  { no: 4, key: 'floatData', kind: 'float', repeated: true, packed: true },
  { no: 5, key: 'int32Data', kind: 'int32', repeated: true, packed: true },
  { no: 6, key: 'stringData', kind: 'bytes', repeated: true },
  { no: 7, key: 'int64Data', kind: 'int64big', repeated: true, packed: true },
  str(8, 'name'),
  { no: 9, key: 'rawData', kind: 'bytes' },
  { no: 10, key: 'doubleData', kind: 'double', repeated: true, packed: true },
  { no: 11, key: 'uint64Data', kind: 'uint64big', repeated: true, packed: true },
  str(12, 'docString'),
  entries(13, 'externalData'),
  { no: 14, key: 'dataLocation', kind: 'int32' },
  entries(16, 'metadataProps'),
]);

export const DimensionSpec: MessageSpec = message('TensorShapeProto.Dimension', [
  { no: 1, key: 'dimValue', kind: 'int64' },
  str(2, 'dimParam'),
  str(3, 'denotation'),
]);

export const TensorShapeSpec: MessageSpec = message('TensorShapeProto', [
  msg(1, 'dim', () => DimensionSpec, true),
]);

export const TypeTensorSpec: MessageSpec = message('TypeProto.Tensor', [
  { no: 1, key: 'elemType', kind: 'int32' },
  msg(2, 'shape', () => TensorShapeSpec),
]);

export const TypeSequenceSpec: MessageSpec = message('TypeProto.Sequence', [
  msg(1, 'elemType', () => TypeSpec),
]);

export const TypeMapSpec: MessageSpec = message('TypeProto.Map', [
  { no: 1, key: 'keyType', kind: 'int32' },
  msg(2, 'valueType', () => TypeSpec),
]);

export const TypeSpec: MessageSpec = message('TypeProto', [
  msg(1, 'tensorType', () => TypeTensorSpec),
  msg(4, 'sequenceType', () => TypeSequenceSpec),
  msg(5, 'mapType', () => TypeMapSpec),
  str(6, 'denotation'),
  // TypeProto.Optional has the same layout as Sequence (elem_type = 1).
  msg(9, 'optionalType', () => TypeSequenceSpec),
]);

export const ValueInfoSpec: MessageSpec = message('ValueInfoProto', [
  str(1, 'name'),
  msg(2, 'type', () => TypeSpec),
  str(3, 'docString'),
  entries(4, 'metadataProps'),
]);

export const AttributeSpec: MessageSpec = message('AttributeProto', [
  str(1, 'name'),
  { no: 2, key: 'f', kind: 'float' },
  { no: 3, key: 'i', kind: 'int64big' },
  { no: 4, key: 's', kind: 'bytes' },
  msg(5, 't', () => TensorSpec),
  msg(6, 'g', () => GraphSpec),
  { no: 7, key: 'floats', kind: 'float', repeated: true },
  { no: 8, key: 'ints', kind: 'int64big', repeated: true },
  { no: 9, key: 'strings', kind: 'bytes', repeated: true },
  msg(10, 'tensors', () => TensorSpec, true),
  msg(11, 'graphs', () => GraphSpec, true),
  str(13, 'docString'),
  msg(14, 'tp', () => TypeSpec),
  msg(15, 'typeProtos', () => TypeSpec, true),
  { no: 20, key: 'type', kind: 'int32' },
  str(21, 'refAttrName'),
]);

export const NodeSpec: MessageSpec = message('NodeProto', [
  str(1, 'input', true),
  str(2, 'output', true),
  str(3, 'name'),
  str(4, 'opType'),
  msg(5, 'attribute', () => AttributeSpec, true),
  str(6, 'docString'),
  str(7, 'domain'),
  str(8, 'overload'),
  entries(9, 'metadataProps'),
]);

export const GraphSpec: MessageSpec = message('GraphProto', [
  msg(1, 'node', () => NodeSpec, true),
  str(2, 'name'),
  msg(5, 'initializer', () => TensorSpec, true),
  str(10, 'docString'),
  msg(11, 'input', () => ValueInfoSpec, true),
  msg(12, 'output', () => ValueInfoSpec, true),
  msg(13, 'valueInfo', () => ValueInfoSpec, true),
  entries(16, 'metadataProps'),
]);

export const FunctionSpec: MessageSpec = message('FunctionProto', [
  str(1, 'name'),
  str(4, 'input', true),
  str(5, 'output', true),
  str(6, 'attribute', true),
  msg(7, 'node', () => NodeSpec, true),
  str(8, 'docString'),
  msg(9, 'opsetImport', () => OperatorSetIdSpec, true),
  str(10, 'domain'),
  msg(11, 'attributeProto', () => AttributeSpec, true),
  msg(12, 'valueInfo', () => ValueInfoSpec, true),
  str(13, 'overload'),
  entries(14, 'metadataProps'),
]);

export const ModelSpec: MessageSpec = message('ModelProto', [
  { no: 1, key: 'irVersion', kind: 'int64' },
  str(2, 'producerName'),
  str(3, 'producerVersion'),
  str(4, 'domain'),
  { no: 5, key: 'modelVersion', kind: 'int64' },
  str(6, 'docString'),
  msg(7, 'graph', () => GraphSpec),
  msg(8, 'opsetImport', () => OperatorSetIdSpec, true),
  entries(14, 'metadataProps'),
  msg(25, 'functions', () => FunctionSpec, true),
]);
