/**
 * The default critic engine: no model, no download, deterministic. It answers each prompt from the
 * prompt's structured data: the rule checker's findings as the critique JSON, the feedback writer's
 * sentences as the textual gradient, and the template rewrite as the improved caption, each in the same
 * reply format an LLM must use, so that its replies go through the same parser (which also bounds the
 * feedback's length).
 */
import { writeFeedback } from '../feedback';
import { findingsToReply } from '../parse';
import { rewriteCaption } from '../rewrite';
import type { SynonymTable } from '../../vocabulary/synonyms';
import type { CriticEngine, EnginePrompt, GenerateOptions } from './engine';
import { CriticAbortedError } from './errors';

export class TemplateEngine implements CriticEngine {
  readonly id = 'template@1';
  readonly #table: SynonymTable;

  constructor(table: SynonymTable) {
    this.#table = table;
  }

  generate(prompt: EnginePrompt, options: GenerateOptions = {}): Promise<string> {
    if (options.signal?.aborted) return Promise.reject(new CriticAbortedError());
    const d = prompt.data;
    switch (d.kind) {
      case 'critique':
        return Promise.resolve(findingsToReply(d.ruleFindings));
      case 'feedback':
        return Promise.resolve(`<FEEDBACK>${writeFeedback(d.caption, d.critique)}</FEEDBACK>`);
      case 'rewrite':
        return Promise.resolve(
          `<IMPROVED_CAPTION>${rewriteCaption(d.caption, d.critique, this.#table, d.evidence)}</IMPROVED_CAPTION>`,
        );
    }
  }
}
