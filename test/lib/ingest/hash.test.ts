import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { imageId, sha256Hex } from '../../../src/lib/ingest';

describe('content hash', () => {
  it('is SHA-256 (FIPS 180-2 test vector "abc")', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('gives the same id for the same bytes, wherever they sit in memory', async () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) % 251);
    const inLargerBuffer = new Uint8Array(6000);
    inLargerBuffer.set(bytes, 700);
    const view = inLargerBuffer.subarray(700, 5700);
    expect(await imageId(view)).toBe(await imageId(bytes));
    expect(await imageId(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('changes when one byte changes', async () => {
    const a = new Uint8Array(1000);
    const b = a.slice();
    b[999] = 1;
    expect(await imageId(a)).not.toBe(await imageId(b));
  });
});
