/**
 * A small instruct LLM in the tab through transformers.js. The caller injects the text-generation
 * function, normally the pipeline itself (`await pipeline('text-generation', modelId, { device })`), so
 * this module downloads nothing and tests run without a model. transformers.js returns, for chat input,
 * `[{ generated_text: [...messages, { role: 'assistant', content }] }]`, and for text input
 * `[{ generated_text: string }]`. Generation cannot be interrupted from here; the signal is checked
 * before and after.
 */
import type { TextGenerationFn } from '../../core/text-generation';
import type { CriticEngine, EnginePrompt, GenerateOptions } from './engine';
import { CriticAbortedError, CriticResponseFormatError } from './errors';

/** The assistant's reply in a text-generation pipeline's output. */
export function generatedReply(output: unknown): string {
  const first: unknown = Array.isArray(output) ? output[0] : output;
  const generated = (first as { generated_text?: unknown } | undefined)?.generated_text;
  if (typeof generated === 'string') return generated;
  if (Array.isArray(generated)) {
    const last = generated.at(-1) as { role?: unknown; content?: unknown } | undefined;
    if (last?.role === 'assistant' && typeof last.content === 'string') return last.content;
  }
  throw new CriticResponseFormatError('The text-generation output has no assistant reply.');
}

export class TransformersEngine implements CriticEngine {
  readonly id: string;
  readonly #generate: TextGenerationFn;

  constructor(generate: TextGenerationFn, modelId: string) {
    this.#generate = generate;
    this.id = `transformers:${modelId}`;
  }

  async generate(prompt: EnginePrompt, options: GenerateOptions = {}): Promise<string> {
    if (options.signal?.aborted) throw new CriticAbortedError();
    const sampling = options.temperature !== undefined && options.temperature > 0;
    const output = await this.#generate([...prompt.messages], {
      max_new_tokens: options.maxTokens ?? 256,
      do_sample: sampling,
      ...(sampling ? { temperature: options.temperature } : {}),
    });
    if (options.signal?.aborted) throw new CriticAbortedError();
    return generatedReply(output);
  }
}
