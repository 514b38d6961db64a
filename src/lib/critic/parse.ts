/**
 * Defensive parsing of engine replies. A reply that cannot be used gets one retry with a reminder of the
 * format; a second bad reply, or an engine error, becomes a recorded failure, never a thrown error (a
 * cancelled call still throws, so that cancelling stops the queue). Feedback is bounded in length.
 */
import type {
  CountMismatch,
  Findings,
  Hallucination,
  MentionVerdict,
  Omission,
  Relation,
  RelationMismatch,
} from './critique';
import type { CriticEngine, EnginePrompt, GenerateOptions } from './engines/engine';
import { labelCategory } from '../evidence/evidence';
import { reminderFor } from './prompts';
import type { SynonymTable } from '../vocabulary/synonyms';

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface EngineFailure {
  readonly promptId: string;
  readonly promptVersion: number;
  readonly engine: string;
  /** Why the last attempt failed. */
  readonly problem: string;
  /** Error name when the engine threw (e.g. 'CriticHttpError'). */
  readonly errorName?: string;
  readonly replies: readonly string[];
  readonly attempts: number;
}

export type GenerateResult<T> =
  | { readonly ok: true; readonly value: T; readonly replies: readonly string[]; readonly attempts: number }
  | { readonly ok: false; readonly failure: EngineFailure };

export const MAX_ATTEMPTS = 2;

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/** Calls the engine, parses, retries once with a reminder, and records a failure instead of throwing. */
export async function generateParsed<T>(
  engine: CriticEngine,
  prompt: EnginePrompt,
  parse: (reply: string) => ParseResult<T>,
  options: GenerateOptions = {},
): Promise<GenerateResult<T>> {
  const replies: string[] = [];
  let current = prompt;
  let problem = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let reply: string;
    try {
      reply = await engine.generate(current, options);
    } catch (error) {
      if (isAbort(error, options.signal)) throw error;
      const e = error instanceof Error ? error : new Error(String(error));
      return {
        ok: false,
        failure: failure(prompt, engine, e.message, replies, attempt, e.name),
      };
    }
    replies.push(reply);
    const parsed = parse(reply);
    if (parsed.ok) return { ok: true, value: parsed.value, replies, attempts: attempt };
    problem = parsed.problem;
    current = {
      ...prompt,
      messages: [
        ...prompt.messages,
        { role: 'assistant', content: reply },
        { role: 'user', content: reminderFor(prompt.kind, problem) },
      ],
    };
  }
  return { ok: false, failure: failure(prompt, engine, problem, replies, MAX_ATTEMPTS) };
}

function failure(
  prompt: EnginePrompt,
  engine: CriticEngine,
  problem: string,
  replies: readonly string[],
  attempts: number,
  errorName?: string,
): EngineFailure {
  return {
    promptId: prompt.id,
    promptVersion: prompt.version,
    engine: engine.id,
    problem,
    ...(errorName ? { errorName } : {}),
    replies,
    attempts,
  };
}

/** Text between <TAG> and </TAG> (the last complete pair), or undefined. */
export function tagged(reply: string, tag: string): string | undefined {
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'gi');
  const all = [...reply.matchAll(re)];
  return all.at(-1)?.[1];
}

export const MAX_CAPTION_CHARS = 400;

export function parseImprovedCaption(reply: string): ParseResult<string> {
  const inner = tagged(reply, 'IMPROVED_CAPTION');
  if (inner === undefined) return { ok: false, problem: 'no <IMPROVED_CAPTION> tag' };
  const caption = inner
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“]+|["'”]+$/g, '')
    .trim();
  if (caption.length === 0) return { ok: false, problem: 'the caption is empty' };
  if (caption.length > MAX_CAPTION_CHARS)
    return { ok: false, problem: `the caption is over ${MAX_CAPTION_CHARS} characters` };
  return { ok: true, value: caption };
}

export interface BoundedText {
  readonly text: string;
  readonly truncated: boolean;
}

/** Cuts text to at most `maxChars`, at the last sentence end that fits when there is one. */
export function boundText(text: string, maxChars: number): BoundedText {
  if (text.length <= maxChars) return { text, truncated: false };
  const head = text.slice(0, maxChars);
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('.\n'), head.lastIndexOf('\n'));
  const cut =
    sentenceEnd >= maxChars / 2 ? head.slice(0, sentenceEnd + 1) : head.slice(0, maxChars - 1) + '…';
  return { text: cut.trim(), truncated: true };
}

/** Feedback between <FEEDBACK> tags; untagged text is accepted as it is (small models forget tags). */
export function parseFeedback(reply: string, maxChars: number): ParseResult<BoundedText> {
  const inner = tagged(reply, 'FEEDBACK') ?? reply.replace(/<\/?FEEDBACK>/gi, '');
  const text = inner.trim();
  if (text.length === 0) return { ok: false, problem: 'the feedback is empty' };
  return { ok: true, value: boundText(text, maxChars) };
}

/** The first balanced {...} in the reply (code fences and chatter around it are ignored). */
function jsonObjectIn(reply: string): unknown {
  const start = reply.indexOf('{');
  if (start < 0) throw new SyntaxError('no JSON object');
  let depth = 0;
  let inString = false;
  for (let i = start; i < reply.length; i++) {
    const ch = reply[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth += 1;
    else if (ch === '}' && --depth === 0) return JSON.parse(reply.slice(start, i + 1));
  }
  throw new SyntaxError('unbalanced JSON object');
}

const RELATIONS: readonly Relation[] = ['left of', 'right of', 'on', 'under', 'on the left', 'on the right'];

function asRelation(v: unknown): Relation | undefined {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  return RELATIONS.find((r) => r === s);
}

/** Parses a critique reply (the JSON format of the critique prompts) into findings. */
export function parseCritiqueReply(reply: string, table: SynonymTable): ParseResult<Findings> {
  let raw: unknown;
  try {
    raw = jsonObjectIn(reply);
  } catch (e) {
    return { ok: false, problem: `malformed JSON: ${(e as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, problem: 'not a JSON object' };
  const r = raw as Record<string, unknown>;
  for (const key of ['mentioned', 'hallucinated', 'missing', 'count_errors', 'relation_errors']) {
    if (r[key] !== undefined && !Array.isArray(r[key]))
      return { ok: false, problem: `"${key}" is not a list` };
  }
  const list = (key: string): unknown[] => (r[key] as unknown[] | undefined) ?? [];
  const name = (v: unknown): string | undefined => {
    const s = typeof v === 'string' ? v : (v as { object?: unknown } | null)?.object;
    if (typeof s !== 'string' || s.trim() === '') return undefined;
    return labelCategory(s, table) ?? s.trim().toLowerCase();
  };
  const field = (v: unknown, key: string): unknown =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

  const hallucinations: Hallucination[] = list('hallucinated').flatMap((h) => {
    const object = name(h);
    return object
      ? [{ object, text: str(field(h, 'text'), object), reason: str(field(h, 'reason'), '') }]
      : [];
  });
  const mentionedNames = list('mentioned').flatMap((m) => name(m) ?? []);
  const hallucinated = new Set(hallucinations.map((h) => h.object));
  const mentions: MentionVerdict[] = [...new Set([...mentionedNames, ...hallucinated])].map((object) => ({
    object,
    text: hallucinations.find((h) => h.object === object)?.text ?? object,
    grounded: !hallucinated.has(object),
    support: [],
  }));
  const omissions: Omission[] = list('missing').flatMap((m) => {
    const object = name(m);
    const count = Number(field(m, 'count') ?? 1);
    return object ? [{ object, count: Number.isInteger(count) && count > 0 ? count : 1 }] : [];
  });
  const countMismatches: CountMismatch[] = list('count_errors').flatMap((c) => {
    const object = name(c);
    const claimedRaw = field(c, 'claimed');
    const claimed = claimedRaw === 'many' ? 'many' : Number(claimedRaw);
    const actual = Number(field(c, 'actual'));
    if (!object || !(Number.isInteger(actual) && actual >= 0)) return [];
    if (claimed !== 'many' && !Number.isFinite(claimed)) return [];
    return [{ object, text: str(field(c, 'text'), object), claimed, actual }];
  });
  const relationMismatches: RelationMismatch[] = list('relation_errors').flatMap((x) => {
    const subject = name(field(x, 'subject'));
    const relation = asRelation(field(x, 'relation'));
    if (!subject || !relation) return [];
    const object = name(field(x, 'object'));
    const observed = asRelation(field(x, 'observed'));
    return [
      {
        subject,
        relation,
        ...(object ? { object } : {}),
        text: str(field(x, 'text'), subject),
        ...(observed ? { observed } : {}),
      },
    ];
  });
  return { ok: true, value: { mentions, hallucinations, omissions, countMismatches, relationMismatches } };
}

/** The critique reply format, written from findings (what the template engine answers). */
export function findingsToReply(f: Findings): string {
  return JSON.stringify({
    mentioned: f.mentions.map((m) => m.object),
    hallucinated: f.hallucinations.map((h) => ({ object: h.object, text: h.text, reason: h.reason })),
    missing: f.omissions.map((o) => ({ object: o.object, count: o.count })),
    count_errors: f.countMismatches.map((c) => ({
      object: c.object,
      text: c.text,
      claimed: c.claimed,
      actual: c.actual,
    })),
    relation_errors: f.relationMismatches.map((r) => ({
      subject: r.subject,
      relation: r.relation,
      ...(r.object ? { object: r.object } : {}),
      text: r.text,
      ...(r.observed ? { observed: r.observed } : {}),
    })),
  });
}
