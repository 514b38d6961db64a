/**
 * One small interface for every critic engine (template, in-tab LLM, OpenAI-compatible endpoint):
 * `generate(prompt, options) → text`. A prompt carries both its chat messages (what an LLM reads) and its
 * structured data (what the template engine reads), so every engine answers the same prompt and every
 * answer goes through the same defensive parser.
 */
import type { Findings, PromptRecord } from '../critique';
import type { Evidence } from '../../evidence/evidence';
import type { ChatMessage } from '../../core/text-generation';

export type PromptKind = 'critique' | 'feedback' | 'rewrite';

export type PromptData =
  | {
      readonly kind: 'critique';
      readonly caption: string;
      readonly evidence: Evidence;
      /** The rule checker's findings: the template engine's answer. */
      readonly ruleFindings: Findings;
    }
  | {
      readonly kind: 'feedback';
      readonly caption: string;
      readonly evidence: Evidence;
      readonly critique: Findings;
      readonly maxChars: number;
    }
  | {
      readonly kind: 'rewrite';
      readonly caption: string;
      readonly evidence: Evidence;
      readonly critique: Findings;
      readonly feedback: string;
    };

export interface EnginePrompt {
  readonly id: string;
  readonly version: number;
  readonly kind: PromptKind;
  readonly messages: readonly ChatMessage[];
  readonly data: PromptData;
}

export interface GenerateOptions {
  readonly signal?: AbortSignal;
  readonly maxTokens?: number;
  readonly temperature?: number;
}

export interface CriticEngine {
  /** Engine and model, e.g. 'template@1' or 'openai:gpt-4o'; stored with every critique. */
  readonly id: string;
  generate(prompt: EnginePrompt, options?: GenerateOptions): Promise<string>;
}

/** The prompt as sent, for storage: messages joined, system first. */
export function promptRecord(prompt: EnginePrompt): PromptRecord {
  return {
    id: prompt.id,
    version: prompt.version,
    text: prompt.messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n'),
  };
}
