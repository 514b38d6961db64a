/**
 * What a follower tab asks of the owner tab (src/lib/core/tabs/ownership.ts): the person pressed a training button
 * in a tab that does not run the work, so the request travels over a BroadcastChannel to the tab that does
 * (as photos dropped in a follower travel as records to the owner, which captions them). Only the owner acts on
 * a request; a follower ignores them.
 */
export type TrainingAction =
  'train' | 'continue' | 'pause' | 'resume' | 'stop' | 'rollBack' | 'deleteCheckpoint';

/** A training action the owner tab should take; `id` names the checkpoint for rollBack and deleteCheckpoint. */
export interface TrainingRequest {
  action: TrainingAction;
  id?: string;
}

export interface WorkRequestMessage extends TrainingRequest {
  type: 'capgrad-work-request';
  work: 'training';
}

const ACTIONS: readonly TrainingAction[] = [
  'train',
  'continue',
  'pause',
  'resume',
  'stop',
  'rollBack',
  'deleteCheckpoint',
];

export const isWorkRequest = (m: unknown): m is WorkRequestMessage =>
  typeof m === 'object' &&
  m !== null &&
  (m as { type?: unknown }).type === 'capgrad-work-request' &&
  (m as { work?: unknown }).work === 'training' &&
  ACTIONS.includes((m as { action?: TrainingAction }).action!) &&
  ((m as { id?: unknown }).id === undefined || typeof (m as { id?: unknown }).id === 'string');

export const workRequest = (request: TrainingRequest): WorkRequestMessage => ({
  type: 'capgrad-work-request',
  work: 'training',
  ...request,
});
