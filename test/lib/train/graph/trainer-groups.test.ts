/**
 * The trainer with its optimizer cut into several fused-update groups (each group's moments one flat buffer)
 * against the same trainer with one group: the same losses and weights step by step, and a checkpoint of either
 * resumes in the other (checkpoints store the moments per tensor, whatever the grouping).
 */
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts, type TrainingArtifacts } from '../../../../src/lib/train/graph/artifacts';
import { DEFAULT_OPTIMIZER, type OptimizerConfig } from '../../../../src/lib/train/graph/optimizer-config';
import { buildOptimizerGraph, optimizerGroups } from '../../../../src/lib/train/graph/optimizer-graph';
import { Trainer } from '../../../../src/lib/train/graph/trainer';
import { runtimeFor } from './helpers/backends';
import { fixtureBatch } from './helpers/batch';
import { shapesOf } from './helpers/feeds';
import { GradFixture, relativeMaxError } from './helpers/grad-fixtures';

const fixture = new GradFixture('gpt2-a');
const OPTIMIZER: OptimizerConfig = { ...DEFAULT_OPTIMIZER, lr: 1e-2, weightDecay: 0.01 };
const oneGroup: TrainingArtifacts = buildTrainingArtifacts(
  fixture.modelBytes,
  { kind: 'subset', lastBlocks: 1 },
  shapesOf(fixture),
);
/** Small groups: the fixture's last block splits into several. */
const CAP = 300;
const grouped: TrainingArtifacts = {
  ...oneGroup,
  optimizer: buildOptimizerGraph(oneGroup.trainables, CAP).encode(),
  optimizerGroups: optimizerGroups(oneGroup.trainables, CAP),
};
const batch = fixtureBatch(fixture);

const create = (artifacts: TrainingArtifacts, resume?: Parameters<typeof Trainer.create>[0]['resume']) =>
  Trainer.create({ runtime: runtimeFor('cpu'), artifacts, modelId: 'gpt2-a', optimizer: OPTIMIZER, resume });

function worst(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let w = 0;
  for (const [name, x] of a) w = Math.max(w, relativeMaxError(x, b.get(name)!));
  return w;
}

describe('fused-update groups in the trainer (CPU EP)', () => {
  it('has several groups in the test setup', () => {
    expect(grouped.optimizerGroups.length).toBeGreaterThan(2);
    expect(oneGroup.optimizerGroups).toHaveLength(1);
  });

  it('trains as one group does, and their checkpoints resume in each other', async () => {
    const a = await create(oneGroup);
    const b = await create(grouped);
    for (let i = 0; i < 6; i++) {
      const [x, y] = [await a.trainStep(batch), await b.trainStep(batch)];
      expect(Math.abs(x.loss - y.loss)).toBeLessThan(1e-6 * Math.max(1, Math.abs(x.loss)));
    }
    expect(worst(await a.weights(), await b.weights())).toBeLessThan(1e-6);
    const fromGrouped = await create(oneGroup, await b.checkpoint());
    const fromOne = await create(grouped, await a.checkpoint());
    const [p, q] = [await fromGrouped.trainStep(batch), await fromOne.trainStep(batch)];
    const r = await a.trainStep(batch);
    expect(Math.abs(p.loss - r.loss)).toBeLessThan(1e-6 * Math.max(1, Math.abs(r.loss)));
    expect(Math.abs(q.loss - r.loss)).toBeLessThan(1e-6 * Math.max(1, Math.abs(r.loss)));
    expect(worst(await fromOne.weights(), await a.weights())).toBeLessThan(1e-6);
    for (const t of [a, b, fromGrouped, fromOne]) await t.release();
  });
});
