/** Whole numbers within [min, max], typed as a list: "1, 2, 3" or "1 2 3". */
export interface NumberListLimits {
  readonly min: number;
  readonly max: number;
}

/** The list typed, without repeats, in the order typed; null when it is empty or holds anything else. */
export function parseNumberList(text: string, limits: NumberListLimits): number[] | null {
  const values = text
    .split(/[\s,]+/)
    .filter((t) => t !== '')
    .map(Number);
  const fits = (v: number) => Number.isInteger(v) && v >= limits.min && v <= limits.max;
  return values.length > 0 && values.every(fits) ? [...new Set(values)] : null;
}

/** How a saved list is shown. */
export function formatNumberList(values: readonly number[]): string {
  return values.join(', ');
}
