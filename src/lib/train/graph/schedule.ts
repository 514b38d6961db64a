/** Learning-rate schedules as JSON-able data: the factor applied to the base lr at update number `step` (1-based). */

export type LrSchedule =
  | { readonly kind: 'constant' }
  | { readonly kind: 'linear'; readonly warmupSteps: number; readonly totalSteps: number }
  | {
      readonly kind: 'cosine';
      readonly warmupSteps: number;
      readonly totalSteps: number;
      readonly minFactor: number;
    };

export const CONSTANT_LR: LrSchedule = { kind: 'constant' };

/** Linear warm-up to 1 over warmupSteps, then linear (or cosine) decay to 0 (or minFactor) at totalSteps. */
export function lrFactor(schedule: LrSchedule, step: number): number {
  if (schedule.kind === 'constant') return 1;
  const { warmupSteps, totalSteps } = schedule;
  if (step <= warmupSteps) return step / Math.max(1, warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  if (schedule.kind === 'linear') return 1 - progress;
  return schedule.minFactor + (1 - schedule.minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
