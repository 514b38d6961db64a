/**
 * Class names. FastestDet's coco.names follows Darknet's list, which spells seven COCO categories the VOC
 * way; everything downstream (CHAIR synonyms, COCO annotations, the critic) speaks COCO's names.
 */

/** The 80 COCO detection categories, in the order of their category ids. */
// prettier-ignore
export const COCO_CATEGORIES: readonly string[] = Object.freeze([
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
  'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
  'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
  'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard',
  'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase',
  'scissors', 'teddy bear', 'hair drier', 'toothbrush',
]);

/** Darknet/VOC spellings found in detector label files → COCO's names. */
export const VOC_TO_COCO: Readonly<Record<string, string>> = Object.freeze({
  aeroplane: 'airplane',
  motorbike: 'motorcycle',
  sofa: 'couch',
  pottedplant: 'potted plant',
  diningtable: 'dining table',
  tvmonitor: 'tv',
  'hair dryer': 'hair drier',
  donuts: 'donut',
  cellphone: 'cell phone',
});

const COCO_SET = new Set(COCO_CATEGORIES);

export class UnknownClassNameError extends Error {
  override readonly name = 'UnknownClassNameError';
}

export function toCocoName(name: string): string {
  const n = name.trim().toLowerCase();
  const mapped = VOC_TO_COCO[n] ?? n;
  if (!COCO_SET.has(mapped)) throw new UnknownClassNameError(`"${name}" is not a COCO category.`);
  return mapped;
}

/** Parses a names file (one class a line, blank lines ignored) and maps every name to COCO's. */
export function parseClassNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map(toCocoName);
}

/** COCO's supercategory of each category (from the COCO 2017 annotations' `categories`). */
// prettier-ignore
const SUPERCATEGORY_RANGES: ReadonlyArray<readonly [string, number, number]> = [
  ['person', 0, 0], ['vehicle', 1, 8], ['outdoor', 9, 13], ['animal', 14, 23], ['accessory', 24, 28],
  ['sports', 29, 38], ['kitchen', 39, 45], ['food', 46, 55], ['furniture', 56, 61], ['electronic', 62, 67],
  ['appliance', 68, 72], ['indoor', 73, 79],
];

export function cocoSupercategory(category: string): string | undefined {
  const i = COCO_CATEGORIES.indexOf(category);
  return SUPERCATEGORY_RANGES.find(([, from, to]) => i >= from && i <= to)?.[0];
}
