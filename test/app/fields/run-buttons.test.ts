import { describe, expect, it } from 'vitest';
import { queueRunButtons } from '../../../src/app/fields/run-buttons';

describe("a queue run's Pause / Resume / Cancel (captioning, the critic)", () => {
  it('offers nothing to pause or cancel when idle with nothing waiting', () => {
    expect(queueRunButtons({ active: false, paused: false, waiting: 0 })).toEqual({
      resumes: false,
      canPause: false,
      canCancel: false,
    });
  });

  it('pauses and cancels a running queue, or images waiting for one', () => {
    const on = { resumes: false, canPause: true, canCancel: true };
    expect(queueRunButtons({ active: true, paused: false, waiting: 0 })).toEqual(on);
    expect(queueRunButtons({ active: false, paused: false, waiting: 2 })).toEqual(on);
  });

  it('shows Resume where Pause was once paused, whatever else', () => {
    expect(queueRunButtons({ active: false, paused: true, waiting: 0 }).resumes).toBe(true);
    expect(queueRunButtons({ active: true, paused: true, waiting: 3 }).resumes).toBe(true);
  });

  it('lets a queue that can be paused before it starts (the critic) be paused when idle', () => {
    expect(queueRunButtons({ active: false, paused: false, waiting: 0 }, { pauseBeforeStart: true })).toEqual(
      {
        resumes: false,
        canPause: true,
        canCancel: false,
      },
    );
  });
});
