import { describe, expect, it } from 'vitest';
import type { EnginePrompt } from '../../../src/lib/critic/engines/engine';
import {
  boundText,
  findingsToReply,
  generateParsed,
  parseCritiqueReply,
  parseFeedback,
  parseImprovedCaption,
} from '../../../src/lib/critic/parse';
import { REWRITE_IMPROVED_CAPTION, renderRewritePrompt } from '../../../src/lib/critic/prompts';
import { checkCaption } from '../../../src/lib/critic/rules';
import { fixtureEvidence, table } from './helpers/florence-fixtures';
import { ScriptedEngine } from './helpers/scripted-engine';

const evidence = fixtureEvidence('coco_val2017_000000039769');
const findings = checkCaption('A dog lying on a couch next to a remote.', evidence, table);
const prompt: EnginePrompt = renderRewritePrompt(REWRITE_IMPROVED_CAPTION, {
  kind: 'rewrite',
  caption: 'A dog lying on a couch next to a remote.',
  evidence,
  critique: findings,
  feedback: 'Remove the dog.',
});

describe('parseImprovedCaption', () => {
  it('takes the tagged caption, the last one when there are several, tidied', () => {
    expect(
      parseImprovedCaption('Sure!\n<IMPROVED_CAPTION>\n "Two cats  on a couch." \n</IMPROVED_CAPTION>'),
    ).toEqual({
      ok: true,
      value: 'Two cats on a couch.',
    });
    expect(
      parseImprovedCaption(
        '<IMPROVED_CAPTION>a</IMPROVED_CAPTION> then <improved_caption>b</improved_caption>',
      ),
    ).toEqual({
      ok: true,
      value: 'b',
    });
  });

  it('refuses a missing tag, an empty caption and an overlong one', () => {
    expect(parseImprovedCaption('Two cats on a couch.')).toEqual({
      ok: false,
      problem: 'no <IMPROVED_CAPTION> tag',
    });
    expect(parseImprovedCaption('<IMPROVED_CAPTION>Two cats')).toMatchObject({ ok: false });
    expect(parseImprovedCaption('<IMPROVED_CAPTION>  </IMPROVED_CAPTION>')).toEqual({
      ok: false,
      problem: 'the caption is empty',
    });
    expect(parseImprovedCaption(`<IMPROVED_CAPTION>${'word '.repeat(100)}</IMPROVED_CAPTION>`)).toMatchObject(
      { ok: false },
    );
  });
});

describe('parseFeedback and boundText', () => {
  it('accepts tagged or untagged feedback and bounds its length at a sentence end', () => {
    expect(parseFeedback('<FEEDBACK>Remove the dog.</FEEDBACK>', 100)).toEqual({
      ok: true,
      value: { text: 'Remove the dog.', truncated: false },
    });
    expect(parseFeedback('Remove the dog.', 100)).toMatchObject({
      ok: true,
      value: { text: 'Remove the dog.' },
    });
    expect(parseFeedback('<FEEDBACK></FEEDBACK>', 100)).toEqual({
      ok: false,
      problem: 'the feedback is empty',
    });
    const long = 'Remove the dog. Mention the cats. Mention the remotes. Keep the couch.';
    expect(boundText(long, 40)).toEqual({ text: 'Remove the dog. Mention the cats.', truncated: true });
    expect(boundText('x'.repeat(50), 10)).toEqual({ text: 'xxxxxxxxx…', truncated: true });
  });
});

describe('parseCritiqueReply', () => {
  it('round-trips the rule findings through the reply format', () => {
    const parsed = parseCritiqueReply(findingsToReply(findings), table);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.hallucinations).toEqual(findings.hallucinations);
    expect(parsed.value.omissions).toEqual([{ object: 'cat', count: 2 }]);
    expect(parsed.value.countMismatches).toEqual(findings.countMismatches);
    expect(parsed.value.mentions.map((m) => [m.object, m.grounded])).toEqual([
      ['dog', false],
      ['couch', true],
      ['remote', true],
    ]);
  });

  it('finds the JSON in chatter and code fences, and maps object names to COCO categories', () => {
    const reply =
      'Here is my analysis:\n```json\n{"mentioned": ["puppy", "sofa"], "hallucinated": [{"object": "puppy", "text": "a puppy"}], ' +
      '"missing": [{"object": "kittens", "count": 2}, {"object": "blanket"}], "count_errors": [], ' +
      '"relation_errors": [{"subject": "puppy", "relation": "ON", "object": "sofa", "observed": "sideways"}]}\n```';
    const parsed = parseCritiqueReply(reply, table);
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        hallucinations: [{ object: 'dog', text: 'a puppy', reason: '' }],
        omissions: [
          { object: 'cat', count: 2 },
          { object: 'blanket', count: 1 },
        ],
        relationMismatches: [{ subject: 'dog', relation: 'on', object: 'couch', text: 'dog' }],
      },
    });
  });

  it('reports malformed JSON and wrong shapes as problems, never throws', () => {
    expect(parseCritiqueReply('no json here', table)).toEqual({
      ok: false,
      problem: 'malformed JSON: no JSON object',
    });
    expect(parseCritiqueReply('{"hallucinated": [', table)).toMatchObject({
      ok: false,
      problem: /malformed JSON/,
    });
    expect(parseCritiqueReply('{"hallucinated": "dog"}', table)).toEqual({
      ok: false,
      problem: '"hallucinated" is not a list',
    });
    expect(parseCritiqueReply('{"a": "}{"}', table)).toMatchObject({ ok: true });
  });
});

describe('generateParsed', () => {
  it('returns the first usable reply', async () => {
    const engine = new ScriptedEngine('e', ['<IMPROVED_CAPTION>Two cats.</IMPROVED_CAPTION>']);
    expect(await generateParsed(engine, prompt, parseImprovedCaption)).toEqual({
      ok: true,
      value: 'Two cats.',
      replies: ['<IMPROVED_CAPTION>Two cats.</IMPROVED_CAPTION>'],
      attempts: 1,
    });
  });

  it('retries once with the bad reply and a reminder of the format', async () => {
    const engine = new ScriptedEngine('e', ['Two cats.', '<IMPROVED_CAPTION>Two cats.</IMPROVED_CAPTION>']);
    const result = await generateParsed(engine, prompt, parseImprovedCaption);
    expect(result).toMatchObject({ ok: true, value: 'Two cats.', attempts: 2 });
    const retry = engine.prompts[1]!.messages;
    expect(retry.slice(0, -2)).toEqual(prompt.messages);
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: 'Two cats.' });
    expect(retry.at(-1)!.content).toBe(
      'Your reply could not be used (no <IMPROVED_CAPTION> tag). Reply again with the new caption between <IMPROVED_CAPTION> and </IMPROVED_CAPTION>, and nothing else.',
    );
  });

  it('records a failure after two bad replies, or when the engine throws', async () => {
    const bad = new ScriptedEngine('bad', ['nope', 'still nope', 'never asked']);
    expect(await generateParsed(bad, prompt, parseImprovedCaption)).toEqual({
      ok: false,
      failure: {
        promptId: 'rewrite.improved-caption',
        promptVersion: 1,
        engine: 'bad',
        problem: 'no <IMPROVED_CAPTION> tag',
        replies: ['nope', 'still nope'],
        attempts: 2,
      },
    });
    const http = Object.assign(new Error('HTTP 401: bad key'), { name: 'CriticHttpError' });
    const throwing = new ScriptedEngine('throwing', [http]);
    expect(await generateParsed(throwing, prompt, parseImprovedCaption)).toMatchObject({
      ok: false,
      failure: { problem: 'HTTP 401: bad key', errorName: 'CriticHttpError', attempts: 1, replies: [] },
    });
  });

  it('lets a cancellation through', async () => {
    const controller = new AbortController();
    controller.abort();
    const engine = new ScriptedEngine('e', ['<IMPROVED_CAPTION>x</IMPROVED_CAPTION>']);
    await expect(
      generateParsed(engine, prompt, parseImprovedCaption, { signal: controller.signal }),
    ).rejects.toThrow('aborted');
  });
});
