/**
 * Import of COCO instance annotations for the dropped images (metrics/coco-import.ts): matched by file name,
 * stem or COCO id; the matches (COCO id and annotated categories) are what CHAIR needs and all that is kept.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { SynonymTable } from '../../lib/vocabulary/synonyms';
import { importCocoAnnotations } from '../../lib/score/coco-import';
import type { CocoState } from '../../lib/score/caption-scores';
import type { StudioState } from '../../state/studio-state';

/** The file is not JSON, or not COCO instances. */
export class CocoImportError extends Error {
  override readonly name = 'CocoImportError';
}

export function importCoco(
  store: StoreApi<StudioState>,
  fileName: string,
  text: string,
  table: SynonymTable,
  synonyms: CocoState['synonyms'],
): CocoState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CocoImportError(`${fileName} is not JSON: ${(error as Error).message}`);
  }
  const state = store.getState();
  const images = state.order.flatMap((id) => {
    const card = state.cards[id];
    return card ? [{ key: id, fileName: card.name }] : [];
  });
  const imported = importCocoAnnotations(json, table, images);
  const coco: CocoState = {
    fileName,
    matches: Object.fromEntries(
      [...imported.matches].map(([key, m]) => [key, { cocoId: m.cocoId, objects: [...m.objects].sort() }]),
    ),
    annotatedImages: imported.annotatedImages,
    unmatched: imported.unmatched.length,
    synonyms,
  };
  state.patchTraining({ coco });
  return coco;
}
