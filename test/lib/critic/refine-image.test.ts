/**
 * The per-image critic on the hand-written Florence-2 fixture of the two-cats photo, with the template engine:
 * the dog is removed and the cats come in; a rerun makes no engine call and gives the same refinement; an
 * engine error is recorded, not cached, and asked again next time.
 */
import { describe, expect, it } from 'vitest';
import type { CriticEngine, EnginePrompt } from '../../../src/lib/critic/engines/engine';
import { TemplateEngine } from '../../../src/lib/critic/engines/template';
import { refineImage } from '../../../src/lib/critic/refine-image';
import { MemoryTeacherCache } from '../../../src/lib/evidence/teacher/cache';
import { fixtureEvidence, table } from './helpers/florence-fixtures';

const evidence = fixtureEvidence('coco_val2017_000000039769');
const input = { imageId: 'cats', caption: 'A dog lying on a couch.', evidence };
const SETTINGS = { maxSteps: 3, ensemble: false, maxFeedbackChars: 600 };

describe('refineImage', () => {
  it('refines with the template engine and answers a rerun entirely from the cache', async () => {
    const cache = new MemoryTeacherCache();
    const first = await refineImage(input, new TemplateEngine(table), { table, cache }, SETTINGS);
    const { versions, best } = first.refinement;
    expect(versions[0]!.critique.hallucinations.map((h) => h.object)).toEqual(['dog']);
    expect(versions[best]!.caption.toLowerCase()).toContain('cats');
    expect(versions[best]!.caption.toLowerCase()).not.toContain('dog');
    expect(versions[best]!.score).toBeGreaterThan(versions[0]!.score);
    expect(first.calls).toBeGreaterThanOrEqual(3);
    expect(first.cacheHits).toBe(0);

    const again = await refineImage(input, new TemplateEngine(table), { table, cache }, SETTINGS);
    expect([again.calls, again.cacheHits]).toEqual([0, first.calls]);
    expect(again.refinement).toEqual(first.refinement);
  });

  it('scores with both prompts in the ensemble', async () => {
    const out = await refineImage(
      input,
      new TemplateEngine(table),
      { table, cache: new MemoryTeacherCache() },
      {
        ...SETTINGS,
        ensemble: true,
      },
    );
    expect(out.refinement.versions[0]!.critique.members.map((m) => m.ok && m.critique.prompt.id)).toEqual([
      'critique.enhancing',
      'critique.checklist',
    ]);
  });

  it('records an engine that throws as a failure, caches nothing of it, and asks again next time', async () => {
    const cache = new MemoryTeacherCache();
    let calls = 0;
    const broken: CriticEngine = {
      id: 'broken@1',
      generate: async (_p: EnginePrompt) => {
        calls++;
        throw Object.assign(new Error('HTTP 500'), { name: 'CriticRetriesExhaustedError' });
      },
    };
    const out = await refineImage(input, broken, { table, cache }, SETTINGS);
    expect(out.refinement.stop).toBe('failure');
    expect(out.refinement.failures[0]).toMatchObject({ errorName: 'CriticRetriesExhaustedError' });
    // The critique fell back to the rules, so the dog is still found.
    expect(out.refinement.versions[0]!.critique.hallucinations.map((h) => h.object)).toEqual(['dog']);
    expect(cache.entries.size).toBe(0);
    const before = calls;
    await refineImage(input, broken, { table, cache }, SETTINGS);
    expect(calls).toBe(before * 2);
  });
});
