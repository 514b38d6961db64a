export * from './errors';
export * from './scheduler-state';
export * from './round-scheduler';
export * from '../checkpoints/retention';
export * from './guardrails';
export * from './training-set';
