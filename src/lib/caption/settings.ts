import { InvalidChoiceError } from '../core/errors';
import type { GenerationSettings } from './types';

const STRATEGIES = ['greedy', 'beam'] as const;

/** Hard upper bounds that keep a typo from allocating gigabytes on the GPU. */
export const GENERATION_LIMITS = { maxNewTokens: 512, numBeams: 16, batchSize: 64 } as const;

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidChoiceError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Checks settings once at the edge; a bad value throws with the valid range or choices. */
export function validateGenerationSettings(settings: GenerationSettings): GenerationSettings {
  if (!(STRATEGIES as readonly string[]).includes(settings.strategy)) {
    throw new InvalidChoiceError(
      `unknown strategy '${settings.strategy}': valid choices are ${STRATEGIES.join(', ')}`,
    );
  }
  checkInteger('maxNewTokens', settings.maxNewTokens, 1, GENERATION_LIMITS.maxNewTokens);
  checkInteger('minNewTokens', settings.minNewTokens, 0, settings.maxNewTokens);
  checkInteger('batchSize', settings.batchSize, 1, GENERATION_LIMITS.batchSize);
  if (settings.strategy === 'beam')
    checkInteger('numBeams', settings.numBeams, 2, GENERATION_LIMITS.numBeams);
  return settings;
}

/** Consecutive slices of at most `size` items (the last one may be shorter). */
export function splitIntoBatches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be >= 1, got ${size}`);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
