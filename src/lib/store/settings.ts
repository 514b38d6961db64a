import { guardWrite } from './errors';
import type { KvArea } from './kv';

/** Named settings; their meaning and defaults belong to the UI's settings slice. */
export class SettingsRepository {
  constructor(private readonly area: KvArea) {}

  get<T>(key: string): Promise<T | undefined> {
    return this.area.get<T>(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    await guardWrite(`the setting "${key}"`, () => this.area.setMany([[key, value]]));
  }

  async all(): Promise<Record<string, unknown>> {
    const keys = await this.area.keys();
    const values = await this.area.getMany(keys);
    return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
  }
}
