import type { SchedulerStatus } from '../../lib/train/rounds/scheduler-state';
import type { RunButtonsState } from '../fields/run-buttons';

/** A training run is on (it may be paused): its settings and checkpoints are locked, Train is off. */
export function isTrainingBusy(status: SchedulerStatus): boolean {
  return status === 'running' || status === 'pausing' || status === 'paused' || status === 'stopping';
}

/** Pause only while running; Resume once pausing (the step in flight finishes first); Stop while busy. */
export function trainingRunButtons(status: SchedulerStatus): RunButtonsState {
  return {
    resumes: status === 'paused' || status === 'pausing',
    canPause: status === 'running',
    canCancel: isTrainingBusy(status),
  };
}
