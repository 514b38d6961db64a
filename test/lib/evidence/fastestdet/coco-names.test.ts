import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COCO_CATEGORIES,
  UnknownClassNameError,
  parseClassNames,
  toCocoName,
} from '../../../../src/lib/evidence/fastestdet/coco-names';
import { FASTESTDET_DIR } from '../helpers/real-data';

describe('COCO name mapping', () => {
  it("maps FastestDet's coco.names onto COCO's 80 categories, in COCO order", () => {
    const raw = readFileSync(join(FASTESTDET_DIR, 'coco.names'), 'utf8');
    const names = parseClassNames(raw);
    expect(names).toEqual(COCO_CATEGORIES);
    // The file really does use the VOC spellings this mapping exists for.
    const lines = raw.split('\n').map((l) => l.trim());
    for (const voc of ['tvmonitor', 'diningtable', 'pottedplant', 'motorbike', 'sofa', 'aeroplane']) {
      expect(lines).toContain(voc);
    }
  });

  it('maps each VOC spelling to the COCO name', () => {
    expect(toCocoName('tvmonitor')).toBe('tv');
    expect(toCocoName('diningtable')).toBe('dining table');
    expect(toCocoName('pottedplant')).toBe('potted plant');
    expect(toCocoName('motorbike')).toBe('motorcycle');
    expect(toCocoName('sofa')).toBe('couch');
    expect(toCocoName('aeroplane')).toBe('airplane');
    expect(toCocoName(' Cat ')).toBe('cat');
  });

  it('refuses names that are not COCO categories', () => {
    expect(() => toCocoName('unicorn')).toThrow(UnknownClassNameError);
    expect(() => parseClassNames('person\nlamp\n')).toThrow(/"lamp"/);
  });
});
