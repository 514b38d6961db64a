import { describe, expect, it } from 'vitest';
import { planScenes, sceneObjects } from '../../../src/lib/scenes/generate';
import type { ScenePlan } from '../../../src/lib/scenes/plan';
import { CHAIR, DOG, PERSON, tinyRequest } from './helpers';

const present = (plan: ScenePlan, size: number) => new Set(sceneObjects(plan, size).map((o) => o.categoryId));

describe('split and bias planning', () => {
  const request = tinyRequest({ train: 300, simple: 30, complex: 30, bias: 40, control: 40, heldout: 30 });
  const planned = planScenes(request);
  const split = (name: string) => planned.splits.find((s) => s.split === name)!.plans;
  const size = request.options.size;

  it('in train, B (person) is in at least 90% of the scenes that hold A (chair)', () => {
    const withA = split('train').filter((p) => present(p, size).has(CHAIR));
    expect(withA.length).toBeGreaterThan(60);
    const withB = withA.filter((p) => present(p, size).has(PERSON));
    expect(withB.length / withA.length).toBeGreaterThanOrEqual(0.9);
    // …and not always: the bias is planted, not a rule.
    expect(withB.length).toBeLessThan(withA.length);
  });

  it('without a bias pair, B follows A no more often than chance', () => {
    const unbiased = planScenes(tinyRequest({ train: 300 }, { bias: [] })).splits[0]!.plans;
    const withA = unbiased.filter((p) => present(p, size).has(CHAIR));
    const withB = withA.filter((p) => present(p, size).has(PERSON));
    expect(withB.length / withA.length).toBeLessThan(0.8);
  });

  it('the bias split holds A without B, the control split neither', () => {
    for (const p of split('bias')) {
      expect(present(p, size).has(CHAIR)).toBe(true);
      expect(present(p, size).has(PERSON)).toBe(false);
    }
    for (const p of split('control')) {
      expect(present(p, size).has(CHAIR)).toBe(false);
      expect(present(p, size).has(PERSON)).toBe(false);
      expect(present(p, size).has(DOG)).toBe(true);
    }
  });

  it('held-out cut-outs never appear in train or the other test splits; heldout uses only them', () => {
    const heldout = new Set([...planned.sources.heldoutCutouts.values()].flat().map((c) => c.key));
    expect(heldout.size).toBeGreaterThan(0);
    for (const { split: name, plans } of planned.splits)
      for (const p of plans)
        for (const q of p.placements)
          expect(heldout.has(q.cutout.key), `${name} ${p.index} uses ${q.cutout.key}`).toBe(
            name === 'heldout',
          );
  });

  it('test splits use only test backgrounds (other photos than train), train only train backgrounds', () => {
    const test = new Set(planned.sources.testBackgrounds.map((b) => b.key));
    const train = new Set(planned.sources.trainBackgrounds.map((b) => b.key));
    expect([...test].some((k) => train.has(k))).toBe(false);
    for (const { split: name, plans } of planned.splits)
      for (const p of plans) expect(test.has(p.background.key), `${name} ${p.index}`).toBe(name !== 'train');
  });

  it('object counts stay in each split’s range', () => {
    for (const { split: name, plans } of planned.splits) {
      const [lo, hi] = request.options.objects[name];
      for (const p of plans) {
        const n = sceneObjects(p, size).length;
        expect(n, `${name} ${p.index}`).toBeGreaterThanOrEqual(lo);
        expect(n).toBeLessThanOrEqual(hi);
      }
    }
  });
});
