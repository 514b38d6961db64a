/** Which typed numbers a NumberField passes on: a pure rule, so the settings' limits are tested without a DOM. */
export interface NumberLimits {
  readonly min?: number;
  readonly max?: number;
  /** Only whole numbers within [min, max]. */
  readonly wholeWithinLimits?: boolean;
  /** Only numbers within [min, max], fractions allowed. */
  readonly withinLimits?: boolean;
}

/** Whether `value` reaches onChange; an emptied box (NaN) never does. */
export function acceptsNumber(value: number, limits: NumberLimits): boolean {
  if (!Number.isFinite(value)) return false;
  if (limits.wholeWithinLimits && !Number.isInteger(value)) return false;
  if (!limits.wholeWithinLimits && !limits.withinLimits) return true;
  return value >= (limits.min ?? -Infinity) && value <= (limits.max ?? Infinity);
}
