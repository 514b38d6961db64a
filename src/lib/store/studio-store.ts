import { ContentCache } from './cache';
import { CaptionRepository } from './captions';
import { CheckpointRepository } from './checkpoints';
import { ImageRepository } from './images';
import { JobRepository } from './jobs';
import { openAreas, type StoreBackend } from './kv';
import { migrate, MIGRATIONS, type Migration } from './migrations';
import { repairStore, type RepairReport } from './repair';
import { SCHEMA_VERSION } from './schema';
import { SettingsRepository } from './settings';

export interface StorageEstimate {
  usage: number;
  quota: number;
}

export interface OpenStoreOptions {
  backend: StoreBackend;
  /** navigator.storage.estimate in the browser; absent where the platform has none. */
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  now?: () => number;
  /** For tests of the migration machinery; the studio uses MIGRATIONS and SCHEMA_VERSION. */
  migrations?: readonly Migration[];
  schemaVersion?: number;
}

export interface StudioStore {
  readonly images: ImageRepository;
  readonly captions: CaptionRepository;
  readonly jobs: JobRepository;
  readonly settings: SettingsRepository;
  readonly cache: ContentCache;
  readonly checkpoints: CheckpointRepository;
  readonly schemaVersion: number;
  /** Versions passed through while opening, e.g. [0, 1] for a fresh database. */
  readonly migratedFrom: number[];
  readonly repairReport: RepairReport & { requeuedJobs: string[] };
  /** An image with all its captions. */
  deleteImage(id: string): Promise<void>;
  estimate(): Promise<StorageEstimate | undefined>;
}

/** Open (migrating and repairing as needed) the studio's database. */
export async function openStudioStore(options: OpenStoreOptions): Promise<StudioStore> {
  const now = options.now ?? Date.now;
  const areas = openAreas(options.backend);
  const schemaVersion = options.schemaVersion ?? SCHEMA_VERSION;
  const migratedFrom = await migrate(areas, now(), options.migrations ?? MIGRATIONS, schemaVersion);
  const images = new ImageRepository(areas.images);
  const captions = new CaptionRepository(areas.captions, now);
  const jobs = new JobRepository(areas.jobs, now);
  const repaired = await repairStore(areas);
  const requeuedJobs = await jobs.requeueInterrupted();
  return {
    images,
    captions,
    jobs,
    settings: new SettingsRepository(areas.settings),
    cache: new ContentCache(areas.cache),
    checkpoints: new CheckpointRepository(areas.checkpoints, now),
    schemaVersion,
    migratedFrom,
    repairReport: { ...repaired, requeuedJobs },
    async deleteImage(id) {
      await images.delete(id);
      await captions.deleteForImage(id);
    },
    async estimate() {
      if (!options.estimate) return undefined;
      const { usage = 0, quota = 0 } = await options.estimate();
      return { usage, quota };
    },
  };
}
