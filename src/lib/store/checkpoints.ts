import { ownBytes } from './bytes';
import { formatBytes, guardWrite } from './errors';
import { keysWithPrefix, type KvArea } from './kv';
import type { CheckpointMeta } from './schema';
import { readBytes, readCheckpointMetas } from './stored';

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

  async get(id: string): Promise<Uint8Array | undefined> {
    return readBytes(await this.area.get(dataKey(id)));
  }

  async list(): Promise<CheckpointMeta[]> {
    const metas = readCheckpointMetas(await this.area.getMany(await keysWithPrefix(this.area, 'meta/')));
    return metas.sort((a, b) => a.createdAt - b.createdAt);
  }

  delete(id: string): Promise<void> {
    return this.area.delMany([metaKey(id), dataKey(id)]);
  }
}
