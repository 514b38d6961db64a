import { it } from 'vitest';
import { fakeScore, FAKE } from './helpers/fake-decoder';
import { referenceGreedy } from './helpers/reference-decoding';
it('l', async () => {
  for (const seed of [3, 17, 29, 41, 58, 73, 99, 123]) {
    const t = await referenceGreedy(async (tokens) => Array.from({ length: FAKE.vocab }, (_, v) => fakeScore(seed, tokens, v)), { eos: FAKE.eos, maxNewTokens: 12, minNewTokens: 0 });
    console.log(seed, t.length, t.join(','));
  }
});
