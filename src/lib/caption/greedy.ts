import type { DecodeOutcome, DecodeSetup } from './decode-setup';
import { validateDecodeSetup } from './decode-setup';
import { argmax, lastPositionRow } from './logits';
import { encoderFeedsFor, nextCachedStep } from './run-step';
import type { TensorLike } from './session';
import { disposeAll } from './session';

/**
 * Batched greedy decoding with the KV cache: all images advance one token per decoder run. An image that
 * produced end-of-text keeps a row in the batch (fed the pad token, its scores ignored) until all are done,
 * so the cache never has to be re-packed and stays on the GPU.
 */
export async function greedyDecode(setup: DecodeSetup): Promise<DecodeOutcome> {
  validateDecodeSetup(setup);
  const { images, special, maxNewTokens, minNewTokens } = setup;
  const tokens: number[][] = Array.from({ length: images }, () => []);
  const generated = new Array<number>(images).fill(0);
  const finished = new Array<boolean>(images).fill(false);
  const inputIds = new BigInt64Array(images).fill(BigInt(special.decoderStartTokenId));
  let past: TensorLike[] | null = null;
  let steps = 0;
  let cancelled = false;
  const encoder = await encoderFeedsFor(setup, setup.encoderHiddenStates);
  try {
    while (finished.includes(false)) {
      const step = await nextCachedStep(setup, steps, inputIds, encoder.feeds, past);
      if (step === null) {
        cancelled = true;
        break;
      }
      past = step.presents;
      // Every unfinished row has generated exactly `steps` tokens (rows advance together).
      const banned = steps < minNewTokens ? special.eosTokenId : -1;
      const completed: { image: number; tokens: number[] }[] = [];
      for (let row = 0; row < images; row++) {
        if (finished[row]) {
          inputIds[row] = BigInt(special.padTokenId);
          continue;
        }
        const token = argmax(lastPositionRow(step.logits, step.logitsDims, row), banned);
        generated[row] = steps + 1;
        if (token === special.eosTokenId) {
          finished[row] = true;
        } else {
          tokens[row]?.push(token);
          finished[row] = steps + 1 >= maxNewTokens;
        }
        inputIds[row] = BigInt(token);
        if (finished[row]) completed.push({ image: row, tokens: tokens[row] ?? [] });
      }
      steps++;
      setup.onStep?.({ step: steps, generatedTokens: generated, finished, completed });
    }
  } finally {
    if (past !== null) disposeAll(past);
    encoder.release();
  }
  return {
    images: tokens.map((t, i) => ({ tokens: t, finished: finished[i] === true })),
    cancelled,
    steps,
  };
}
