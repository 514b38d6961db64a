import { describe, expect, it } from 'vitest';
import {
  CaptionDatasetError,
  datasetFileNames,
  imagefolderRows,
  toCocoCaptions,
  toImagefolderJsonl,
  type CaptionRecord,
} from '../../../src/lib/export';

const hash = (c: string) => c.repeat(64);

const RECORDS: CaptionRecord[] = [
  {
    imageId: hash('a'),
    fileName: 'coco_val2017_000000039769.png',
    width: 640,
    height: 480,
    caption: ' two cats lying on a pink couch with two remote controls ',
    captionSource: 'refined',
    originalCaption: 'a cat on a bed',
    tunedCaption: 'two cats on a couch',
    scores: { critic: 0.9, clipscore: 0.71 },
    cocoId: 39769,
  },
  {
    imageId: hash('b'),
    fileName: 'IMG 0001.jpg',
    width: 10,
    height: 20,
    caption: 'a stop sign',
    captionSource: 'student',
  },
  {
    imageId: hash('c'),
    fileName: 'other/img 0001.JPG',
    width: 3,
    height: 4,
    caption: 'a dog',
    captionSource: 'user',
  },
  {
    imageId: hash('d'),
    fileName: 'C:\\photos\\a:b?.jpg',
    width: 5,
    height: 5,
    caption: 'a kite',
    captionSource: 'refined',
    cocoId: 1,
  },
];

/** The schema of one metadata.jsonl row, checked key by key and type by type. */
function checkImagefolderRow(row: Record<string, unknown>) {
  expect(Object.keys(row)).toEqual([
    'file_name',
    'text',
    'image_sha256',
    'caption_source',
    'original_caption',
    'tuned_caption',
    'scores',
    'coco_id',
  ]);
  expect(typeof row.file_name).toBe('string');
  expect(row.file_name).toMatch(/^images\/[^/\\:*?"<>|]+$/);
  expect(typeof row.text).toBe('string');
  expect(row.image_sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(['refined', 'user', 'student']).toContain(row.caption_source);
  for (const k of ['original_caption', 'tuned_caption'])
    expect(row[k] === null || typeof row[k] === 'string').toBe(true);
  expect(row.coco_id === null || Number.isInteger(row.coco_id)).toBe(true);
}

describe('file names', () => {
  it('makes names safe and unique without regard to case, keeping the extension', () => {
    const names = datasetFileNames(RECORDS);
    expect(names.get(hash('a'))).toBe('coco_val2017_000000039769.png');
    expect(names.get(hash('b'))).toBe('IMG 0001-bbbbbbbb.jpg');
    expect(names.get(hash('c'))).toBe('img 0001-cccccccc.JPG');
    expect(names.get(hash('d'))).toBe('a_b_.jpg');
  });

  it('refuses the same image twice', () => {
    expect(() => datasetFileNames([RECORDS[0]!, RECORDS[0]!])).toThrow(CaptionDatasetError);
  });
});

describe('Hugging Face imagefolder metadata.jsonl', () => {
  it('writes one JSON object per line with file_name and text first and every field on every row', () => {
    const jsonl = toImagefolderJsonl(RECORDS);
    expect(jsonl.endsWith('\n')).toBe(true);
    const lines = jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(RECORDS.length);
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    rows.forEach(checkImagefolderRow);
    expect(rows[0]).toEqual({
      file_name: 'images/coco_val2017_000000039769.png',
      text: 'two cats lying on a pink couch with two remote controls',
      image_sha256: hash('a'),
      caption_source: 'refined',
      original_caption: 'a cat on a bed',
      tuned_caption: 'two cats on a couch',
      scores: { critic: 0.9, clipscore: 0.71 },
      coco_id: 39769,
    });
    expect(rows[1]).toMatchObject({
      original_caption: null,
      tuned_caption: null,
      scores: null,
      coco_id: null,
    });
  });

  it('refuses empty captions and sizes that are not positive integers', () => {
    expect(() => imagefolderRows([{ ...RECORDS[1]!, caption: '  ' }])).toThrow(/empty caption/);
    expect(() => imagefolderRows([{ ...RECORDS[1]!, width: 0 }])).toThrow(/valid size/);
    expect(() => imagefolderRows([{ ...RECORDS[1]!, cocoId: 1.5 }])).toThrow(/COCO id/);
  });
});

describe('COCO captions JSON', () => {
  it('has images and annotations in COCO captions form, keeping matched COCO ids', () => {
    const coco = toCocoCaptions(RECORDS, { createdAt: Date.UTC(2025, 0, 1) });
    expect(Object.keys(coco)).toEqual(['info', 'licenses', 'images', 'annotations']);
    expect(coco.info.date_created).toBe('2025-01-01T00:00:00.000Z');
    expect(coco.images.map((i) => i.id)).toEqual([39769, 2, 3, 1]);
    expect(coco.images[0]).toEqual({
      id: 39769,
      file_name: 'coco_val2017_000000039769.png',
      width: 640,
      height: 480,
      image_sha256: hash('a'),
    });
    expect(coco.annotations).toEqual([
      { id: 1, image_id: 39769, caption: 'two cats lying on a pink couch with two remote controls' },
      { id: 2, image_id: 2, caption: 'a stop sign' },
      { id: 3, image_id: 3, caption: 'a dog' },
      { id: 4, image_id: 1, caption: 'a kite' },
    ]);
    // Every annotation points at an image, and ids are unique.
    const imageIds = new Set(coco.images.map((i) => i.id));
    expect(imageIds.size).toBe(coco.images.length);
    for (const a of coco.annotations) expect(imageIds.has(a.image_id)).toBe(true);
  });

  it('does not reuse a COCO id that two images claim', () => {
    const twins = [
      { ...RECORDS[1]!, cocoId: 7 },
      { ...RECORDS[2]!, cocoId: 7 },
    ];
    expect(toCocoCaptions(twins, { createdAt: 0 }).images.map((i) => i.id)).toEqual([1, 2]);
  });
});
