/** The parts of COCO's instances.json the scene generator reads and writes. */

export interface CocoImageEntry {
  readonly id: number;
  readonly file_name: string;
  readonly width: number;
  readonly height: number;
}

export interface CocoInstanceAnnotation {
  readonly id: number;
  readonly image_id: number;
  readonly category_id: number;
  /** [x, y, w, h] in pixels. */
  readonly bbox: readonly number[];
  readonly iscrowd: number;
  /** Polygons (flat [x0, y0, x1, y1, …]) when iscrowd is 0; RLE otherwise. */
  readonly segmentation: readonly (readonly number[])[] | object;
  readonly area?: number;
}

export interface CocoCategory {
  readonly id: number;
  readonly name: string;
}

export interface CocoInstances {
  readonly images: readonly CocoImageEntry[];
  readonly annotations: readonly CocoInstanceAnnotation[];
  readonly categories: readonly CocoCategory[];
}

/** One source folder: its label (used in keys and the manifest) and its parsed instances.json. */
export interface SourceDataset {
  readonly name: string;
  readonly instances: CocoInstances;
}
