import type { CriticEngine, EnginePrompt, GenerateOptions } from '../../../../src/lib/critic/engines/engine';

/** An engine that answers from a script (text, or an error to throw) and records every prompt it saw. */
export class ScriptedEngine implements CriticEngine {
  readonly prompts: EnginePrompt[] = [];
  readonly #script: Array<string | Error | ((p: EnginePrompt) => string)>;

  constructor(
    readonly id: string,
    script: Array<string | Error | ((p: EnginePrompt) => string)>,
  ) {
    this.#script = [...script];
  }

  generate(prompt: EnginePrompt, options: GenerateOptions = {}): Promise<string> {
    this.prompts.push(prompt);
    if (options.signal?.aborted)
      return Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    const next = this.#script.shift();
    if (next === undefined) return Promise.reject(new Error(`${this.id}: script exhausted`));
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve(typeof next === 'function' ? next(prompt) : next);
  }
}
