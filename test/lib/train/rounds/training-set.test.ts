import { describe, expect, it } from 'vitest';
import { LoopSettingsError, TrainingSetError } from '../../../../src/lib/train/rounds/errors';
import {
  DEFAULT_TRAINING_SET_SETTINGS,
  buildTrainingSet,
  type TrainingCandidate,
} from '../../../../src/lib/train/rounds/training-set';

const accepted = (id: string, targetScore?: number, originalScore?: number): TrainingCandidate => ({
  imageId: id,
  status: 'accepted',
  target: ` caption ${id} `,
  ...(targetScore !== undefined ? { targetScore } : {}),
  ...(originalScore !== undefined ? { originalScore } : {}),
});
const clean = (id: string): TrainingCandidate => ({ imageId: id, status: 'clean', target: `clean ${id}` });

const CANDIDATES: TrainingCandidate[] = [
  accepted('a', 0.9, 0.3),
  accepted('b', 0.6, 0.5),
  accepted('c', 0.3, 0.2),
  accepted('d', 0.8, 0.7),
  { imageId: 'r', status: 'rejected', target: 'no' },
  { imageId: 'p', status: 'pending', target: 'later' },
  { imageId: 'e', status: 'accepted', target: '   ' },
  ...['k1', 'k2', 'k3', 'k4', 'k5', 'k6'].map(clean),
];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('buildTrainingSet', () => {
  it('trains on accepted targets (trimmed) and skips rejected, pending and empty ones', () => {
    const set = buildTrainingSet(CANDIDATES, { ...DEFAULT_TRAINING_SET_SETTINGS, cleanRatio: 0 });
    expect(set.samples.map((s) => [s.imageId, s.text, s.weight, s.kind])).toEqual([
      ['a', 'caption a', 1, 'refined'],
      ['b', 'caption b', 1, 'refined'],
      ['c', 'caption c', 1, 'refined'],
      ['d', 'caption d', 1, 'refined'],
    ]);
    expect(set).toMatchObject({ refined: 4, clean: 0, cleanAvailable: 6, skipped: 3 });
  });

  it('keeps the caption a target replaced beside it (a preference pair), not when they are the same', () => {
    const set = buildTrainingSet(
      [
        { imageId: 'x', status: 'accepted', target: ' A dog. ', original: 'A dog and a cat. ' },
        { imageId: 'y', status: 'accepted', target: 'A cup.', original: ' A cup.' },
        clean('k'),
      ],
      { ...DEFAULT_TRAINING_SET_SETTINGS, cleanRatio: 1 },
    );
    expect(set.samples.map((s) => [s.imageId, s.text, s.rejected])).toEqual([
      ['x', 'A dog.', 'A dog and a cat.'],
      ['y', 'A cup.', undefined],
      ['k', 'clean k', undefined],
    ]);
  });

  it('weights by the target score, normalized to mean 1', () => {
    const set = buildTrainingSet(CANDIDATES, {
      ...DEFAULT_TRAINING_SET_SETTINGS,
      weighting: 'target-score',
      cleanRatio: 0,
    });
    const w = set.samples.map((s) => s.weight);
    // Raw 0.9, 0.6, 0.3, 0.8 (mean 0.65).
    [0.9, 0.6, 0.3, 0.8].forEach((raw, i) => expect(w[i]).toBeCloseTo(raw / 0.65, 12));
    expect(mean(w)).toBeCloseTo(1, 12);
  });

  it('weights by improvement with a floor, so a refinement that did not help still counts a little', () => {
    const set = buildTrainingSet(CANDIDATES, {
      ...DEFAULT_TRAINING_SET_SETTINGS,
      weighting: 'improvement',
      minWeight: 0.1,
      cleanRatio: 0,
    });
    // Raw improvements 0.6, 0.1, 0.1 (floored from 0.1), 0.1 → mean 0.225.
    const raw = [0.6, 0.1, 0.1, 0.1];
    set.samples.forEach((s, i) => expect(s.weight).toBeCloseTo(raw[i]! / 0.225, 9));
  });

  it('asks for the scores a weighting needs instead of guessing', () => {
    const missing = [accepted('a', 0.9), accepted('b')];
    expect(() =>
      buildTrainingSet(missing, { ...DEFAULT_TRAINING_SET_SETTINGS, weighting: 'target-score' }),
    ).toThrow(TrainingSetError);
    expect(() =>
      buildTrainingSet(missing, { ...DEFAULT_TRAINING_SET_SETTINGS, weighting: 'improvement' }),
    ).toThrow(/image a has none/);
  });

  it('mixes in clean images at their own caption, by ratio, drawn by the seed', () => {
    const settings = { ...DEFAULT_TRAINING_SET_SETTINGS, cleanRatio: 0.5, cleanWeight: 0.7, seed: 3 };
    const set = buildTrainingSet(CANDIDATES, settings);
    const cleanSamples = set.samples.filter((s) => s.kind === 'clean');
    expect(set.clean).toBe(2);
    expect(cleanSamples).toHaveLength(2);
    for (const s of cleanSamples) {
      expect(s.text).toBe(`clean ${s.imageId}`);
      expect(s.weight).toBe(0.7);
    }
    // The same seed draws the same images; the draws over seeds cover more than one choice.
    expect(buildTrainingSet(CANDIDATES, settings).samples).toEqual(set.samples);
    const draws = new Set(
      Array.from({ length: 12 }, (_, seed) =>
        buildTrainingSet(CANDIDATES, { ...settings, seed })
          .samples.filter((s) => s.kind === 'clean')
          .map((s) => s.imageId)
          .join(','),
      ),
    );
    expect(draws.size).toBeGreaterThan(1);
  });

  it('never draws more clean images than there are, and none when nothing was accepted', () => {
    const set = buildTrainingSet(CANDIDATES, { ...DEFAULT_TRAINING_SET_SETTINGS, cleanRatio: 10 });
    expect(set.clean).toBe(6);
    expect(buildTrainingSet(['k1', 'k2'].map(clean)).samples).toEqual([]);
  });

  it('skips an accepted rewrite the evidence does not back, with its reason', () => {
    const unbacked: TrainingCandidate = {
      imageId: 'u',
      status: 'unbacked',
      target: '',
      reason: "Not backed by the evidence: removes 'cup'.",
    };
    const set = buildTrainingSet([...CANDIDATES, unbacked], {
      ...DEFAULT_TRAINING_SET_SETTINGS,
      cleanRatio: 0,
    });
    expect(set.samples.map((s) => s.imageId)).toEqual(['a', 'b', 'c', 'd']);
    expect(set).toMatchObject({ refined: 4, skipped: 4 });
    expect(set.skippedReasons).toEqual([
      { imageId: 'u', reason: "Not backed by the evidence: removes 'cup'." },
    ]);
    expect(buildTrainingSet(CANDIDATES).skippedReasons).toEqual([]);
  });

  it('refuses settings out of range', () => {
    for (const bad of [
      { minWeight: 0 },
      { cleanRatio: -1 },
      { cleanWeight: 0 },
      { cleanRatio: Number.NaN },
    ]) {
      expect(() => buildTrainingSet(CANDIDATES, { ...DEFAULT_TRAINING_SET_SETTINGS, ...bad })).toThrow(
        LoopSettingsError,
      );
    }
  });
});
