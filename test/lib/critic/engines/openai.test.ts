/** The OpenAI-compatible engine against a small chat-completions server on 127.0.0.1 started here. */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EnginePrompt } from '../../../../src/lib/critic/engines/engine';
import { CriticHttpError, CriticRetriesExhaustedError } from '../../../../src/lib/critic/engines/errors';
import { OpenAIEngine, retryAfterMs } from '../../../../src/lib/critic/engines/openai';
import { generateParsed, parseImprovedCaption } from '../../../../src/lib/critic/parse';
import { REWRITE_IMPROVED_CAPTION, renderRewritePrompt } from '../../../../src/lib/critic/prompts';
import { checkCaption } from '../../../../src/lib/critic/rules';
import { fixtureEvidence, table } from '../helpers/florence-fixtures';

const KEY = 'sk-test-0123456789abcdef';

interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (for timeouts). */
  hang?: boolean;
}
interface Seen {
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    temperature: number;
    max_tokens: number;
  };
  url: string;
}

const completion = (content: string): Reply => ({
  status: 200,
  body: JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content } }],
  }),
  headers: { 'content-type': 'application/json' },
});

let server: Server;
let baseUrl: string;
let replies: Reply[] = [];
let seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: JSON.parse(raw) as Seen['body'], url: req.url ?? '' });
      const r = replies.shift() ?? { status: 500, body: 'script exhausted' };
      if (r.hang) return;
      res.writeHead(r.status, r.headers ?? {});
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  replies = [];
  seen = [];
});

const evidence = fixtureEvidence('coco_val2017_000000039769');
const caption = 'A dog lying on a couch next to a remote.';
const prompt: EnginePrompt = renderRewritePrompt(REWRITE_IMPROVED_CAPTION, {
  kind: 'rewrite',
  caption,
  evidence,
  critique: checkCaption(caption, evidence, table),
  feedback: 'Replace the dog with the two cats.',
});

function engine(extra: Partial<ConstructorParameters<typeof OpenAIEngine>[0]> = {}) {
  const delays: number[] = [];
  const e = new OpenAIEngine({
    baseUrl,
    model: 'gpt-4o',
    apiKey: KEY,
    random: () => 1,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
  return { e, delays };
}

describe('OpenAIEngine', () => {
  it('posts the chat messages and returns the reply (200)', async () => {
    replies = [completion('<IMPROVED_CAPTION>Two cats on a couch.</IMPROVED_CAPTION>')];
    const { e } = engine();
    expect(await e.generate(prompt, { maxTokens: 64 })).toBe(
      '<IMPROVED_CAPTION>Two cats on a couch.</IMPROVED_CAPTION>',
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/v1/chat/completions');
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen[0]!.body).toEqual({
      model: 'gpt-4o',
      messages: prompt.messages,
      temperature: 0,
      max_tokens: 64,
    });
    expect(e.id).toBe('openai:gpt-4o');
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    replies = [
      { status: 429, headers: { 'retry-after': '2' }, body: '{"error":{"message":"rate limited"}}' },
      completion('ok'),
    ];
    const { e, delays } = engine();
    expect(await e.generate(prompt)).toBe('ok');
    expect(delays).toEqual([2000]);
    expect(seen).toHaveLength(2);
  });

  it('backs off exponentially on 5xx without Retry-After, and gives up after maxRetries', async () => {
    replies = [{ status: 503 }, { status: 502 }, completion('ok')];
    const { e, delays } = engine({ baseDelayMs: 100 });
    expect(await e.generate(prompt)).toBe('ok');
    expect(delays).toEqual([100, 200]);

    replies = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const capped = engine({ baseDelayMs: 100, maxRetries: 2 });
    const error = await capped.e.generate(prompt).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(CriticRetriesExhaustedError);
    expect(error).toMatchObject({
      name: 'CriticRetriesExhaustedError',
      attempts: 3,
      message: 'Gave up after 3 attempts: HTTP 500',
    });
    expect(capped.delays).toEqual([100, 200]);
  });

  it('retries a request that times out', async () => {
    replies = [{ status: 200, hang: true }, completion('late but fine')];
    const { e, delays } = engine({ timeoutMs: 200, baseDelayMs: 10 });
    expect(await e.generate(prompt)).toBe('late but fine');
    expect(delays).toEqual([10]);
  });

  it('fails at once on 401, with the key cut out of the message', async () => {
    replies = [
      { status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }) },
    ];
    const { e, delays } = engine();
    const error = await e.generate(prompt).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(CriticHttpError);
    expect(error).toMatchObject({ name: 'CriticHttpError', status: 401 });
    expect((error as Error).message).toBe('HTTP 401: Incorrect API key provided: [redacted]');
    expect(delays).toEqual([]);
  });

  it('never serialises the key', () => {
    const { e } = engine();
    expect(JSON.stringify(e)).toBe(JSON.stringify({ id: 'openai:gpt-4o', baseUrl, model: 'gpt-4o' }));
    expect(JSON.stringify({ ...e })).not.toContain(KEY);
  });

  it('is cancelled by its signal while waiting to retry', async () => {
    replies = [{ status: 429, headers: { 'retry-after': '30' } }];
    const controller = new AbortController();
    const e = new OpenAIEngine({ baseUrl, model: 'm', apiKey: KEY, maxDelayMs: 60_000 });
    const pending = e.generate(prompt, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('1.5')).toBe(1500);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(
      5000,
    );
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('OpenAIEngine behind the defensive parser', () => {
  it('retries a malformed reply with a reminder, then records the failure', async () => {
    replies = [completion('Two cats on a couch.'), completion('Sure: Two cats on a couch.')];
    const { e } = engine();
    const result = await generateParsed(e, prompt, parseImprovedCaption);
    expect(result).toEqual({
      ok: false,
      failure: {
        promptId: 'rewrite.improved-caption',
        promptVersion: 1,
        engine: 'openai:gpt-4o',
        problem: 'no <IMPROVED_CAPTION> tag',
        replies: ['Two cats on a couch.', 'Sure: Two cats on a couch.'],
        attempts: 2,
      },
    });
    const retry = seen[1]!.body.messages;
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: 'Two cats on a couch.' });
    expect(retry.at(-1)!.content).toMatch(/^Your reply could not be used \(no <IMPROVED_CAPTION> tag\)/);
  });

  it('succeeds when the retry is well formed', async () => {
    replies = [
      completion('Two cats on a couch.'),
      completion('<IMPROVED_CAPTION>Two cats on a couch.</IMPROVED_CAPTION>'),
    ];
    const { e } = engine();
    expect(await generateParsed(e, prompt, parseImprovedCaption)).toMatchObject({
      ok: true,
      value: 'Two cats on a couch.',
      attempts: 2,
    });
  });

  it('records a body that is not a chat completion as a failure', async () => {
    replies = [{ status: 200, body: '<html>gateway</html>' }];
    const { e } = engine();
    expect(await generateParsed(e, prompt, parseImprovedCaption)).toMatchObject({
      ok: false,
      failure: {
        errorName: 'CriticResponseFormatError',
        problem: 'The reply is not JSON: <html>gateway</html>',
      },
    });
  });
});
