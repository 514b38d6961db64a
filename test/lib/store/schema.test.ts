import { describe, expect, it } from 'vitest';
import {
  idbKeyvalBackend,
  MIGRATIONS,
  openStudioStore,
  SCHEMA_VERSION,
  SchemaMigrationError,
  SchemaTooNewError,
  type Migration,
} from '../../../src/lib/store';
import { freshBackend } from './helpers';

describe('schema version and migrations', () => {
  it('an empty database (v0) is migrated to the current version, and the version is persisted', async () => {
    const { backend, prefix } = freshBackend();
    const store = await openStudioStore({ backend, now: () => 1234 });
    expect(store.migratedFrom).toEqual([0, SCHEMA_VERSION]);
    expect(await backend('meta').get('schemaVersion')).toBe(SCHEMA_VERSION);
    expect(await backend('meta').get('createdAt')).toBe(1234);
    // A second open (a reload, with a new connection) migrates nothing.
    const again = await openStudioStore({ backend: idbKeyvalBackend(prefix), now: () => 9999 });
    expect(again.migratedFrom).toEqual([SCHEMA_VERSION]);
    expect(await backend('meta').get('createdAt')).toBe(1234);
  });

  it('runs steps in order, persisting each, and later steps see earlier results', async () => {
    const { backend } = freshBackend();
    const seen: string[] = [];
    const renameSetting: Migration = {
      from: 1,
      to: 2,
      describe: 'rename setting beams -> numBeams',
      migrate: async (areas) => {
        seen.push(`v1->v2 sees version ${String(await areas.meta.get('schemaVersion'))}`);
        const beams = await areas.settings.get<number>('beams');
        await areas.settings.setMany([['numBeams', beams ?? 1]]);
        await areas.settings.delMany(['beams']);
      },
    };
    const v1 = await openStudioStore({ backend });
    await v1.settings.set('beams', 4);
    const v2 = await openStudioStore({
      backend,
      migrations: [...MIGRATIONS, renameSetting],
      schemaVersion: 2,
    });
    expect(v2.migratedFrom).toEqual([1, 2]);
    expect(seen).toEqual(['v1->v2 sees version 1']);
    expect(await v2.settings.all()).toEqual({ numBeams: 4 });
    expect(await backend('meta').get('schemaVersion')).toBe(2);
  });

  it('a failed step leaves the version where it was, and says which step failed', async () => {
    const { backend } = freshBackend();
    await openStudioStore({ backend });
    const failing: Migration = {
      from: 1,
      to: 2,
      describe: 'boom',
      migrate: () => Promise.reject(new Error('disk on fire')),
    };
    const error = await openStudioStore({
      backend,
      migrations: [...MIGRATIONS, failing],
      schemaVersion: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaMigrationError);
    expect((error as Error).message).toContain('"boom" failed');
    expect(await backend('meta').get('schemaVersion')).toBe(1);
  });

  it('refuses data written by a newer studio instead of misreading it', async () => {
    const { backend } = freshBackend();
    await backend('meta').setMany([['schemaVersion', SCHEMA_VERSION + 1]]);
    await expect(openStudioStore({ backend })).rejects.toBeInstanceOf(SchemaTooNewError);
  });

  it('a gap in the migration list is an error, not a silent skip', async () => {
    const { backend } = freshBackend();
    await expect(openStudioStore({ backend, migrations: [], schemaVersion: 1 })).rejects.toMatchObject({
      name: 'SchemaMigrationError',
    });
  });
});
