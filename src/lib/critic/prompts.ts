/**
 * Every prompt the critic sends, as versioned data. Bump `version` whenever a prompt's wording changes:
 * the id and version are stored with every critique, feedback and rewrite, and are part of cache keys.
 *
 * The enhancing prompt carries the computer-vision evidence into the engines: the detected classes with
 * their boxes, scores, the zoom levels and sources that saw them, Florence-2's region descriptions and
 * detailed caption, its grounding of each phrase of the caption, and the student's caption.
 */
import { boxToCorners } from '../evidence/boxes';
import type { Findings } from './critique';
import type { ChatMessage } from '../core/text-generation';
import type { EnginePrompt, PromptData } from './engines/engine';
import type { Evidence } from '../evidence/evidence';

export interface PromptSpec {
  readonly id: string;
  readonly version: number;
  readonly kind: PromptData['kind'];
  readonly system: string;
}

const CRITIQUE_REPLY_FORMAT = `Reply with one JSON object and nothing else:
{"mentioned": ["<object>", ...],
 "hallucinated": [{"object": "<object>", "text": "<words in the caption>", "reason": "<why>"}],
 "missing": [{"object": "<object>", "count": <number>}],
 "count_errors": [{"object": "<object>", "text": "<words in the caption>", "claimed": <number or "many">, "actual": <number>}],
 "relation_errors": [{"subject": "<object>", "relation": "left of|right of|on|under|on the left|on the right", "object": "<object>", "text": "<words>", "observed": "<relation the boxes show>"}]}
Use COCO category names for objects where one fits. Empty lists when there is nothing to report.`;

export const CRITIQUE_ENHANCING: PromptSpec = Object.freeze({
  id: 'critique.enhancing',
  version: 1,
  kind: 'critique',
  system: `You check image captions against visual evidence. The evidence comes from an object detector run on the whole image and on zoomed-in crops, and from the Florence-2 vision model. An object in the caption is hallucinated when no evidence shows it. A salient detected object that the caption leaves out is missing. Counts and left/right/on/under relations must agree with the boxes. Judge only from the evidence.

${CRITIQUE_REPLY_FORMAT}`,
});

export const CRITIQUE_CHECKLIST: PromptSpec = Object.freeze({
  id: 'critique.checklist',
  version: 1,
  kind: 'critique',
  system: `You are a careful annotator. Go through the caption one object at a time. For each object, look for it in the detected objects, the region descriptions and the detailed description; if none of them shows it, it is hallucinated. Then go through the detected objects that were seen on the whole image or at two zoom levels: each one the caption does not mention is missing. Then compare every number in the caption with the number of boxes, and every left/right/on/under with the box coordinates (x grows to the right, y grows downwards).

${CRITIQUE_REPLY_FORMAT}`,
});

export const FEEDBACK_TEXTUAL_GRADIENT: PromptSpec = Object.freeze({
  id: 'feedback.textual-gradient',
  version: 1,
  kind: 'feedback',
  system: `You write feedback on an image caption for the person who will rewrite it. Use the critique and the evidence. Say concretely what to remove, what to add, which numbers and relations to correct, and nothing else. Do not write the new caption. Be brief. Put the feedback between <FEEDBACK> and </FEEDBACK>.`,
});

export const REWRITE_IMPROVED_CAPTION: PromptSpec = Object.freeze({
  id: 'rewrite.improved-caption',
  version: 1,
  kind: 'rewrite',
  system: `You rewrite an image caption following the feedback. Keep what the evidence supports, remove what it does not, add what the feedback asks for, fix numbers and relations. Write one or two fluent English sentences in the caption's style, naming only objects the evidence shows. Put the caption between <IMPROVED_CAPTION> and </IMPROVED_CAPTION> and write nothing else.`,
});

/** All prompts, for settings screens and for looking up a stored id. */
export const PROMPTS: readonly PromptSpec[] = Object.freeze([
  CRITIQUE_ENHANCING,
  CRITIQUE_CHECKLIST,
  FEEDBACK_TEXTUAL_GRADIENT,
  REWRITE_IMPROVED_CAPTION,
]);

/** What a reply must look like, said again after a reply that could not be used. */
export function reminderFor(kind: PromptData['kind'], problem: string): string {
  const format = {
    critique: 'one JSON object in the format given above, and nothing else',
    feedback: 'the feedback between <FEEDBACK> and </FEEDBACK>',
    rewrite: 'the new caption between <IMPROVED_CAPTION> and </IMPROVED_CAPTION>, and nothing else',
  }[kind];
  return `Your reply could not be used (${problem}). Reply again with ${format}.`;
}

const MAX_OBJECT_LINES = 30;
const MAX_REGION_LINES = 15;

const corners = (b: { x1: number; y1: number; x2: number; y2: number }): string =>
  `[${boxToCorners(b).join(', ')}]`;

/** The evidence block of the enhancing prompt. */
export function describeEvidence(e: Evidence): string {
  const lines = [`Image: ${e.imageWidth}×${e.imageHeight} pixels. Boxes are [x1, y1, x2, y2] in pixels.`];
  lines.push('Detected objects (class, box, score, zoom levels that saw it as grid sizes, sources):');
  const objects = e.objects.slice(0, MAX_OBJECT_LINES);
  if (objects.length === 0) lines.push('- none');
  for (const o of objects) {
    const zooms = o.zoomLevels.map((z) => `${z}×${z}`).join(', ');
    const cut = o.whole ? '' : ', only partly inside its crops';
    lines.push(
      `- ${o.label} ${corners(o.box)} ${o.score.toFixed(2)}, zoom ${zooms}, ${o.sources.join(' + ')}${cut}`,
    );
  }
  if (e.objects.length > objects.length) lines.push(`- … and ${e.objects.length - objects.length} more`);
  if (e.regions.length > 0) {
    lines.push('Region descriptions (Florence-2, on crops):');
    for (const r of e.regions.slice(0, MAX_REGION_LINES))
      lines.push(`- "${r.text}" ${corners(r.box)}, zoom ${r.zoom}×${r.zoom}`);
  }
  if (e.detailedCaption) lines.push(`Detailed description (Florence-2): "${e.detailedCaption}"`);
  if (e.grounding && e.grounding.phrases.length > 0) {
    lines.push(
      'Grounding of the caption (Florence-2 puts a box on any phrase it is given, so a box here does not prove the object exists):',
    );
    for (const g of e.grounding.phrases) lines.push(`- "${g.phrase}" ${corners(g.box)}`);
  }
  return lines.join('\n');
}

function describeFindings(f: Findings): string {
  const lines: string[] = [];
  for (const h of f.hallucinations) lines.push(`- Hallucinated: "${h.text}" (${h.object}). ${h.reason}`);
  for (const o of f.omissions) lines.push(`- Missing: ${o.count} × ${o.object}.`);
  for (const c of f.countMismatches)
    lines.push(`- Count: "${c.text}" says ${c.claimed}, evidence shows ${c.actual}.`);
  for (const r of f.relationMismatches) {
    const seen = r.observed ? `; the boxes show ${r.observed}` : '';
    lines.push(`- Relation: "${r.text}" says ${r.relation}${seen}.`);
  }
  return lines.length > 0 ? lines.join('\n') : '- No problems found.';
}

function messages(spec: PromptSpec, user: string): ChatMessage[] {
  return [
    { role: 'system', content: spec.system },
    { role: 'user', content: user },
  ];
}

export function renderCritiquePrompt(
  spec: PromptSpec,
  data: Extract<PromptData, { kind: 'critique' }>,
): EnginePrompt {
  const user = `${describeEvidence(data.evidence)}\n\nCaption: "${data.caption}"`;
  return { id: spec.id, version: spec.version, kind: 'critique', messages: messages(spec, user), data };
}

export function renderFeedbackPrompt(
  spec: PromptSpec,
  data: Extract<PromptData, { kind: 'feedback' }>,
): EnginePrompt {
  const user = `${describeEvidence(data.evidence)}\n\nCaption: "${data.caption}"\n\nCritique:\n${describeFindings(data.critique)}\n\nWrite at most ${data.maxChars} characters.`;
  return { id: spec.id, version: spec.version, kind: 'feedback', messages: messages(spec, user), data };
}

export function renderRewritePrompt(
  spec: PromptSpec,
  data: Extract<PromptData, { kind: 'rewrite' }>,
): EnginePrompt {
  const user = `${describeEvidence(data.evidence)}\n\nCaption: "${data.caption}"\n\nFeedback:\n${data.feedback}`;
  return { id: spec.id, version: spec.version, kind: 'rewrite', messages: messages(spec, user), data };
}
