/**
 * What training does when something goes wrong (issue 5's guardrails), as pure decisions the student worker
 * carries out:
 * - a NaN or infinite loss: the step is skipped (the trainer already leaves every tensor unchanged), the
 *   learning rate is multiplied by `lrDecay`, the person is told; a run that keeps diverging is stopped;
 * - out of GPU memory: the batch is halved and gradient accumulation doubled (the effective batch stays), the
 *   training graph is rebuilt for the new shape (its shapes are static), the person is told;
 * - the GPU device is lost: a new device, and training resumes from the last checkpoint (or the round's
 *   start when there is none), a bounded number of times.
 * Each decision returns the new guardrail state; the worker stores it in the checkpoint's extra data.
 */
import { LoopSettingsError } from './errors';

export interface GuardrailPolicy {
  /** Multiplies the learning rate after a non-finite loss. */
  readonly lrDecay: number;
  /** Below this learning-rate scale, training stops instead of lowering it further. */
  readonly minLrScale: number;
  /** Non-finite losses in a row after which training stops. */
  readonly maxConsecutiveNonFinite: number;
  /** Double gradient accumulation when halving the batch, so the effective batch size stays. */
  readonly keepEffectiveBatch: boolean;
  /** Device losses in one run after which training stops (a driver that keeps crashing). */
  readonly maxDeviceRecoveries: number;
}

export const DEFAULT_GUARDRAIL_POLICY: GuardrailPolicy = {
  lrDecay: 0.5,
  minLrScale: 1 / 64,
  maxConsecutiveNonFinite: 5,
  keepEffectiveBatch: true,
  maxDeviceRecoveries: 3,
};

export interface GuardrailState {
  /** Multiplies the scheduled learning rate (the trainer's `lrScale`). */
  readonly lrScale: number;
  readonly batchSize: number;
  readonly accumulation: number;
  readonly consecutiveNonFinite: number;
  readonly deviceRecoveries: number;
}

export function initialGuardrailState(batchSize: number, accumulation = 1): GuardrailState {
  for (const [what, v] of [
    ['batch size', batchSize],
    ['gradient accumulation', accumulation],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new LoopSettingsError(`The ${what} must be a whole number of at least 1, got ${v}.`);
  }
  return { lrScale: 1, batchSize, accumulation, consecutiveNonFinite: 0, deviceRecoveries: 0 };
}

export type TrainingIncident =
  | { readonly kind: 'non-finite-loss'; readonly step: number; readonly loss: number }
  | { readonly kind: 'out-of-memory'; readonly detail?: string }
  | {
      readonly kind: 'device-lost';
      readonly detail?: string;
      readonly lastCheckpoint: { readonly id: string; readonly step: number } | null;
    };

export interface Notice {
  readonly level: 'warning' | 'error';
  readonly message: string;
}

export type GuardrailAction =
  | { readonly kind: 'skip-step'; readonly lrScale: number }
  | { readonly kind: 'shrink-batch'; readonly batchSize: number; readonly accumulation: number }
  | { readonly kind: 'resume-from-checkpoint'; readonly checkpointId: string | null; readonly step: number }
  | { readonly kind: 'stop' };

export interface GuardrailDecision {
  readonly action: GuardrailAction;
  readonly state: GuardrailState;
  readonly notice: Notice;
}

export function validateGuardrailPolicy(p: GuardrailPolicy): void {
  if (!(p.lrDecay > 0 && p.lrDecay < 1))
    throw new LoopSettingsError(`lrDecay must be in (0, 1), got ${p.lrDecay}.`);
  if (!(p.minLrScale > 0 && p.minLrScale <= 1)) {
    throw new LoopSettingsError(`minLrScale must be in (0, 1], got ${p.minLrScale}.`);
  }
  for (const [k, v] of [
    ['maxConsecutiveNonFinite', p.maxConsecutiveNonFinite],
    ['maxDeviceRecoveries', p.maxDeviceRecoveries],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new LoopSettingsError(`${k} must be a whole number, got ${v}.`);
  }
}

const fmtLoss = (loss: number) => (Number.isNaN(loss) ? 'NaN' : loss > 0 ? '+∞' : '−∞');
const fmtScale = (s: number) => `×${Number(s.toPrecision(3))}`;

/** What to do about `incident` in `state`: the new guardrail state, an action and a notice for the person. */
export function decide(
  incident: TrainingIncident,
  state: GuardrailState,
  policy: GuardrailPolicy = DEFAULT_GUARDRAIL_POLICY,
): GuardrailDecision {
  validateGuardrailPolicy(policy);
  switch (incident.kind) {
    case 'non-finite-loss':
      return decideNonFinite(incident, state, policy);
    case 'out-of-memory':
      return decideOutOfMemory(state, policy);
    case 'device-lost':
      return decideDeviceLost(incident, state, policy);
  }
}

type Incident<K extends TrainingIncident['kind']> = Extract<TrainingIncident, { readonly kind: K }>;

/** Skip the step with a lower learning rate; stop when it keeps happening or the rate is already at its floor. */
function decideNonFinite(
  incident: Incident<'non-finite-loss'>,
  state: GuardrailState,
  policy: GuardrailPolicy,
): GuardrailDecision {
  const consecutive = state.consecutiveNonFinite + 1;
  const lrScale = state.lrScale * policy.lrDecay;
  const next = { ...state, consecutiveNonFinite: consecutive, lrScale };
  if (consecutive > policy.maxConsecutiveNonFinite || lrScale < policy.minLrScale) {
    return {
      action: { kind: 'stop' },
      state: next,
      notice: {
        level: 'error',
        message:
          `Training stopped at step ${incident.step}: the loss was ${fmtLoss(incident.loss)} ` +
          (consecutive > policy.maxConsecutiveNonFinite
            ? `${consecutive} times in a row`
            : `again with the learning rate already at ${fmtScale(state.lrScale)}`) +
          '. Lower the learning rate in the settings, or roll back to an earlier checkpoint.',
      },
    };
  }
  return {
    action: { kind: 'skip-step', lrScale },
    state: next,
    notice: {
      level: 'warning',
      message:
        `Step ${incident.step} skipped: the loss was ${fmtLoss(incident.loss)}. ` +
        `Learning rate lowered to ${fmtScale(lrScale)} of its setting.`,
    },
  };
}

/** Halve the batch (doubling accumulation, so the effective batch stays); stop at a batch of 1. */
function decideOutOfMemory(state: GuardrailState, policy: GuardrailPolicy): GuardrailDecision {
  if (state.batchSize <= 1) {
    return {
      action: { kind: 'stop' },
      state,
      notice: {
        level: 'error',
        message:
          'Training stopped: the GPU ran out of memory even with a batch of 1. ' +
          'Train LoRA adapters (or fewer blocks), or close other tabs that use the GPU.',
      },
    };
  }
  const batchSize = Math.floor(state.batchSize / 2);
  const accumulation = policy.keepEffectiveBatch ? state.accumulation * 2 : state.accumulation;
  return {
    action: { kind: 'shrink-batch', batchSize, accumulation },
    state: { ...state, batchSize, accumulation },
    notice: {
      level: 'warning',
      message:
        `The GPU ran out of memory with batches of ${state.batchSize}: continuing with ${batchSize}` +
        (policy.keepEffectiveBatch ? ` and ${accumulation} accumulated micro-batches per step.` : '.'),
    },
  };
}

/** Resume from the last checkpoint (or the start), a bounded number of times. */
function decideDeviceLost(
  incident: Incident<'device-lost'>,
  state: GuardrailState,
  policy: GuardrailPolicy,
): GuardrailDecision {
  const recoveries = state.deviceRecoveries + 1;
  const next = { ...state, deviceRecoveries: recoveries };
  if (recoveries > policy.maxDeviceRecoveries) {
    return {
      action: { kind: 'stop' },
      state: next,
      notice: {
        level: 'error',
        message:
          `Training stopped: the GPU was lost ${recoveries} times. ` +
          'Reload the page, or switch training to WASM in the settings.',
      },
    };
  }
  const { lastCheckpoint } = incident;
  return {
    action: {
      kind: 'resume-from-checkpoint',
      checkpointId: lastCheckpoint?.id ?? null,
      step: lastCheckpoint?.step ?? 0,
    },
    state: next,
    notice: {
      level: 'warning',
      message: lastCheckpoint
        ? `The GPU was lost; training resumes from the checkpoint at step ${lastCheckpoint.step}.`
        : 'The GPU was lost before the first checkpoint; training starts this round again.',
    },
  };
}

/** After an update with a finite loss: the run of non-finite losses is over (the lowered rate stays). */
export function afterFiniteStep(state: GuardrailState): GuardrailState {
  return state.consecutiveNonFinite === 0 ? state : { ...state, consecutiveNonFinite: 0 };
}

/**
 * Which incident an error thrown by a training step is, from its name and message: WebGPU's
 * GPUOutOfMemoryError and ORT's allocation failures; a lost device as Dawn, Chromium and ORT word it.
 * Anything else is null (a bug, not a guardrail case).
 */
export function classifyTrainingError(error: unknown): 'out-of-memory' | 'device-lost' | null {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const text = `${name} ${message}`;
  if (
    /GPUOutOfMemoryError|out of memory|\bOOM\b|failed to allocate|allocation failed|bad_alloc/i.test(text)
  ) {
    return 'out-of-memory';
  }
  if (
    /device (was |is |has been )?lost|lost the device|GPUDeviceLostInfo|DEVICE_LOST|device is destroyed/i.test(
      text,
    )
  ) {
    return 'device-lost';
  }
  return null;
}
