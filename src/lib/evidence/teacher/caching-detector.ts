/**
 * A RegionDetector that answers from the cache where it can and sends only the missing crops to the real
 * detector, in chunks of `batch` crops (the detector splits further by its own batch limit). Results keep
 * the input order, so detectAcrossCrops maps them back unchanged.
 */
import type { DetectorInput, RegionDetection, RegionDetector } from '../detector';
import type { RasterImage } from '../raster';
import type { ImageRef, TeacherCache } from './cache';
import { detectorCacheKey } from './cache';

export class CachingDetector implements RegionDetector {
  readonly id: string;
  readonly source: string;
  /** Crops asked for, and crops the real detector had to run. */
  asked = 0;
  ran = 0;
  /** Crops run per image id. */
  readonly ranByImage = new Map<string, number>();

  constructor(
    private readonly inner: RegionDetector,
    private readonly cache: TeacherCache,
    /** Which image each raster is (the cache key needs its hash). */
    private readonly images: ReadonlyMap<RasterImage, ImageRef>,
    private readonly batch: number,
    private readonly onChunk?: (done: number, total: number) => void,
  ) {
    this.id = inner.id;
    this.source = inner.source;
  }

  async detect(inputs: readonly DetectorInput[], signal?: AbortSignal): Promise<RegionDetection[][]> {
    const keys = await Promise.all(
      inputs.map(({ image, region }) => {
        const ref = this.images.get(image);
        if (ref === undefined) throw new Error('CachingDetector: an image without an id');
        return detectorCacheKey(ref, this.inner.id, region);
      }),
    );
    const results: Array<RegionDetection[] | undefined> = await Promise.all(
      keys.map((k) => this.cache.get<RegionDetection[]>(k)),
    );
    const missing = results.flatMap((r, i) => (r === undefined ? [i] : []));
    this.asked += inputs.length;
    let done = inputs.length - missing.length;
    this.onChunk?.(done, inputs.length);
    for (let start = 0; start < missing.length; start += this.batch) {
      signal?.throwIfAborted();
      const chunk = missing.slice(start, start + this.batch);
      const found = await this.inner.detect(
        chunk.map((i) => inputs[i]!),
        signal,
      );
      this.ran += chunk.length;
      for (const i of chunk) {
        const id = this.images.get(inputs[i]!.image)!.imageId;
        this.ranByImage.set(id, (this.ranByImage.get(id) ?? 0) + 1);
      }
      for (let j = 0; j < chunk.length; j++) {
        const i = chunk[j]!;
        results[i] = found[j] ?? [];
        await this.cache.put(keys[i]!, results[i], 'detector boxes');
      }
      done += chunk.length;
      this.onChunk?.(done, inputs.length);
    }
    return results.map((r) => r ?? []);
  }
}
