import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../src/lib/critic/engines/template';
import { critiqueEnsemble, mergeFindings } from '../../../src/lib/critic/ensemble';
import { CRITIQUE_CHECKLIST, CRITIQUE_ENHANCING } from '../../../src/lib/critic/prompts';
import { fixtureEvidence, table } from './helpers/florence-fixtures';
import { ScriptedEngine } from './helpers/scripted-engine';

const evidence = fixtureEvidence('coco_val2017_000000039769');
const caption = 'A dog lying on a couch next to a remote.';
const template = new TemplateEngine(table);
const EMPTY =
  '{"mentioned": ["dog", "couch", "remote"], "hallucinated": [], "missing": [], "count_errors": [], "relation_errors": []}';

describe('critiqueEnsemble', () => {
  it('averages the members’ losses and keeps what half of them report', async () => {
    const lenient = new ScriptedEngine('openai:lenient', [EMPTY]);
    const e = await critiqueEnsemble(caption, evidence, table, [
      { engine: template, prompt: CRITIQUE_ENHANCING },
      { engine: lenient, prompt: CRITIQUE_CHECKLIST },
    ]);
    const scores = e.members.map((m) => (m.ok ? m.critique.score : NaN));
    // Rules: precision 2/3, recall 2/3, consistency 1/2; the lenient member finds nothing (score 1).
    expect(scores[0]).toBeCloseTo(0.5 * (2 / 3) + 0.3 * (2 / 3) + 0.1, 12);
    expect(scores[1]).toBe(1);
    expect(e.loss).toBeCloseTo((1 - scores[0]! + 0) / 2, 12);
    expect(e.score).toBeCloseTo(1 - e.loss, 12);
    // One of two members is half: the dog stays flagged, and carries the rules' evidence details.
    expect(e.hallucinations.map((h) => h.object)).toEqual(['dog']);
    expect(e.omissions[0]).toMatchObject({ object: 'cat', count: 2, sources: ['florence-od'] });
    expect(e.engine).toBe('template@1+openai:lenient');
    expect(lenient.prompts[0]!.id).toBe('critique.checklist');
  });

  it('drops findings only a minority reports', () => {
    const none = {
      mentions: [],
      hallucinations: [],
      omissions: [],
      countMismatches: [],
      relationMismatches: [],
    };
    const dog = { ...none, hallucinations: [{ object: 'dog', text: 'a dog', reason: '' }] };
    expect(mergeFindings([dog, none, none]).hallucinations).toEqual([]);
    expect(mergeFindings([dog, dog, none]).hallucinations).toEqual(dog.hallucinations);
  });

  it('records failed members and falls back to the rules when all fail', async () => {
    const broken = new ScriptedEngine('broken', ['not json', 'still not json']);
    const e = await critiqueEnsemble(caption, evidence, table, [
      { engine: broken, prompt: CRITIQUE_ENHANCING },
    ]);
    expect(e.members).toEqual([
      {
        ok: false,
        failure: expect.objectContaining({
          engine: 'broken',
          attempts: 2,
          problem: 'malformed JSON: no JSON object',
        }),
      },
    ]);
    expect(e.engine).toBe('rules');
    expect(e.hallucinations.map((h) => h.object)).toEqual(['dog']);
    expect(e.prompt.id).toBe('critique.enhancing');
  });
});
