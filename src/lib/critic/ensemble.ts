/**
 * Critiques from several prompts and/or engines, scored together: the loss is the mean of the members'
 * losses (a steadier signal than one prompt), and the findings passed on to the rewrite are those at least
 * half of the members agree on. Members that fail are recorded; when all fail, the rule checker's
 * critique stands in, so a flaky endpoint slows the critic down but never stops it.
 */
import type { EvidenceCalibration } from './calibration';
import { calibrateFindings } from './calibration';
import type { Critique, Findings, PromptRecord } from './critique';
import { isClean, toCritique } from './critique';
import type { CriticEngine, GenerateOptions } from './engines/engine';
import { promptRecord } from './engines/engine';
import type { Evidence } from '../evidence/evidence';
import type { EngineFailure } from './parse';
import { generateParsed, parseCritiqueReply } from './parse';
import type { PromptSpec } from './prompts';
import { renderCritiquePrompt } from './prompts';
import type { RuleSettings } from './rules';
import { DEFAULT_RULE_SETTINGS, checkCaption } from './rules';
import type { SynonymTable } from '../vocabulary/synonyms';

export interface CriticMember {
  readonly engine: CriticEngine;
  readonly prompt: PromptSpec;
}

export type MemberOutcome =
  | { readonly ok: true; readonly critique: Critique }
  | { readonly ok: false; readonly failure: EngineFailure };

export interface EnsembleCritique extends Critique {
  /** Mean of the members' losses (1 − score). */
  readonly loss: number;
  readonly members: readonly MemberOutcome[];
}

export const RULES_ENGINE_ID = 'rules';

/** Gives an engine's findings the evidence details the rules know (support kinds, boxes, zoom levels). */
function withEvidenceDetails(f: Findings, rules: Findings): Findings {
  return {
    ...f,
    mentions: f.mentions.map((m) => {
      const r = rules.mentions.find((x) => x.object === m.object);
      return r && m.grounded ? { ...m, support: r.support, text: r.text } : m;
    }),
    omissions: f.omissions.map((o) => {
      const r = rules.omissions.find((x) => x.object === o.object);
      return r?.box ? { ...r, count: o.count } : o;
    }),
  };
}

function keyed<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const m = new Map<string, T>();
  for (const t of items) if (!m.has(key(t))) m.set(key(t), t);
  return m;
}

/** Items that at least half the members report (by key), in the order of first appearance. */
function majority<T>(lists: ReadonlyArray<readonly T[]>, key: (t: T) => string): T[] {
  const votes = new Map<string, { item: T; n: number }>();
  for (const list of lists) {
    for (const [k, item] of keyed(list, key)) {
      const v = votes.get(k);
      if (v) v.n += 1;
      else votes.set(k, { item, n: 1 });
    }
  }
  return [...votes.values()].filter((v) => v.n * 2 >= lists.length).map((v) => v.item);
}

export function mergeFindings(all: readonly Findings[]): Findings {
  const hallucinations = majority(
    all.map((f) => f.hallucinations),
    (h) => h.object,
  );
  const hallucinated = new Set(hallucinations.map((h) => h.object));
  const mentions = [
    ...keyed(
      all.flatMap((f) => f.mentions),
      (m) => m.object,
    ).values(),
  ].map((m) => ({
    ...m,
    grounded: !hallucinated.has(m.object),
  }));
  return {
    mentions,
    hallucinations,
    omissions: majority(
      all.map((f) => f.omissions),
      (o) => o.object,
    ),
    countMismatches: majority(
      all.map((f) => f.countMismatches),
      (c) => c.object,
    ),
    relationMismatches: majority(
      all.map((f) => f.relationMismatches),
      (r) => `${r.subject}|${r.relation}|${r.object ?? ''}`,
    ),
  };
}

export interface EnsembleOptions {
  readonly rules?: RuleSettings;
  /** When given, only contradicted mentions are hallucinations and only confirmed omissions count (calibration.ts). */
  readonly calibration?: EvidenceCalibration;
  readonly generate?: GenerateOptions;
}

export async function critiqueEnsemble(
  caption: string,
  evidence: Evidence,
  table: SynonymTable,
  members: readonly CriticMember[],
  options: EnsembleOptions = {},
): Promise<EnsembleCritique> {
  const calibrated = (f: Findings): Findings =>
    options.calibration ? calibrateFindings(f, evidence, options.calibration) : f;
  const ruleFindings = calibrated(
    checkCaption(caption, evidence, table, options.rules ?? DEFAULT_RULE_SETTINGS),
  );
  const outcomes: MemberOutcome[] = [];
  let firstPrompt: PromptRecord | undefined;
  for (const { engine, prompt: spec } of members) {
    const prompt = renderCritiquePrompt(spec, { kind: 'critique', caption, evidence, ruleFindings });
    const record = promptRecord(prompt);
    firstPrompt ??= record;
    const result = await generateParsed(
      engine,
      prompt,
      (r) => parseCritiqueReply(r, table),
      options.generate,
    );
    outcomes.push(
      result.ok
        ? {
            ok: true,
            critique: toCritique(
              calibrated(withEvidenceDetails(result.value, ruleFindings)),
              caption,
              engine.id,
              record,
            ),
          }
        : { ok: false, failure: result.failure },
    );
  }
  const critiques = outcomes.flatMap((o) => (o.ok ? [o.critique] : []));
  if (critiques.length === 0) {
    const fallback = toCritique(
      ruleFindings,
      caption,
      RULES_ENGINE_ID,
      firstPrompt ?? { id: 'rules', version: 1, text: '' },
    );
    return { ...fallback, loss: 1 - fallback.score, members: outcomes };
  }
  const merged = mergeFindings(critiques);
  const loss = critiques.reduce((sum, c) => sum + (1 - c.score), 0) / critiques.length;
  return {
    ...merged,
    caption,
    score: 1 - loss,
    loss,
    clean: isClean(merged),
    engine: [...new Set(critiques.map((c) => c.engine))].join('+'),
    prompt: critiques[0]!.prompt,
    members: outcomes,
  };
}
