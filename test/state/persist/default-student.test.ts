import { describe, expect, it } from 'vitest';
import { adoptScenesStudent, MIGRATIONS, runMigrations } from '../../../src/state/persist/schema';
import { HUB_MODEL_ID, SCENES_STUDENT_ID } from '../../../src/state/slices/settings';

/** A version-1 saved state with this model (the rest as a v1 studio wrote it). */
const saved = (model: unknown) => ({
  cards: {},
  order: [],
  settings: {
    model,
    device: 'wasm',
    generation: { strategy: 'greedy', numBeams: 3, maxNewTokens: 12, batchSize: 4 },
  },
  paused: false,
});

describe('the trained scenes student as the new default (persisted state v1 → v2)', () => {
  it('moves settings that still hold the old default to the trained student, keeping everything else', () => {
    const migrated = runMigrations(saved({ kind: 'id', modelId: HUB_MODEL_ID }), 1, 2, MIGRATIONS);
    expect(migrated).toEqual({
      ...saved({ kind: 'id', modelId: SCENES_STUDENT_ID }),
    });
  });

  it('keeps a model the user chose', () => {
    for (const model of [
      { kind: 'id', modelId: 'tiny-random/vit-gpt2' },
      { kind: 'id', modelId: 'someone/another-captioner' },
      { kind: 'folder', name: 'my-model', fileCount: 9 },
    ]) {
      expect(runMigrations(saved(model), 1, 2, MIGRATIONS)).toEqual(saved(model));
    }
  });

  it('leaves a state without settings as it is (readPersisted fills in defaults)', () => {
    expect(adoptScenesStudent({ cards: {} })).toEqual({ cards: {} });
    expect(adoptScenesStudent(null)).toBeNull();
  });
});
