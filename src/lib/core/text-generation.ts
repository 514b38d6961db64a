/**
 * A chat-style text model, as the critic's in-tab engine calls it and the teacher worker hosts it: the
 * messages in, transformers.js's text-generation output back (the engine reads the reply out of it).
 * Here, below both, so neither imports the other.
 */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * transformers.js's generation options, by their own names. A type literal, not an interface: the worker passes
 * it on as transformers.js's `Partial<TextGenerationConfig>`, which only a literal's implicit index signature fits.
 */
export type TextGenerationOptions = {
  max_new_tokens: number;
  do_sample: boolean;
  temperature?: number;
};

/** Normally the pipeline itself: `await pipeline('text-generation', modelId, { device })`. */
export type TextGenerationFn = (messages: ChatMessage[], options: TextGenerationOptions) => Promise<unknown>;
