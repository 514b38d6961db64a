import { imageMetaFromRecord, type StoredImage } from '../../../src/lib/store';
import type { IngestRecord } from '../../../src/lib/ingest';
import { imageId } from '../../../src/lib/ingest';

/** A stored image built from arbitrary bytes (the store never decodes, so no real image is needed). */
export async function storedImage(
  name: string,
  seed: number,
  fileSize = 1000,
  addedAt = seed,
): Promise<StoredImage> {
  const file = Uint8Array.from({ length: fileSize }, (_, i) => (i * 131 + seed * 17) % 256);
  const thumbnail = { width: 2, height: 1, data: Uint8Array.from([seed, 0, 0, 255, 0, seed, 0, 255]) };
  const record: IngestRecord = {
    id: await imageId(file),
    name,
    mime: 'image/png',
    format: 'png',
    byteLength: file.byteLength,
    width: 2,
    height: 1,
    sourceWidth: 2,
    sourceHeight: 1,
    orientation: 1,
    info: { bitDepth: 8, colorType: 'rgb', hasAlpha: false, animated: false, frameCount: 1 },
    pixels: thumbnail,
    thumbnail,
    warnings: [],
  };
  return { meta: imageMetaFromRecord(record, addedAt), file, thumbnail };
}
