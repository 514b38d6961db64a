import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUSIONS_FILE, main } from '../../../scripts/scenes-node';
import { TINY_COCO } from './helpers';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Manifest {
  excludedBackgrounds: string[];
  backgrounds: { train: string[]; test: string[] };
}

async function manifest(extra: string[]): Promise<Manifest> {
  const out = mkdtempSync(join(tmpdir(), 'capgrad-scenes-excl-'));
  dirs.push(out);
  await main([
    ...['--data', TINY_COCO, '--out', out, '--seed', '5', '--train', '2', '--test', '1', '--size', '48'],
    ...['--categories', 'person,chair,dog', '--bias', 'chair:person', ...extra],
  ]);
  return JSON.parse(readFileSync(join(out, 'scenes.json'), 'utf8')) as Manifest;
}

describe('background exclusions (scripts/scenes-node.ts)', () => {
  it('leaves out the committed list of backgrounds the detector sees objects in, unless --all-backgrounds', async () => {
    const committed = JSON.parse(readFileSync(DEFAULT_EXCLUSIONS_FILE, 'utf8')) as { backgrounds: string[] };
    expect(committed.backgrounds.length).toBeGreaterThan(0);
    expect(committed.backgrounds.every((k) => /^[^:]+:\d+$/.test(k))).toBe(true);
    expect((await manifest([])).excludedBackgrounds).toEqual([...committed.backgrounds].sort());
    expect((await manifest(['--all-backgrounds'])).excludedBackgrounds).toEqual([]);
  });

  it('reads a { backgrounds: [...] } file and uses none of its photos, without moving other photos', async () => {
    const all = await manifest(['--all-backgrounds']);
    const photos = [...all.backgrounds.train, ...all.backgrounds.test];
    expect(photos.length).toBeGreaterThan(2);
    const dropped = all.backgrounds.train[0]!;
    const file = join(mkdtempSync(join(tmpdir(), 'capgrad-excl-list-')), 'list.json');
    dirs.push(join(file, '..'));
    writeFileSync(file, JSON.stringify({ about: 'test', backgrounds: [dropped] }));
    const fewer = await manifest(['--all-backgrounds', '--exclude-backgrounds', file]);
    expect(fewer.excludedBackgrounds).toEqual([dropped]);
    expect(fewer.backgrounds.train).toEqual(all.backgrounds.train.filter((k) => k !== dropped));
    expect(fewer.backgrounds.test).toEqual(all.backgrounds.test);
  });
});
