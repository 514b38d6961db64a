/**
 * Splitting a metric into simple and complex images by the number of detected objects, as the seed does
 * (the claim to check: critic-driven tuning helps complex images without hurting simple ones).
 */

export interface ScoredImage {
  /** Objects the detector found on the image (merged, corroborated or not: the caller decides). */
  readonly objectCount: number;
  readonly value: number;
}

export interface SplitSummary {
  readonly mean: number | null;
  readonly count: number;
}

export interface ComplexitySplit {
  /** objectCount ≤ threshold. */
  readonly simple: SplitSummary;
  /** objectCount > threshold. */
  readonly complex: SplitSummary;
  readonly all: SplitSummary;
  readonly threshold: number;
}

export const DEFAULT_COMPLEXITY_THRESHOLD = 3;

function summary(values: readonly number[]): SplitSummary {
  return {
    mean: values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length,
    count: values.length,
  };
}

export function splitByComplexity(
  images: readonly ScoredImage[],
  threshold: number = DEFAULT_COMPLEXITY_THRESHOLD,
): ComplexitySplit {
  return {
    simple: summary(images.filter((i) => i.objectCount <= threshold).map((i) => i.value)),
    complex: summary(images.filter((i) => i.objectCount > threshold).map((i) => i.value)),
    all: summary(images.map((i) => i.value)),
    threshold,
  };
}
