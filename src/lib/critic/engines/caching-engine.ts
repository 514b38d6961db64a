/**
 * Every critic engine call cached by content: image hash, engine id (model), prompt kind, prompt id and
 * version, and a hash of the messages sent (so a retry with a reminder is its own entry). A rerun of the critic
 * on the same evidence costs no engine call, and a reload resumes where the calls stopped. Errors are never
 * cached: the next run asks again.
 */
import type { CriticEngine, EnginePrompt, GenerateOptions } from './engine';
import { cacheKey } from '../../store/cache-key';

export interface ReplyCache {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown, what?: string): Promise<void>;
}

export class CachingEngine implements CriticEngine {
  readonly id: string;
  /** Calls that reached the engine, and calls answered from the cache. */
  calls = 0;
  hits = 0;

  constructor(
    private readonly inner: CriticEngine,
    private readonly cache: ReplyCache,
    private readonly imageId: string,
    /** Engine settings that change replies without changing the id (e.g. the endpoint). */
    private readonly revision = 'main',
  ) {
    this.id = inner.id;
  }

  async generate(prompt: EnginePrompt, options: GenerateOptions = {}): Promise<string> {
    // The evidence is in the messages; the rest of the data (the rules' findings, the critique) is what the
    // template engine answers from.
    const { evidence: _evidence, ...data } = prompt.data;
    const key = await cacheKey({
      imageId: this.imageId,
      model: { id: this.inner.id, revision: this.revision },
      task: `critic:${prompt.kind}`,
      promptVersion: `${prompt.id}@${prompt.version}`,
      extra: {
        messages: prompt.messages,
        data,
        maxTokens: options.maxTokens ?? null,
        temperature: options.temperature ?? null,
      },
    });
    const hit = await this.cache.get<string>(key);
    if (typeof hit === 'string') {
      this.hits++;
      return hit;
    }
    this.calls++;
    const reply = await this.inner.generate(prompt, options);
    await this.cache.put(key, reply, `a ${prompt.kind} reply of ${this.inner.id}`);
    return reply;
  }
}
