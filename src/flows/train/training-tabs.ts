/**
 * Training with several tabs of one studio (src/lib/core/tabs): only the owner tab trains. A follower hands every
 * training action to the owner over a BroadcastChannel (as a follower's dropped photos reach the owner as
 * records, and its "Refine captions" as queued critique records); the owner takes them, stops its rounds for a
 * handover, and, on becoming the owner (the other tab closed or handed over), goes on with a run that was left
 * 'running' from the run's last stored checkpoint.
 */
import { mayRunWork } from '../../lib/core/tabs/ownership';
import type { ChannelLike } from '../../lib/core/tabs/tab-owner';
import { isWorkRequest, workRequest, type TrainingRequest } from '../../lib/core/tabs/work-requests';
import type { Studio, WorkOwner } from '../studio';
import type { TrainingController, TrainingControllerDeps } from './controller';

/** The controller's `tabs` dependency: may this tab train, and how a follower hands an action on. */
export function trainingTabs(
  owner: WorkOwner,
  requests: ChannelLike,
): NonNullable<TrainingControllerDeps['tabs']> {
  return {
    mayRun: () => mayRunWork(owner.state),
    forward: (request: TrainingRequest) => requests.postMessage(workRequest(request)),
  };
}

export interface TrainingTabsWiring {
  owner: WorkOwner;
  requests: ChannelLike;
  onHandOver: Studio['onHandOver'];
  /** Called after another tab's records reached this tab (a run the old owner left 'running', say). */
  onRemoteChange?: (listener: () => void) => () => void;
  /**
   * Reads every record again. A tab that just got the lock may not have heard the old owner's last writes yet
   * (the lock and the channel are not ordered): it goes on from the stored run, not from its older copy.
   */
  resync?: () => Promise<void>;
}

/** Connects a controller built with `trainingTabs` to the tabs; returns the disconnect function. */
export function connectTrainingTabs(controller: TrainingController, wiring: TrainingTabsWiring): () => void {
  const { owner } = wiring;
  const resume = (): void => {
    if (mayRunWork(owner.state)) controller.resumeAfterReload();
  };
  const becameOwner = (): void => {
    if (!mayRunWork(owner.state)) return;
    void (wiring.resync?.() ?? Promise.resolve()).then(resume, resume);
  };
  const disconnect = [
    wiring.requests.subscribe((message) => {
      if (isWorkRequest(message)) controller.handle(message);
    }),
    wiring.onHandOver(() => controller.handOver()),
    owner.subscribe(becameOwner),
    wiring.onRemoteChange?.(resume) ?? (() => {}),
  ];
  return () => {
    for (const off of disconnect) off();
  };
}
