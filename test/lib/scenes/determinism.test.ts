import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../scripts/scenes-node';
import { TINY_COCO } from './helpers';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

async function generate(seed: number): Promise<Record<string, string>> {
  const out = mkdtempSync(join(tmpdir(), 'capgrad-scenes-'));
  dirs.push(out);
  await main([
    '--data',
    TINY_COCO,
    '--out',
    out,
    '--seed',
    String(seed),
    '--train',
    '6',
    '--test',
    '2',
    '--size',
    '64',
    '--categories',
    'person,chair,dog',
    '--bias',
    'chair:person',
  ]);
  return hashes(out);
}

describe('scene generator, end to end (scripts/scenes-node.ts)', () => {
  it('writes the same bytes for the same seed and inputs, and different images for another seed', async () => {
    const first = await generate(3);
    const second = await generate(3);
    const other = await generate(4);
    expect(Object.keys(first)).toContain('scenes.json');
    expect(Object.keys(first)).toContain('train/images/train-000000.png');
    expect(Object.keys(first)).toContain('heldout/captions.json');
    expect(second).toEqual(first);
    const images = Object.keys(first).filter((f) => f.endsWith('.png'));
    expect(images).toHaveLength(6 + 5 * 2);
    expect(images.filter((f) => other[f] !== first[f]).length).toBeGreaterThan(images.length / 2);
  });
});
