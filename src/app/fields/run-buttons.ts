/** Which of a run's Pause / Resume / Cancel buttons it offers now: a pure answer, so it is tested without a DOM. */
export interface RunButtonsState {
  /** Resume stands where Pause would (the run is paused, or is pausing). */
  resumes: boolean;
  canPause: boolean;
  canCancel: boolean;
}

/** A queue run (captioning, the critic): what RunPanel and CriticPanel read from the store. */
export interface QueueRun {
  /** The runner is working (not idle). */
  active: boolean;
  /** The person paused it (persisted: a paused queue stays paused after a reload). */
  paused: boolean;
  /** Images still queued or in progress. */
  waiting: number;
}

/**
 * Cancel needs something to cancel: a run on, or images waiting. So does Pause, unless the queue can be
 * paused before it starts (the critic's can: queued images then wait until Resume).
 */
export function queueRunButtons(
  run: QueueRun,
  options: { pauseBeforeStart?: boolean } = {},
): RunButtonsState {
  const somethingToStop = run.active || run.waiting > 0;
  return {
    resumes: run.paused,
    canPause: options.pauseBeforeStart === true || somethingToStop,
    canCancel: somethingToStop,
  };
}
