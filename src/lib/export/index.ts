export * from './errors';
export { planZip32, toDosDateTime, fromDosDateTime, validateEntryName, MAX_ZIP32_SIZE } from './zip-format';
export {
  writeZip,
  concatChunks,
  type DeflateRaw,
  type ZipInputEntry,
  type ZipOutput,
  type ZipWriteOptions,
} from './zip-writer';
export * from './model-folder';
export * from './caption-dataset';
export * from './bundles';
