import { describe, expect, it } from 'vitest';
import { RunControl, type RunState } from '../../../src/lib/core/run-control';

/** Lets pending promise callbacks and timers run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A control whose state changes are recorded. */
function recorded(now?: () => number): { control: RunControl; states: RunState[] } {
  const control = new RunControl(now);
  const states: RunState[] = [];
  control.onChange((state) => states.push(state));
  return { control, states };
}

/** Whether `promise` has settled, and how, after pending callbacks ran. */
async function outcome<T>(promise: Promise<T>): Promise<{ settled: false } | { settled: true; value: T }> {
  let result: { settled: false } | { settled: true; value: T } = { settled: false };
  void promise.then(
    (value) => (result = { settled: true, value }),
    () => {},
  );
  await settle();
  return result;
}

describe('RunControl', () => {
  it('starts running: safe points pass at once and nothing is aborted', async () => {
    const control = new RunControl();
    expect(control.state).toBe('running');
    expect(await control.checkpoint()).toBe(true);
    await expect(control.yieldPoint()).resolves.toBeUndefined();
    expect(() => control.throwIfStopped()).not.toThrow();
    expect(control.signal.aborted).toBe(false);
    expect(control.pausedMs).toBe(0);
  });

  it('pause while running holds every waiter until resume, which wakes them all', async () => {
    const { control, states } = recorded();
    control.pause();
    expect(control.state).toBe('paused');
    const first = control.checkpoint();
    const second = control.checkpoint();
    const third = control.yieldPoint();
    expect(await outcome(first)).toEqual({ settled: false });
    expect(await outcome(second)).toEqual({ settled: false });
    expect(await outcome(third)).toEqual({ settled: false });
    control.resume();
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    await expect(third).resolves.toBeUndefined();
    expect(states).toEqual(['paused', 'running']);
  });

  it('calls onHold each time a waiter is about to wait, and not while running', async () => {
    const control = new RunControl();
    let holds = 0;
    await control.checkpoint(() => holds++);
    expect(holds).toBe(0);
    control.pause();
    const waiting = control.checkpoint(() => holds++);
    expect(holds).toBe(1);
    control.resume();
    control.pause(); // paused again before the waiter ran: it waits again, and says so again
    await settle();
    expect(holds).toBe(2);
    control.resume();
    expect(await waiting).toBe(true);
    expect(holds).toBe(2);
  });

  it('stop while paused wakes the waiters and stops them', async () => {
    const { control, states } = recorded();
    control.pause();
    const checkpoint = control.checkpoint();
    const yieldPoint = control.yieldPoint();
    control.stop();
    expect(await checkpoint).toBe(false);
    await expect(yieldPoint).rejects.toMatchObject({ name: 'AbortError' });
    expect(control.state).toBe('stopped');
    expect(states).toEqual(['paused', 'stopped']);
  });

  it('stop while running: safe points say stop from then on', async () => {
    const control = new RunControl();
    control.stop();
    expect(await control.checkpoint()).toBe(false);
    await expect(control.yieldPoint()).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => control.throwIfStopped()).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });

  it('aborts its signal on stop, with the reason given, which the stopped safe points throw', async () => {
    class Stopped extends Error {
      override readonly name = 'Stopped';
    }
    const control = new RunControl();
    let aborts = 0;
    control.signal.addEventListener('abort', () => aborts++);
    const reason = new Stopped('stopped by the person');
    control.stop(reason);
    expect(control.signal.aborted).toBe(true);
    expect(control.signal.reason).toBe(reason);
    expect(aborts).toBe(1);
    await expect(control.yieldPoint()).rejects.toBe(reason);
    expect(() => control.throwIfStopped()).toThrow(reason);
  });

  it('without a reason, aborts with the platform AbortError (as AbortController.abort() does)', () => {
    const control = new RunControl();
    control.stop();
    expect(control.signal.reason).toMatchObject({ name: 'AbortError' });
  });

  it('stop after stop changes nothing: the first reason stays, no second event or abort', () => {
    const { control, states } = recorded();
    let aborts = 0;
    control.signal.addEventListener('abort', () => aborts++);
    const first = new Error('first');
    control.stop(first);
    control.stop(new Error('second'));
    control.stop();
    expect(control.signal.reason).toBe(first);
    expect(aborts).toBe(1);
    expect(states).toEqual(['stopped']);
  });

  it('pause and resume after stop change nothing (a stopped run stays stopped)', async () => {
    const { control, states } = recorded();
    control.stop();
    control.pause();
    expect(control.state).toBe('stopped');
    control.resume();
    expect(control.state).toBe('stopped');
    expect(await control.checkpoint()).toBe(false);
    expect(states).toEqual(['stopped']);
  });

  it('pause twice and resume twice each change state once', () => {
    const { control, states } = recorded();
    control.resume(); // not paused: nothing to resume
    control.pause();
    control.pause();
    control.resume();
    control.resume();
    expect(states).toEqual(['paused', 'running']);
    expect(control.state).toBe('running');
  });

  it('counts the time spent paused, an ongoing pause included, and only once per pause', () => {
    let clock = 0;
    const control = new RunControl(() => clock);
    clock = 5;
    control.pause();
    clock = 15;
    expect(control.pausedMs).toBe(10);
    control.pause(); // a second pause does not restart the count
    clock = 20;
    control.resume();
    clock = 100;
    expect(control.pausedMs).toBe(15);
    control.pause();
    clock = 110;
    control.stop(); // stop ends the pause too
    clock = 500;
    expect(control.pausedMs).toBe(25);
  });

  it('stops notifying a listener once unsubscribed, and a listener may unsubscribe itself', () => {
    const control = new RunControl();
    const seen: string[] = [];
    const off = control.onChange((state) => seen.push(`a:${state}`));
    const offSelf = control.onChange((state) => {
      seen.push(`b:${state}`);
      offSelf();
    });
    control.pause();
    off();
    control.resume();
    expect(seen).toEqual(['a:paused', 'b:paused']);
  });

  it('wakes the waiters before telling the listeners, and a listener may change the state again', async () => {
    const control = new RunControl();
    control.onChange((state) => state === 'running' && control.pause());
    control.pause();
    const waiting = control.checkpoint();
    control.resume(); // the listener pauses again at once: the waiter keeps waiting
    expect(await outcome(waiting)).toEqual({ settled: false });
    expect(control.state).toBe('paused');
    control.stop();
    expect(await waiting).toBe(false);
  });
});
