import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../src/lib/critic/engines/template';
import { refineCaption } from '../../../src/lib/critic/loop';
import {
  CRITIQUE_ENHANCING,
  FEEDBACK_TEXTUAL_GRADIENT,
  REWRITE_IMPROVED_CAPTION,
} from '../../../src/lib/critic/prompts';
import { fixtureEvidence, table } from './helpers/florence-fixtures';
import { ScriptedEngine } from './helpers/scripted-engine';

const evidence = fixtureEvidence('coco_val2017_000000039769');
const template = new TemplateEngine(table);
const critics = [{ engine: template, prompt: CRITIQUE_ENHANCING }];

describe('refineCaption with the template engine', () => {
  it('fixes a hallucinating caption in one step and stops when the critique is clean', async () => {
    const seen: number[] = [];
    const r = await refineCaption('A dog lying on a couch next to a remote.', evidence, table, {
      critics,
      writer: template,
      onVersion: (v) => seen.push(v.index),
    });
    expect(r.stop).toBe('clean');
    expect(r.versions.map((v) => v.caption)).toEqual([
      'A dog lying on a couch next to a remote.',
      'Two cats lying on a couch next to two remotes.',
    ]);
    expect(r.versions.map((v) => v.critique.clean)).toEqual([false, true]);
    expect(r.versions[0]!.score).toBeLessThan(0.7);
    expect(r.versions[1]!.score).toBe(1);
    expect(r.best).toBe(1);
    expect(seen).toEqual([0, 1]);
    // Every version keeps its critique, the feedback written on it and the prompts used.
    const [v0, v1] = r.versions;
    expect(v0!.critique.prompt).toMatchObject({ id: 'critique.enhancing', version: 1 });
    expect(v0!.critique.prompt.text).toContain('Caption: "A dog lying on a couch next to a remote."');
    expect(v0!.critique.prompt.text).toContain('- cat [16, 54, 318, 470] 0.60, zoom 1×1, florence-od');
    expect(v0!.feedback).toMatchObject({
      engine: 'template@1',
      truncated: false,
      prompt: { id: 'feedback.textual-gradient', version: 1 },
    });
    expect(v0!.feedback!.text).toMatch(/^Remove "A dog"/);
    expect(v1!.rewrite).toMatchObject({
      engine: 'template@1',
      prompt: { id: 'rewrite.improved-caption', version: 1 },
    });
    expect(v1!.feedback).toBeUndefined();
  });

  it('stops at once on a clean caption', async () => {
    const r = await refineCaption(
      'Two cats lying on a pink couch with two remote controls.',
      evidence,
      table,
      { critics, writer: template },
    );
    expect(r).toMatchObject({ stop: 'clean', best: 0, failures: [] });
    expect(r.versions).toHaveLength(1);
  });

  it('bounds the feedback', async () => {
    const r = await refineCaption('A dog lying on a couch next to a remote.', evidence, table, {
      critics,
      writer: template,
      maxFeedbackChars: 60,
    });
    expect(r.versions[0]!.feedback!.text.length).toBeLessThanOrEqual(60);
    expect(r.versions[0]!.feedback!.truncated).toBe(true);
  });
});

describe('refineCaption stopping rules with scripted writers', () => {
  it('gives up after maxSteps when the rewrites never become clean, keeping every version', async () => {
    const writer = new ScriptedEngine('w', [
      'Remove the dog.',
      '<IMPROVED_CAPTION>A dog on a couch.</IMPROVED_CAPTION>',
      'Remove the dog.',
      '<IMPROVED_CAPTION>A dog on a sofa.</IMPROVED_CAPTION>',
    ]);
    const r = await refineCaption('A dog lying on a couch.', evidence, table, {
      critics,
      writer,
      maxSteps: 2,
    });
    expect(r.stop).toBe('max-steps');
    expect(r.versions.map((v) => v.caption)).toEqual([
      'A dog lying on a couch.',
      'A dog on a couch.',
      'A dog on a sofa.',
    ]);
    expect(r.versions.map((v) => v.index)).toEqual([0, 1, 2]);
    expect(writer.prompts.map((p) => p.id)).toEqual([
      FEEDBACK_TEXTUAL_GRADIENT.id,
      REWRITE_IMPROVED_CAPTION.id,
      FEEDBACK_TEXTUAL_GRADIENT.id,
      REWRITE_IMPROVED_CAPTION.id,
    ]);
  });

  it('uses 3 steps by default', async () => {
    const writer = new ScriptedEngine(
      'w',
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0 ? 'fb' : `<IMPROVED_CAPTION>A dog ${i}.</IMPROVED_CAPTION>`,
      ),
    );
    const r = await refineCaption('A dog.', evidence, table, { critics, writer });
    expect(r.stop).toBe('max-steps');
    expect(r.versions).toHaveLength(4);
  });

  it('stops when the rewrite changes nothing', async () => {
    const writer = new ScriptedEngine('w', [
      'Remove the dog.',
      '<IMPROVED_CAPTION>a dog lying on a couch</IMPROVED_CAPTION>',
    ]);
    const r = await refineCaption('A dog lying on a couch.', evidence, table, { critics, writer });
    expect(r.stop).toBe('no-change');
    expect(r.versions).toHaveLength(1);
    expect(r.versions[0]!.feedback!.text).toBe('Remove the dog.');
  });

  it('records a failure after a bad reply and its retry, without throwing', async () => {
    const writer = new ScriptedEngine('w', [
      'Remove the dog.',
      'Two cats on a couch.',
      'Two cats on a couch!',
    ]);
    const r = await refineCaption('A dog lying on a couch.', evidence, table, { critics, writer });
    expect(r.stop).toBe('failure');
    expect(r.versions).toHaveLength(1);
    expect(r.failures).toEqual([
      {
        promptId: 'rewrite.improved-caption',
        promptVersion: 1,
        engine: 'w',
        problem: 'no <IMPROVED_CAPTION> tag',
        replies: ['Two cats on a couch.', 'Two cats on a couch!'],
        attempts: 2,
      },
    ]);
  });

  it('reports the best version when a later rewrite gets worse', async () => {
    const writer = new ScriptedEngine('w', [
      'fb',
      '<IMPROVED_CAPTION>Two cats lying on a couch.</IMPROVED_CAPTION>',
      'fb',
      '<IMPROVED_CAPTION>A horse.</IMPROVED_CAPTION>',
    ]);
    const r = await refineCaption('A dog lying on a couch.', evidence, table, {
      critics,
      writer,
      maxSteps: 2,
    });
    // 0.550: precision 1/2 (dog), recall 1/3 (cats and remotes missed), consistency 1.
    expect(r.versions.map((v) => v.score.toFixed(3))).toEqual(['0.550', '0.900', '0.200']);
    expect(r.best).toBe(1);
  });
});
