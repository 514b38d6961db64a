import type { DecoderSpec } from './decoder-io';
import type { SessionLike, TensorFactory, TensorLike } from './session';

/** Token ids that generation needs (from generation_config.json / config.json). */
export interface SpecialTokens {
  decoderStartTokenId: number;
  eosTokenId: number;
  /** Fed to rows that already finished, so every row still has one token per step. */
  padTokenId: number;
}

/** Everything one batch's decoding loop needs. The loop owns nothing it did not create. */
export interface DecodeSetup {
  decoder: SessionLike;
  /** For a split decoder: encoder_hidden_states → spec.lifted, run once per batch. */
  cross?: SessionLike;
  spec: DecoderSpec;
  tensors: TensorFactory;
  /** The encoder's output for this batch, [images, sequence, hidden]; may live on the GPU. */
  encoderHiddenStates: TensorLike;
  images: number;
  special: SpecialTokens;
  maxNewTokens: number;
  /** End-of-text is banned while fewer tokens than this were generated. */
  minNewTokens: number;
  /** Awaited before every step; false stops the loop (cancel). */
  checkpoint?: () => Promise<boolean>;
  /** After every step: tokens generated so far per image and which images are finished. */
  onStep?: (report: StepReport) => void;
}

export interface StepReport {
  step: number;
  generatedTokens: readonly number[];
  finished: readonly boolean[];
  /** Images that finished at this step, with their final tokens (reported once each). */
  completed: { image: number; tokens: number[] }[];
}

export interface ImageDecodeResult {
  /** The caption's tokens: no start token, no end-of-text token. */
  tokens: number[];
  /** False when the run was cancelled before this image finished. */
  finished: boolean;
}

export interface DecodeOutcome {
  images: ImageDecodeResult[];
  cancelled: boolean;
  /** Decoder runs made. */
  steps: number;
}

export function validateDecodeSetup(setup: DecodeSetup): void {
  const checks: [boolean, string][] = [
    [Number.isInteger(setup.images) && setup.images >= 1, `images must be >= 1, got ${setup.images}`],
    [
      Number.isInteger(setup.maxNewTokens) && setup.maxNewTokens >= 1,
      `maxNewTokens must be >= 1, got ${setup.maxNewTokens}`,
    ],
    [
      Number.isInteger(setup.minNewTokens) && setup.minNewTokens >= 0,
      `minNewTokens must be >= 0, got ${setup.minNewTokens}`,
    ],
    [setup.encoderHiddenStates.dims[0] === setup.images, 'encoder output rows must equal the image count'],
  ];
  for (const [ok, message] of checks) {
    if (!ok) throw new RangeError(message);
  }
}
