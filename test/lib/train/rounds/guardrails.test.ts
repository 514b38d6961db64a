import { describe, expect, it } from 'vitest';
import { LoopSettingsError } from '../../../../src/lib/train/rounds/errors';
import {
  DEFAULT_GUARDRAIL_POLICY,
  afterFiniteStep,
  classifyTrainingError,
  decide,
  initialGuardrailState,
  type GuardrailState,
} from '../../../../src/lib/train/rounds/guardrails';

const nan = (step: number) => ({ kind: 'non-finite-loss' as const, step, loss: Number.NaN });

describe('non-finite loss', () => {
  it('skips the step and halves the learning rate each time, telling the person', () => {
    const start = initialGuardrailState(8);
    const first = decide(nan(12), start);
    expect(first.action).toEqual({ kind: 'skip-step', lrScale: 0.5 });
    expect(first.state).toMatchObject({ lrScale: 0.5, consecutiveNonFinite: 1 });
    expect(first.notice).toEqual({
      level: 'warning',
      message: 'Step 12 skipped: the loss was NaN. Learning rate lowered to ×0.5 of its setting.',
    });
    const second = decide({ kind: 'non-finite-loss', step: 13, loss: Infinity }, first.state);
    expect(second.action).toEqual({ kind: 'skip-step', lrScale: 0.25 });
    expect(second.notice.message).toContain('+∞');
  });

  it('keeps the lowered rate after a good step but forgets the run of bad ones', () => {
    const bad = decide(nan(1), initialGuardrailState(4)).state;
    const good = afterFiniteStep(bad);
    expect(good).toMatchObject({ lrScale: 0.5, consecutiveNonFinite: 0 });
    const unchanged = initialGuardrailState(4);
    expect(afterFiniteStep(unchanged)).toBe(unchanged);
  });

  it('stops when the loss stays non-finite too many times in a row', () => {
    const policy = { ...DEFAULT_GUARDRAIL_POLICY, lrDecay: 0.9, maxConsecutiveNonFinite: 3 };
    let state: GuardrailState = initialGuardrailState(4);
    const actions: string[] = [];
    for (let step = 1; step <= 4; step++) {
      const d = decide(nan(step), state, policy);
      actions.push(d.action.kind);
      state = d.state;
    }
    expect(actions).toEqual(['skip-step', 'skip-step', 'skip-step', 'stop']);
  });

  it('stops when the rate would go below its floor, even with good steps between', () => {
    let state: GuardrailState = initialGuardrailState(4);
    const kinds: string[] = [];
    for (let i = 0; i < 7; i++) {
      const d = decide(nan(i), state);
      kinds.push(d.action.kind);
      state = afterFiniteStep(d.state);
    }
    // 1/2, 1/4, … 1/64 are allowed (6 skips); 1/128 is under minLrScale = 1/64.
    expect(kinds).toEqual([...Array(6).fill('skip-step'), 'stop']);
    expect(decide(nan(9), state).notice.level).toBe('error');
  });
});

describe('out of memory', () => {
  it('halves the batch and doubles accumulation so the effective batch stays', () => {
    const d = decide({ kind: 'out-of-memory' }, initialGuardrailState(8, 2));
    expect(d.action).toEqual({ kind: 'shrink-batch', batchSize: 4, accumulation: 4 });
    expect(d.notice.message).toBe(
      'The GPU ran out of memory with batches of 8: continuing with 4 and 4 accumulated micro-batches per step.',
    );
  });

  it('can keep accumulation as it is, rounds odd batches down, and stops at a batch of 1', () => {
    const policy = { ...DEFAULT_GUARDRAIL_POLICY, keepEffectiveBatch: false };
    expect(decide({ kind: 'out-of-memory' }, initialGuardrailState(3), policy).action).toEqual({
      kind: 'shrink-batch',
      batchSize: 1,
      accumulation: 1,
    });
    const d = decide({ kind: 'out-of-memory' }, initialGuardrailState(1));
    expect(d.action.kind).toBe('stop');
    expect(d.notice.message).toMatch(/even with a batch of 1/);
  });
});

describe('device lost', () => {
  it('resumes from the last checkpoint, or from the round start when there is none', () => {
    const start = initialGuardrailState(4);
    const d = decide({ kind: 'device-lost', lastCheckpoint: { id: 'ck-40', step: 40 } }, start);
    expect(d.action).toEqual({ kind: 'resume-from-checkpoint', checkpointId: 'ck-40', step: 40 });
    expect(d.notice.message).toBe('The GPU was lost; training resumes from the checkpoint at step 40.');
    const none = decide({ kind: 'device-lost', lastCheckpoint: null }, d.state);
    expect(none.action).toEqual({ kind: 'resume-from-checkpoint', checkpointId: null, step: 0 });
    expect(none.state.deviceRecoveries).toBe(2);
  });

  it('stops after maxDeviceRecoveries losses', () => {
    let state = initialGuardrailState(4);
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = decide({ kind: 'device-lost', lastCheckpoint: null }, state);
      kinds.push(d.action.kind);
      state = d.state;
    }
    expect(kinds).toEqual([
      'resume-from-checkpoint',
      'resume-from-checkpoint',
      'resume-from-checkpoint',
      'stop',
    ]);
  });
});

describe('classifyTrainingError', () => {
  const err = (name: string, message: string) => Object.assign(new Error(message), { name });

  it.each([
    [err('GPUOutOfMemoryError', 'Out of memory'), 'out-of-memory'],
    [
      new Error('[WebGPU] Kernel "[MatMul] /h.0/MatMul" failed. Error: Failed to allocate memory for buffer'),
      'out-of-memory',
    ],
    [new Error('std::bad_alloc'), 'out-of-memory'],
    [new Error('Device was lost. Reason: destroyed'), 'device-lost'],
    [new Error('GPU device lost: unknown reason'), 'device-lost'],
    [new Error('WebGPU device is lost'), 'device-lost'],
    [new TypeError('Cannot read properties of undefined'), null],
    [new Error('Invalid argument: input_ids'), null],
    ['a string thrown by mistake', null],
  ])('%s → %s', (error, kind) => expect(classifyTrainingError(error)).toBe(kind));
});

describe('settings', () => {
  it('refuses out-of-range policies and states', () => {
    expect(() =>
      decide(nan(1), initialGuardrailState(2), { ...DEFAULT_GUARDRAIL_POLICY, lrDecay: 1 }),
    ).toThrow(LoopSettingsError);
    expect(() => initialGuardrailState(0)).toThrow(LoopSettingsError);
    expect(() => initialGuardrailState(2, 1.5)).toThrow(LoopSettingsError);
  });
});
