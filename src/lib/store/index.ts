export * from './schema';
export * from './errors';
export { AREA_NAMES, type AreaName, type KvArea, type StoreBackend, type Areas } from './kv';
export { idbKeyvalBackend } from './idb-keyval-backend';
export { MIGRATIONS, migrate, type Migration } from './migrations';
export { repairStore, type RepairReport } from './repair';
export { ImageRepository, imageKeys, type StoredImage } from './images';
export { CaptionRepository, captionKey } from './captions';
export { JobRepository, pendingItems } from './jobs';
export { SettingsRepository } from './settings';
export { ContentCache } from './cache';
export { cacheKey, canonicalJson, type CacheKeyParts } from './cache-key';
export { CheckpointRepository } from './checkpoints';
export {
  openStudioStore,
  type StudioStore,
  type OpenStoreOptions,
  type StorageEstimate,
} from './studio-store';
