export * from './types';
export { decodeModel, encodeModel, decodeTensor, encodeTensor } from './model-io';
export { ProtobufDecodeError } from './wire';
export * from './tensor';
