import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../../src/lib/critic/engines/template';
import { parseCritiqueReply } from '../../../../src/lib/critic/parse';
import {
  CRITIQUE_ENHANCING,
  FEEDBACK_TEXTUAL_GRADIENT,
  REWRITE_IMPROVED_CAPTION,
  renderCritiquePrompt,
  renderFeedbackPrompt,
  renderRewritePrompt,
} from '../../../../src/lib/critic/prompts';
import { checkCaption } from '../../../../src/lib/critic/rules';
import { fixtureEvidence, table } from '../helpers/florence-fixtures';

const evidence = fixtureEvidence('coco_val2017_000000039769');
const caption = 'A cat sleeping on a couch.';
const findings = checkCaption(caption, evidence, table);
const engine = new TemplateEngine(table);

describe('TemplateEngine', () => {
  it('answers a critique prompt with the rule findings in the reply format', async () => {
    const reply = await engine.generate(
      renderCritiquePrompt(CRITIQUE_ENHANCING, {
        kind: 'critique',
        caption,
        evidence,
        ruleFindings: findings,
      }),
    );
    const parsed = parseCritiqueReply(reply, table);
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        omissions: [{ object: 'remote', count: 2 }],
        countMismatches: [{ object: 'cat', claimed: 1, actual: 2 }],
      },
    });
  });

  it('writes tagged feedback and a tagged rewrite, deterministically', async () => {
    const feedbackPrompt = renderFeedbackPrompt(FEEDBACK_TEXTUAL_GRADIENT, {
      kind: 'feedback',
      caption,
      evidence,
      critique: findings,
      maxChars: 600,
    });
    const feedback = await engine.generate(feedbackPrompt);
    expect(feedback).toBe(
      '<FEEDBACK>Mention two remote controls: Florence-2 found them on the whole image, and the caption leaves them out.\n' +
        'Correct "A cat" to two cats: the caption says 1, the evidence shows 2.</FEEDBACK>',
    );
    expect(await engine.generate(feedbackPrompt)).toBe(feedback);
    const rewrite = await engine.generate(
      renderRewritePrompt(REWRITE_IMPROVED_CAPTION, {
        kind: 'rewrite',
        caption,
        evidence,
        critique: findings,
        feedback,
      }),
    );
    expect(rewrite).toBe(
      '<IMPROVED_CAPTION>Two cats sleeping on a couch. There are also two remote controls.</IMPROVED_CAPTION>',
    );
  });

  it("rewrites word salad from the evidence, with the boxes' counts and relation, instead of appending to it", async () => {
    // What the tiny random student writes; "pizza" is its one object word, and the evidence has none.
    const salad = 'tru tru tru drawn pizza tru tru';
    const critique = checkCaption(salad, evidence, table);
    const rewrite = await engine.generate(
      renderRewritePrompt(REWRITE_IMPROVED_CAPTION, {
        kind: 'rewrite',
        caption: salad,
        evidence,
        critique,
        feedback: '',
      }),
    );
    expect(rewrite).toBe(
      '<IMPROVED_CAPTION>A photo of two cats on a couch and two remote controls.</IMPROVED_CAPTION>',
    );
  });

  it('refuses to work on a cancelled signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const prompt = renderCritiquePrompt(CRITIQUE_ENHANCING, {
      kind: 'critique',
      caption,
      evidence,
      ruleFindings: findings,
    });
    await expect(engine.generate(prompt, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('the enhancing prompt', () => {
  it('carries the detected classes with boxes and zoom levels, the regions, the grounding and the caption', () => {
    const text = renderCritiquePrompt(CRITIQUE_ENHANCING, {
      kind: 'critique',
      caption,
      evidence,
      ruleFindings: findings,
    })
      .messages.map((m) => m.content)
      .join('\n');
    expect(text).toContain('Image: 640×480 pixels.');
    expect(text).toContain('- remote [40, 73, 176, 120] 0.60, zoom 1×1, florence-od');
    expect(text).toContain('- "cat with a green collar" [150, 55, 318, 240], zoom 2×2');
    expect(text).toContain('Detailed description (Florence-2): "The image shows two tabby cats');
    expect(text).toContain('- "A dog" [345, 24, 638, 372]');
    expect(text).toContain('Caption: "A cat sleeping on a couch."');
    expect(text).toContain('"hallucinated": [{"object"');
  });
});
