import { ownBytes } from './bytes';
import { formatBytes, guardWrite } from './errors';
import { keysWithPrefix, type KvArea } from './kv';
import type { CheckpointMeta } from './schema';

const metaKey = (id: string) => `meta/${id}`;
const dataKey = (id: string) => `data/${id}`;

/** Binary checkpoints by id; listing reads only the small descriptions. */
export class CheckpointRepository {
  constructor(
    private readonly area: KvArea,
    private readonly now: () => number,
  ) {}

  async put(checkpoint: { id: string; label: string; bytes: Uint8Array; extra?: Record<string, unknown> }) {
    const { id, label, bytes, extra } = checkpoint;
    const meta: CheckpointMeta = {
      id,
      label,
      byteLength: bytes.byteLength,
      createdAt: this.now(),
      ...(extra && { extra }),
    };
    await guardWrite(`checkpoint "${label}" (${formatBytes(bytes.byteLength)})`, () =>
      this.area.setMany([
        [dataKey(id), ownBytes(bytes)],
        [metaKey(id), meta],
      ]),
    );
    return meta;
  }

  get(id: string): Promise<Uint8Array | undefined> {
    return this.area.get<Uint8Array>(dataKey(id));
  }

  async list(): Promise<CheckpointMeta[]> {
    const metas = await this.area.getMany<CheckpointMeta>(await keysWithPrefix(this.area, 'meta/'));
    return metas
      .filter((m): m is CheckpointMeta => m !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  delete(id: string): Promise<void> {
    return this.area.delMany([metaKey(id), dataKey(id)]);
  }
}
