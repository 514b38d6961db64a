import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../src/lib/core/text-generation';
import { CriticResponseFormatError } from '../../../../src/lib/critic/engines/errors';
import type { TextGenerationFn } from '../../../../src/lib/core/text-generation';
import { TransformersEngine, generatedReply } from '../../../../src/lib/critic/engines/transformers';
import { generateParsed, parseFeedback } from '../../../../src/lib/critic/parse';
import { FEEDBACK_TEXTUAL_GRADIENT, renderFeedbackPrompt } from '../../../../src/lib/critic/prompts';
import { checkCaption } from '../../../../src/lib/critic/rules';
import { fixtureEvidence, table } from '../helpers/florence-fixtures';

const evidence = fixtureEvidence('coco_val2017_000000039769');
const caption = 'A dog on a couch.';
const prompt = renderFeedbackPrompt(FEEDBACK_TEXTUAL_GRADIENT, {
  kind: 'feedback',
  caption,
  evidence,
  critique: checkCaption(caption, evidence, table),
  maxChars: 300,
});

/** Shaped like transformers.js's text-generation pipeline called with chat messages. */
function pipelineLike(
  reply: string,
  calls: Array<{ messages: ChatMessage[]; options: unknown }>,
): TextGenerationFn {
  return (messages, options) => {
    calls.push({ messages, options });
    return Promise.resolve([{ generated_text: [...messages, { role: 'assistant', content: reply }] }]);
  };
}

describe('TransformersEngine', () => {
  it('sends the chat messages greedily and returns the assistant’s reply', async () => {
    const calls: Array<{ messages: ChatMessage[]; options: unknown }> = [];
    const engine = new TransformersEngine(
      pipelineLike('<FEEDBACK>Remove the dog.</FEEDBACK>', calls),
      'onnx-community/Qwen2.5-0.5B-Instruct',
    );
    expect(engine.id).toBe('transformers:onnx-community/Qwen2.5-0.5B-Instruct');
    expect(await generateParsed(engine, prompt, (r) => parseFeedback(r, 300))).toMatchObject({
      ok: true,
      value: { text: 'Remove the dog.' },
    });
    expect(calls[0]!.messages).toEqual(prompt.messages);
    expect(calls[0]!.options).toEqual({ max_new_tokens: 256, do_sample: false });
  });

  it('samples only when asked to', async () => {
    const calls: Array<{ messages: ChatMessage[]; options: unknown }> = [];
    await new TransformersEngine(pipelineLike('x', calls), 'm').generate(prompt, {
      temperature: 0.7,
      maxTokens: 32,
    });
    expect(calls[0]!.options).toEqual({ max_new_tokens: 32, do_sample: true, temperature: 0.7 });
  });

  it('reads both output shapes of the pipeline and rejects anything else', () => {
    expect(generatedReply([{ generated_text: 'plain text' }])).toBe('plain text');
    expect(
      generatedReply([
        {
          generated_text: [
            { role: 'user', content: 'q' },
            { role: 'assistant', content: 'a' },
          ],
        },
      ]),
    ).toBe('a');
    expect(() => generatedReply([{ generated_text: [{ role: 'user', content: 'q' }] }])).toThrow(
      CriticResponseFormatError,
    );
    expect(() => generatedReply(undefined)).toThrow(/no assistant reply/);
  });

  it('checks its signal around generation', async () => {
    const controller = new AbortController();
    const engine = new TransformersEngine(() => {
      controller.abort();
      return Promise.resolve([{ generated_text: 'late' }]);
    }, 'm');
    await expect(engine.generate(prompt, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
