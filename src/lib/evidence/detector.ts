/** What the evidence path needs from any object detector; FastestDetDetector is one. */
import type { Box } from './boxes';
import type { PixelRegion, RasterImage } from './raster';

export interface DetectorInput {
  readonly image: RasterImage;
  readonly region: PixelRegion;
}

export interface RegionDetection {
  /** COCO category name. */
  readonly label: string;
  readonly score: number;
  /** Fractions of the region (0..1). */
  readonly box: Box;
}

export interface RegionDetector {
  /** Model id and revision, part of cache keys. */
  readonly id: string;
  /** Short source name stored with every detection, e.g. 'fastestdet'. */
  readonly source: string;
  /** One result list per input, in input order. */
  detect(inputs: readonly DetectorInput[], signal?: AbortSignal): Promise<RegionDetection[][]>;
}
