import { SchemaMigrationError, SchemaTooNewError } from './errors';
import type { Areas } from './kv';
import { SCHEMA_VERSION, SCHEMA_VERSION_KEY } from './schema';

export interface Migration {
  from: number;
  to: number;
  describe: string;
  migrate(areas: Areas, now: number): Promise<void>;
}

/**
 * Version 0 is "no version stored": a fresh browser profile, or data from before versioning.
 * Version 1 records when the database was created; the areas themselves need no change.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    from: 0,
    to: 1,
    describe: 'initial schema',
    migrate: async (areas, now) => {
      if ((await areas.meta.get('createdAt')) === undefined) await areas.meta.setMany([['createdAt', now]]);
    },
  },
];

/**
 * Bring the stored data to `target`, one step at a time, persisting the version after each step so
 * an interrupted upgrade continues from where it stopped. Returns the versions passed through.
 */
export async function migrate(
  areas: Areas,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
  target = SCHEMA_VERSION,
): Promise<number[]> {
  let version = (await areas.meta.get<number>(SCHEMA_VERSION_KEY)) ?? 0;
  if (version > target) throw new SchemaTooNewError(version, target);
  const path = [version];
  while (version < target) {
    const step = migrations.find((m) => m.from === version);
    if (!step) throw new SchemaMigrationError(version, `no migration from version ${version}`);
    try {
      await step.migrate(areas, now);
      await areas.meta.setMany([[SCHEMA_VERSION_KEY, step.to]]);
    } catch (error) {
      throw new SchemaMigrationError(version, `"${step.describe}" failed`, error);
    }
    version = step.to;
    path.push(version);
  }
  return path;
}
