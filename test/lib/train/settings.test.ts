import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIMIZER } from '../../../src/lib/train/graph/optimizer-config';
import { RunStoppedError } from '../../../src/lib/train/rounds/errors';
import { TrainingControl } from '../../../src/lib/train/control';
import {
  DEFAULT_TUNING_SETTINGS,
  optimizerOf,
  plannedSteps,
  scheduleOf,
  trainableSpecOf,
  validateTuningSettings,
  type TuningSettings,
} from '../../../src/lib/train/settings';

const valid = (patch: Partial<TuningSettings>) => () =>
  validateTuningSettings({ ...DEFAULT_TUNING_SETTINGS, ...patch });

describe('tuning settings', () => {
  it("defaults to the seed's RAdam, lr 5e-5, 3 epochs, with LoRA r8 in every projection", () => {
    expect(DEFAULT_TUNING_SETTINGS).toMatchObject({ optimizer: 'radam', lr: 5e-5, epochs: 3 });
    expect(optimizerOf(DEFAULT_TUNING_SETTINGS)).toEqual(DEFAULT_OPTIMIZER);
    expect(trainableSpecOf(DEFAULT_TUNING_SETTINGS)).toEqual({
      kind: 'lora',
      rank: 8,
      alpha: 16,
      roles: ['self-attn', 'cross-attn', 'mlp'],
      seed: 0,
    });
    expect(valid({})).not.toThrow();
  });

  it('maps the other modes and schedules onto the training engine', () => {
    expect(
      trainableSpecOf({ ...DEFAULT_TUNING_SETTINGS, trainable: { kind: 'last-blocks', blocks: 2 } }),
    ).toEqual({
      kind: 'subset',
      lastBlocks: 2,
    });
    expect(trainableSpecOf({ ...DEFAULT_TUNING_SETTINGS, trainable: { kind: 'full' } })).toEqual({
      kind: 'full',
    });
    const lastTwo = { ...DEFAULT_TUNING_SETTINGS.trainable, lastBlocks: 2 } as const;
    expect(trainableSpecOf({ ...DEFAULT_TUNING_SETTINGS, trainable: lastTwo })).toMatchObject({
      lastBlocks: 2,
    });
    const s = { ...DEFAULT_TUNING_SETTINGS, schedule: 'cosine', warmupSteps: 3 } as const;
    expect(scheduleOf(s, 30)).toEqual({ kind: 'cosine', warmupSteps: 3, totalSteps: 30, minFactor: 0 });
    expect(scheduleOf({ ...s, schedule: 'linear' }, 30)).toEqual({
      kind: 'linear',
      warmupSteps: 3,
      totalSteps: 30,
    });
    expect(scheduleOf(DEFAULT_TUNING_SETTINGS, 30)).toEqual({ kind: 'constant' });
  });

  it('counts the steps a run makes: short last batches and groups included', () => {
    expect(plannedSteps({ epochs: 3, batchSize: 4, accumulation: 1 }, 10)).toBe(9);
    expect(plannedSteps({ epochs: 2, batchSize: 2, accumulation: 3 }, 10)).toBe(4);
    expect(plannedSteps({ epochs: 1, batchSize: 8, accumulation: 1 }, 8)).toBe(1);
  });

  it('refuses values out of range with a message naming the setting and the range', () => {
    expect(valid({ epochs: 0 })).toThrow(/Epochs must be a whole number from 1 to 100, got 0/);
    expect(valid({ batchSize: 2.5 })).toThrow(/batch size/);
    expect(valid({ lr: 0 })).toThrow(/learning rate must be in \(0, 1\]/);
    expect(valid({ lr: Number.NaN })).toThrow(/learning rate/);
    expect(valid({ maxGradNorm: 0 })).toThrow(/clipping/);
    expect(valid({ maxGradNorm: null })).not.toThrow();
    expect(valid({ trainable: { kind: 'lora', rank: 0, alpha: 1, roles: ['mlp'] } })).toThrow(/LoRA rank/);
    expect(valid({ trainable: { kind: 'lora', rank: 4, alpha: 8, roles: [] } })).toThrow(/LoRA goes into/);
    expect(valid({ trainable: { kind: 'last-blocks', blocks: 0 } })).toThrow(/trained blocks/);
    expect(valid({ checkpointEvery: 0 })).toThrow(/Checkpoints every N steps/);
    expect(valid({ epochs: 0 })).toThrow(expect.objectContaining({ name: 'TuningSettingsError' }));
  });
});

describe('TrainingControl', () => {
  it('lets steps through while running, holds them while paused, and stops them', async () => {
    const states: string[] = [];
    const control = new TrainingControl((s) => states.push(s));
    await control.yieldPoint();
    control.pause();
    let passed = false;
    const waiting = control.yieldPoint().then(() => (passed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passed).toBe(false);
    control.resume();
    await waiting;
    expect(passed).toBe(true);
    control.pause();
    const stopped = control.yieldPoint();
    control.stop();
    await expect(stopped).rejects.toBeInstanceOf(RunStoppedError);
    await expect(control.yieldPoint()).rejects.toBeInstanceOf(RunStoppedError);
    expect(states).toEqual(['paused', 'running', 'paused', 'stopping']);
  });
});
