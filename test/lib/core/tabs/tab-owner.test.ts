import { describe, expect, it } from 'vitest';
import { INITIAL_OWNERSHIP, reduceOwnership, mayRunWork } from '../../../../src/lib/core/tabs/ownership';
import { TabOwner } from '../../../../src/lib/core/tabs/tab-owner';
import { FakeChannelHub, FakeLocks } from '../../../support/fake-tabs';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** Two or more "tabs" of one studio: one lock, one channel, a manual clock for the steal timer. */
function browser() {
  const locks = new FakeLocks();
  const hub = new FakeChannelHub();
  const timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
  const log: string[] = [];
  const tab = (name: string, stopWork: () => Promise<void> = async () => void log.push(`${name} stopped`)) =>
    new TabOwner({
      locks: locks.manager(),
      channel: hub.channel(),
      lockName: 'capgrad-studio',
      stopWork,
      stealAfterMs: 1000,
      schedule: (run, ms) => {
        const timer = { run, ms, cancelled: false };
        timers.push(timer);
        return () => (timer.cancelled = true);
      },
    });
  const fireTimers = () => timers.filter((t) => !t.cancelled).forEach((t) => t.run());
  return { locks, tab, log, fireTimers };
}

describe('ownership reducer', () => {
  it('returns the same object for events that do not apply', () => {
    const follower = reduceOwnership(INITIAL_OWNERSHIP, { type: 'held-elsewhere' });
    expect(follower.role).toBe('follower');
    expect(reduceOwnership(follower, { type: 'takeover-requested' })).toBe(follower);
    expect(reduceOwnership(follower, { type: 'yielded' })).toBe(follower);
    const owner = reduceOwnership(INITIAL_OWNERSHIP, { type: 'granted' });
    expect(reduceOwnership(owner, { type: 'held-elsewhere' })).toBe(owner);
    expect(reduceOwnership(owner, { type: 'takeover-asked' })).toBe(owner);
    expect(mayRunWork(reduceOwnership(owner, { type: 'takeover-requested' }))).toBe(false);
  });
});

describe('one owner across tabs (Web Locks + BroadcastChannel, faked)', () => {
  it('the first tab owns the work; the second is a follower, never a second runner', async () => {
    const { tab } = browser();
    const a = tab('a');
    await settle();
    const b = tab('b');
    await settle();
    expect(a.state.role).toBe('owner');
    expect(b.state.role).toBe('follower');
  });

  it('the follower takes over by itself when the owner tab closes', async () => {
    const { tab } = browser();
    const a = tab('a');
    await settle();
    const b = tab('b');
    await settle();
    a.dispose();
    await settle();
    expect(a.state.role).toBe('closed');
    expect(b.state.role).toBe('owner');
  });

  it('"Take over": the owner stops its work first, then the asking tab owns; never two owners', async () => {
    const { tab, log } = browser();
    let finishStop: () => void = () => {};
    const a = tab(
      'a',
      () => new Promise<void>((resolve) => (finishStop = () => (log.push('a stopped'), resolve()))),
    );
    await settle();
    const b = tab('b');
    await settle();
    const roles: string[] = [];
    const record = () => roles.push(`${a.state.role}/${b.state.role}`);
    a.subscribe(record);
    b.subscribe(record);
    b.askTakeover();
    await settle();
    expect(a.state.role).toBe('yielding'); // stopping: it runs nothing new, and b does not run yet
    expect(b.state).toEqual({ role: 'follower', takeoverAsked: true });
    finishStop();
    await settle();
    expect(log).toEqual(['a stopped']);
    expect(a.state.role).toBe('follower');
    expect(b.state.role).toBe('owner');
    expect(roles.some((r) => r === 'owner/owner')).toBe(false);
    // And back again: a's waiting request is in line behind b.
    a.askTakeover();
    await settle();
    expect(a.state.role).toBe('owner');
    expect(b.state.role).toBe('follower');
  });

  it('an owner that never answers loses the lock to a steal, and stops its work when it notices', async () => {
    const { tab, log, fireTimers } = browser();
    const a = tab('a', () => new Promise<void>(() => {})); // frozen: never finishes stopping
    await settle();
    const b = tab('b');
    await settle();
    b.askTakeover();
    await settle();
    expect(b.state.role).toBe('follower');
    fireTimers();
    await settle();
    expect(b.state.role).toBe('owner');
    expect(a.state.role).toBe('follower'); // its held request was rejected: it no longer counts as owner
    expect(log).toEqual([]);
  });
});
