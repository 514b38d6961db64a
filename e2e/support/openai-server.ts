import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake endpoint saw it. */
export interface SeenRequest {
  at: number;
  authorization: string | undefined;
  kind: 'critique' | 'feedback' | 'rewrite' | 'unknown';
  messages: Array<{ role: string; content: string }>;
  status: number;
}

/** A scripted answer: a status with headers, or a reply text for choices[0].message.content. */
export type Scripted =
  { status: number; headers?: Record<string, string>; body?: string } | { reply: string };

export interface FakeOpenAI {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  // Without this, a page cannot read Retry-After of a cross-origin reply (not a CORS-safelisted header).
  'Access-Control-Expose-Headers': 'Retry-After',
};

function kindOf(system: string): SeenRequest['kind'] {
  if (system.includes('check image captions') || system.includes('careful annotator')) return 'critique';
  if (system.includes('<FEEDBACK>')) return 'feedback';
  if (system.includes('<IMPROVED_CAPTION>')) return 'rewrite';
  return 'unknown';
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A small OpenAI-compatible chat-completions server on 127.0.0.1 for the critic's endpoint engine: the first
 * requests get the `script` (429s, malformed replies…), every later one `answer(kind, messages)`.
 */
export async function startFakeOpenAI(
  script: Scripted[],
  answer: (kind: SeenRequest['kind'], messages: SeenRequest['messages']) => string,
): Promise<FakeOpenAI> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    void body(req).then((text) => {
      const parsed = JSON.parse(text) as { messages: SeenRequest['messages'] };
      const kind = kindOf(parsed.messages[0]?.content ?? '');
      const step = script[seen.length] ?? { reply: answer(kind, parsed.messages) };
      const status = 'status' in step ? step.status : 200;
      seen.push({
        at: Date.now(),
        authorization: req.headers.authorization,
        kind,
        messages: parsed.messages,
        status,
      });
      if ('status' in step) {
        res.writeHead(step.status, { ...CORS, 'Content-Type': 'application/json', ...step.headers });
        res.end(step.body ?? JSON.stringify({ error: { message: `scripted ${step.status}` } }));
        return;
      }
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: step.reply } }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
