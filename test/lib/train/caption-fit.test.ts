import { describe, expect, it } from 'vitest';
import { cutCaptionsNotice, decoderPositions, fitCaptions } from '../../../src/lib/train/caption-fit';

describe('fitCaptions', () => {
  it("reads the decoder's positions from a vision-encoder-decoder config", () => {
    expect(decoderPositions({ decoder: { n_positions: 1024 } })).toBe(1024);
    expect(decoderPositions({ decoder: { max_position_embeddings: 512 } })).toBe(512);
    expect(decoderPositions({ n_positions: 128 })).toBe(128);
    expect(decoderPositions({ decoder: {} })).toBeUndefined();
  });

  it('is limited by the setting or by the model, whichever is smaller', () => {
    expect(fitCaptions([10, 70], 64, 1024)).toMatchObject({
      sequence: 64,
      cut: 1,
      limit: 64,
      limitBy: 'setting',
    });
    expect(fitCaptions([10, 70], 128, 40)).toMatchObject({
      sequence: 40,
      cut: 1,
      limit: 40,
      limitBy: 'model',
    });
    expect(fitCaptions([10, 30], 64, undefined)).toMatchObject({ sequence: 32, cut: 0, limitBy: 'setting' });
  });

  it('warns in words when captions are cut, and says nothing when all fit', () => {
    expect(cutCaptionsNotice(fitCaptions([10, 30], 64, 1024))).toBeNull();
    expect(cutCaptionsNotice(fitCaptions([10, 70, 80], 64, 1024))).toEqual({
      level: 'warning',
      message:
        '2 captions are longer than the limit of 64 tokens ("Longest caption" in the training settings); ' +
        'the longest of 3 needs 81. They train on their first 64 tokens, without an end. ' +
        'Raise the limit (more memory) or shorten them in the critic view to train them whole.',
    });
    expect(cutCaptionsNotice(fitCaptions([50], 128, 40))?.message).toMatch(
      /^1 caption is longer than the student's 40 positions;.*Shorten them/,
    );
  });
});
