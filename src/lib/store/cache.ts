import { guardWrite } from './errors';
import type { KvArea } from './kv';

/** Content-addressed results (teacher evidence, critiques…): a rerun with the same inputs is a hit. */
export class ContentCache {
  constructor(private readonly area: KvArea) {}

  get<T>(key: string): Promise<T | undefined> {
    return this.area.get<T>(key);
  }

  async has(key: string): Promise<boolean> {
    return (await this.area.get(key)) !== undefined;
  }

  async put(key: string, value: unknown, what = 'a cached result'): Promise<void> {
    await guardWrite(what, () => this.area.setMany([[key, value]]));
  }

  delete(key: string): Promise<void> {
    return this.area.delMany([key]);
  }
}
