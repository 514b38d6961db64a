/**
 * Which tab of the studio owns the work (the workers and the queues), as a pure reducer (lesson 13): the
 * driver in tab-owner.ts feeds it what the Web Locks API and the other tabs say, and the UI asks it what to
 * show. Exactly one tab holds the lock at a time, so exactly one tab is ever `owner`.
 *
 * - starting: asking for the lock.
 * - owner: holds it; runs captioning, critique and training.
 * - follower: another tab holds it; this one adds photos and shows what the owner stored, and may ask to
 *   take over. `takeoverAsked` is true from the request until this tab gets the lock.
 * - yielding: another tab asked to take over; this one is stopping its work before it lets the lock go.
 * - closed: disposed (the tab is going away).
 */
export type OwnershipRole = 'starting' | 'owner' | 'follower' | 'yielding' | 'closed';

export interface OwnershipState {
  readonly role: OwnershipRole;
  readonly takeoverAsked: boolean;
}

export type OwnershipEvent =
  /** The lock was granted (at once, after the owner closed, after it yielded, or stolen). */
  | { type: 'granted' }
  /** The lock is held by another tab (the first, non-waiting request found it taken). */
  | { type: 'held-elsewhere' }
  /** The person in this follower tab asked to take over. */
  | { type: 'takeover-asked' }
  /** Another tab asked this owner to hand over. */
  | { type: 'takeover-requested' }
  /** This owner stopped its work and let the lock go (after a takeover request). */
  | { type: 'yielded' }
  /** The lock was taken away (stolen by a tab whose owner did not answer). */
  | { type: 'lost' }
  | { type: 'closed' };

export const INITIAL_OWNERSHIP: OwnershipState = { role: 'starting', takeoverAsked: false };

/** The next state; the same object when the event does not apply (so callers can tell nothing changed). */
export function reduceOwnership(state: OwnershipState, event: OwnershipEvent): OwnershipState {
  if (state.role === 'closed') return state;
  switch (event.type) {
    case 'granted':
      return { role: 'owner', takeoverAsked: false };
    case 'held-elsewhere':
      return state.role === 'starting' ? { role: 'follower', takeoverAsked: false } : state;
    case 'takeover-asked':
      return state.role === 'follower' && !state.takeoverAsked ? { ...state, takeoverAsked: true } : state;
    case 'takeover-requested':
      return state.role === 'owner' ? { role: 'yielding', takeoverAsked: false } : state;
    case 'yielded':
      return state.role === 'yielding' ? { role: 'follower', takeoverAsked: false } : state;
    case 'lost':
      return state.role === 'owner' || state.role === 'yielding'
        ? { role: 'follower', takeoverAsked: false }
        : state;
    case 'closed':
      return { role: 'closed', takeoverAsked: false };
  }
}

/** Only the owner runs work; a yielding owner is stopping it. */
export const mayRunWork = (state: OwnershipState): boolean => state.role === 'owner';
/** A follower can ask to take over once (until it gets the lock). */
export const canAskTakeover = (state: OwnershipState): boolean =>
  state.role === 'follower' && !state.takeoverAsked;
