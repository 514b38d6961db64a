import { useCallback, useSyncExternalStore } from 'react';
import { canAskTakeover, INITIAL_OWNERSHIP, type OwnershipState } from '../lib/core/tabs/ownership';
import { useStudio } from './studio-context';

const noOwner = (): (() => void) => () => {};

/**
 * Another tab of this studio runs the work: say so plainly, and offer to move the work here. Photos dropped
 * in this tab are still stored and captioned (by the other tab); critique and training requests made here are
 * handed to it the same way; this tab shows them as they progress.
 */
export function TabOwnerBanner() {
  const { owner } = useStudio();
  // Bound here: `subscribe` is a method of the TabOwner (its private fields need `this`).
  const subscribe = useCallback(
    (listener: () => void) => (owner === null ? noOwner() : owner.subscribe(listener)),
    [owner],
  );
  const state = useSyncExternalStore<OwnershipState>(subscribe, () => owner?.state ?? INITIAL_OWNERSHIP);
  if (owner === null || (state.role !== 'follower' && state.role !== 'yielding')) return null;
  if (state.role === 'yielding') {
    return (
      <section className="banner" role="status" data-testid="tab-yielding-banner">
        <p>Another tab is taking over the studio’s work; this tab is finishing its current step.</p>
      </section>
    );
  }
  return (
    <section className="banner banner-warning" role="status" data-testid="tab-busy-banner">
      <p>
        The studio is open in another tab, and that tab runs the captioning, critique and training. Photos you
        add here are saved and captioned there; Refine captions and the training buttons here are carried out
        there too. This tab shows the results as they are stored.
      </p>
      <button
        type="button"
        data-testid="tab-take-over"
        disabled={!canAskTakeover(state)}
        onClick={() => owner.askTakeover()}
      >
        {state.takeoverAsked ? 'Taking over…' : 'Take over here'}
      </button>
    </section>
  );
}
