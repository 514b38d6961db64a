/**
 * What each arm of the proving-ground bench trains on, from pool items refined by the studio's own critic loop
 * (template engine) on hand-made evidence.
 */
import { describe, expect, it } from 'vitest';
import { memoryCache } from '../../bench/lib/memory-cache';
import type { PoolItem } from '../../bench/lib/proving-arms';
import {
  armCandidates,
  armTrainingSet,
  criticFigures,
  fixedLength,
  isBacked,
} from '../../bench/lib/proving-arms';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import { HAND_CALIBRATION } from '../lib/critic/helpers/hand-calibration';
import type { Evidence } from '../../src/lib/evidence/evidence';
import { detectorEvidence as evidence } from '../lib/critic/helpers/detector-evidence';
import { TemplateEngine } from '../../src/lib/critic/engines/template';
import { refineImage } from '../../src/lib/critic/refine-image';
import { DEFAULT_TRAINING_SET_SETTINGS } from '../../src/lib/train/rounds/training-set';

const CALIBRATION = HAND_CALIBRATION;
const critic = { calibration: CALIBRATION, table: CHAIR_SYNONYMS };

async function poolItem(imageId: string, caption: string, e: Evidence, reference: string): Promise<PoolItem> {
  const refined = await refineImage({ imageId, caption, evidence: e }, new TemplateEngine(CHAIR_SYNONYMS), {
    table: CHAIR_SYNONYMS,
    cache: memoryCache(),
  });
  return { imageId, caption, refinement: refined.refinement, evidence: e, reference };
}

describe('the arms', () => {
  it('self trains on its own captions, oracle on the reference, critic-all on every rewrite, critic on backed ones', async () => {
    const pool = [
      // A person the evidence would have seen is not there: removing it is backed.
      await poolItem('a', 'A person and a dog.', evidence('dog'), 'A dog.'),
      // The cup is missed by the evidence most of the time: removing it is not backed.
      await poolItem('b', 'A dog and a cup.', evidence('dog'), 'A dog and a cup.'),
      // Already right.
      await poolItem('c', 'A dog.', evidence('dog'), 'A dog.'),
      // A cake the evidence reports but is usually wrong about: adding it is not backed.
      await poolItem('d', 'A person.', evidence('person', 'cake'), 'A person.'),
    ];
    const rewrites = pool.map((p) => p.refinement.versions[p.refinement.best]!.caption);
    expect(rewrites[0]).not.toMatch(/person/i);
    expect(rewrites[1]).not.toMatch(/cup/i);
    expect(rewrites[2]).toBe('A dog.');
    expect(rewrites[3]).toMatch(/cake/i);

    expect(pool.map((p) => isBacked(p, CALIBRATION, CHAIR_SYNONYMS))).toEqual([true, false, false, false]);
    expect(armCandidates('self', pool, critic).map((c) => [c.status, c.target])).toEqual([
      ['accepted', 'A person and a dog.'],
      ['accepted', 'A dog and a cup.'],
      ['accepted', 'A dog.'],
      ['accepted', 'A person.'],
    ]);
    expect(armCandidates('oracle', pool, critic).map((c) => c.target)).toEqual([
      'A dog.',
      'A dog and a cup.',
      'A dog.',
      'A person.',
    ]);
    expect(armCandidates('critic-all', pool, critic).map((c) => c.status)).toEqual([
      'accepted',
      'accepted',
      'clean',
      'accepted',
    ]);
    expect(armCandidates('critic', pool, critic).map((c) => [c.status, c.target])).toEqual([
      ['accepted', rewrites[0]],
      ['pending', ''],
      ['clean', 'A dog.'],
      ['pending', ''],
    ]);

    // One rewrite and (cleanRatio 0.25 of one, rounded) no clean caption, stretched to the pool's length.
    const set = armTrainingSet('critic', pool, critic, DEFAULT_TRAINING_SET_SETTINGS);
    expect(set.refined).toBe(1);
    expect(set.samples.map((s) => s.text)).toEqual([rewrites[0], rewrites[0], rewrites[0], rewrites[0]]);

    // (f) takes what (c) accepts, as pairs over the caption each rewrite replaced, and no clean caption.
    const withClean = { ...DEFAULT_TRAINING_SET_SETTINGS, cleanRatio: 1 };
    expect(armTrainingSet('critic', pool, critic, withClean).clean).toBe(1);
    const pairs = armTrainingSet('preference', pool, critic, withClean);
    expect(pairs.samples.map((s) => [s.text, s.rejected])).toEqual(
      Array.from({ length: 4 }, () => [rewrites[0], 'A person and a dog.']),
    );
  });

  it("the critic's figures: flags and suggestions against the scenes' objects", async () => {
    const pool = [
      await poolItem('a', 'A person and a dog.', evidence('dog'), ''), // person flagged, rightly
      await poolItem('b', 'A dog and a cup.', evidence('dog'), ''), // cup flagged, wrongly (it is there)
      await poolItem('c', 'A dog.', evidence('dog', 'person'), ''), // person suggested, rightly
      await poolItem('d', 'A person.', evidence('person', 'cake'), ''), // cake suggested, wrongly
    ];
    const truth: Record<string, string[]> = {
      a: ['dog'],
      b: ['dog', 'cup'],
      c: ['dog', 'person'],
      d: ['person'],
    };
    const figures = criticFigures(pool, (id) => new Set(truth[id]), CHAIR_SYNONYMS);
    expect(figures.hallucinationFlags).toEqual({ claims: 2, precision: 0.5, recall: 1 });
    expect(figures.omissionSuggestions).toEqual({ claims: 2, precision: 0.5, recall: 1 });
  });
});

describe('fixedLength', () => {
  it('goes round the samples to the length asked, and gives nothing for nothing', () => {
    const s = (text: string) => ({ imageId: text, text, weight: 1, kind: 'refined' as const });
    expect(fixedLength([s('a'), s('b')], 5).map((x) => x.text)).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(fixedLength([s('a'), s('b'), s('c')], 2).map((x) => x.text)).toEqual(['a', 'b']);
    expect(fixedLength([], 3)).toEqual([]);
  });
});
