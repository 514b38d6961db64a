/**
 * Florence-2 results as transformers.js's Florence2Processor.post_process_generation returns them
 * (src/models/florence2/processing_florence2.js, 4.3.1): `{ [task]: answer }`, where the answer is
 * - pure text for '<MORE_DETAILED_CAPTION>';
 * - `{ labels: string[], bboxes: number[][] }` for '<OD>' and '<DENSE_REGION_CAPTION>'
 *   (description_with_bboxes) and '<CAPTION_TO_PHRASE_GROUNDING>' (phrase_grounding); each bbox is
 *   [x1, y1, x2, y2] in pixels of the image it was given ((bin + 0.5) / 1000 × size; callers pass
 *   `image.size`, which is [width, height]). A box without a label of its own repeats the previous label.
 * Results come from a worker and may be stale or truncated, so they are validated here, loudly.
 */
import type { Box } from './boxes';
import { boxFromCorners } from './boxes';

export const FLORENCE_TASKS = {
  objectDetection: '<OD>',
  denseRegionCaption: '<DENSE_REGION_CAPTION>',
  moreDetailedCaption: '<MORE_DETAILED_CAPTION>',
  phraseGrounding: '<CAPTION_TO_PHRASE_GROUNDING>',
} as const;

export type FlorenceBoxTask = '<OD>' | '<DENSE_REGION_CAPTION>' | '<CAPTION_TO_PHRASE_GROUNDING>';

export interface LabelledBox {
  readonly label: string;
  readonly box: Box;
}

export class FlorenceResultError extends Error {
  override readonly name = 'FlorenceResultError';
}

function answerOf(result: unknown, task: string): unknown {
  if (typeof result !== 'object' || result === null || !(task in result)) {
    throw new FlorenceResultError(`Expected a post_process_generation result for ${task}.`);
  }
  return (result as Record<string, unknown>)[task];
}

export function readFlorenceText(result: unknown, task: '<MORE_DETAILED_CAPTION>'): string {
  const answer = answerOf(result, task);
  if (typeof answer !== 'string') throw new FlorenceResultError(`${task} answer is not text.`);
  return answer.trim();
}

export function readFlorenceBoxes(result: unknown, task: FlorenceBoxTask): LabelledBox[] {
  const answer = answerOf(result, task) as { labels?: unknown; bboxes?: unknown } | null;
  const labels = answer?.labels;
  const bboxes = answer?.bboxes;
  if (!Array.isArray(labels) || !Array.isArray(bboxes) || labels.length !== bboxes.length) {
    throw new FlorenceResultError(`${task} answer needs labels and bboxes of equal length.`);
  }
  return bboxes.map((b: unknown, i) => {
    const label: unknown = labels[i];
    if (typeof label !== 'string') throw new FlorenceResultError(`${task} label ${i} is not text.`);
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new FlorenceResultError(`${task} bbox ${i} is not four finite numbers.`);
    }
    return { label: label.trim(), box: boxFromCorners(b as number[]) };
  });
}
