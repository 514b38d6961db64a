import { describe, expect, it } from 'vitest';
import {
  PersistedStateTooNewError,
  PersistedStateUnreadableError,
  runMigrations,
} from '../../../src/state/persist/schema';

describe('runMigrations', () => {
  // Synthetic steps: the real table is empty while version 1 is the only one.
  const steps = {
    1: (s: unknown) => ({ ...(s as object), renamed: (s as { old: number }).old }),
    2: (s: unknown) => ({ ...(s as object), added: true }),
  };

  it('applies every step from the stored version up to the current one, in order', () => {
    expect(runMigrations({ old: 5 }, 1, 3, steps)).toEqual({ old: 5, renamed: 5, added: true });
    expect(runMigrations({ old: 5 }, 2, 3, steps)).toEqual({ old: 5, added: true });
    expect(runMigrations({ old: 5 }, 3, 3, steps)).toEqual({ old: 5 });
  });

  it('refuses a state from a newer studio and a version with no path', () => {
    expect(() => runMigrations({}, 4, 3, steps)).toThrow(PersistedStateTooNewError);
    expect(() => runMigrations({}, 0, 3, steps)).toThrow(PersistedStateUnreadableError);
  });
});
