import { describe, expect, it } from 'vitest';
import type { SchedulerStatus } from '../../../src/lib/train/rounds/scheduler-state';
import { isTrainingBusy, trainingRunButtons } from '../../../src/app/train/training-status';

const ALL: readonly SchedulerStatus[] = [
  'idle',
  'running',
  'pausing',
  'paused',
  'stopping',
  'stopped',
  'done',
  'failed',
];

describe('a training run as its buttons see it', () => {
  it('is busy from running until it has stopped (paused included)', () => {
    expect(ALL.filter(isTrainingBusy)).toEqual(['running', 'pausing', 'paused', 'stopping']);
  });

  it('pauses only while running, resumes once pausing or paused, stops while busy', () => {
    const table = Object.fromEntries(ALL.map((s) => [s, trainingRunButtons(s)]));
    expect(ALL.filter((s) => table[s]!.canPause)).toEqual(['running']);
    expect(ALL.filter((s) => table[s]!.resumes)).toEqual(['pausing', 'paused']);
    expect(ALL.filter((s) => table[s]!.canCancel)).toEqual(ALL.filter(isTrainingBusy));
  });
});
