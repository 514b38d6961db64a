/**
 * An OpenAI-compatible chat-completions engine (OpenAI, or a local server speaking the same API).
 * The key lives in a private field: it is sent only in the Authorization header, never logged, never
 * serialised (toJSON leaves it out) and cut out of any error text. 429, 408, 5xx, network errors and
 * timeouts are retried with exponential backoff (full jitter), honouring Retry-After; other statuses fail
 * at once. The caller's AbortSignal cancels the request and any backoff wait.
 */
import type { CriticEngine, EnginePrompt, GenerateOptions } from './engine';
import {
  CriticAbortedError,
  CriticHttpError,
  CriticResponseFormatError,
  CriticRetriesExhaustedError,
  CriticTimeoutError,
  abortableSleep,
} from './errors';

type Fetch = typeof fetch;

export interface OpenAIEngineOptions {
  /** e.g. 'https://api.openai.com/v1' or 'http://127.0.0.1:8080/v1'. */
  readonly baseUrl: string;
  readonly model: string;
  /** Empty for local servers that need none. */
  readonly apiKey: string;
  readonly timeoutMs?: number;
  /** Retries after the first attempt. */
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly fetch?: Fetch;
  /** Injected for tests; Math.random by default (backoff jitter). */
  readonly random?: () => number;
  /** Injected for tests; waits `ms` or rejects when `signal` fires. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class OpenAIEngine implements CriticEngine {
  readonly id: string;
  readonly #apiKey: string;
  readonly #options: OpenAIEngineOptions;

  constructor(options: OpenAIEngineOptions) {
    this.#apiKey = options.apiKey;
    this.#options = options;
    this.id = `openai:${options.model}`;
  }

  toJSON(): { id: string; baseUrl: string; model: string } {
    return { id: this.id, baseUrl: this.#options.baseUrl, model: this.#options.model };
  }

  #redact(text: string): string {
    return this.#apiKey ? text.split(this.#apiKey).join('[redacted]') : text;
  }

  async generate(prompt: EnginePrompt, options: GenerateOptions = {}): Promise<string> {
    const o = this.#options;
    const maxRetries = o.maxRetries ?? 4;
    const baseDelay = o.baseDelayMs ?? 500;
    const maxDelay = o.maxDelayMs ?? 30_000;
    const random = o.random ?? Math.random;
    const body = JSON.stringify({
      model: o.model,
      messages: prompt.messages,
      temperature: options.temperature ?? 0,
      max_tokens: options.maxTokens ?? 512,
    });
    let lastProblem = '';
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (options.signal?.aborted) throw new CriticAbortedError();
      const outcome = await this.#attempt(body, options.signal);
      if (outcome.kind === 'done') return outcome.text;
      lastProblem = outcome.problem;
      if (attempt === maxRetries) break;
      const backoff = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.5 + random() / 2);
      await (o.sleep ?? abortableSleep)(Math.min(maxDelay, outcome.retryAfter ?? backoff), options.signal);
    }
    throw new CriticRetriesExhaustedError(
      maxRetries + 1,
      `Gave up after ${maxRetries + 1} attempts: ${lastProblem}`,
    );
  }

  async #attempt(
    body: string,
    signal: AbortSignal | undefined,
  ): Promise<{ kind: 'done'; text: string } | { kind: 'retry'; problem: string; retryAfter?: number }> {
    const o = this.#options;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, o.timeoutMs ?? 60_000);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.#apiKey) headers.Authorization = `Bearer ${this.#apiKey}`;
    try {
      const doFetch: Fetch = o.fetch ?? fetch;
      let response: Awaited<ReturnType<Fetch>>;
      let text: string;
      try {
        response = await doFetch(`${o.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
          method: 'POST',
          headers,
          body,
          signal: controller.signal,
        });
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw new CriticAbortedError();
        if (timedOut)
          return { kind: 'retry', problem: new CriticTimeoutError('The request timed out.').message };
        return { kind: 'retry', problem: this.#redact(`network error: ${(error as Error).message}`) };
      }
      if (RETRYABLE_STATUS.has(response.status)) {
        const retryAfter = retryAfterMs(response.headers.get('retry-after'));
        return {
          kind: 'retry',
          problem: `HTTP ${response.status}`,
          ...(retryAfter === undefined ? {} : { retryAfter }),
        };
      }
      if (!response.ok) {
        throw new CriticHttpError(
          response.status,
          this.#redact(`HTTP ${response.status}: ${errorMessage(text)}`),
        );
      }
      return { kind: 'done', text: this.#content(text) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #content(text: string): string {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CriticResponseFormatError(this.#redact(`The reply is not JSON: ${text.slice(0, 120)}`));
    }
    const content = (json as { choices?: Array<{ message?: { content?: unknown } }> })?.choices?.[0]?.message
      ?.content;
    if (typeof content !== 'string')
      throw new CriticResponseFormatError('The reply has no choices[0].message.content.');
    return content;
  }
}

function errorMessage(body: string): string {
  try {
    const m = (JSON.parse(body) as { error?: { message?: unknown } })?.error?.message;
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 300);
}
