import type { StoreApi } from 'zustand/vanilla';
import type { CaptionRequest } from '../../lib/caption/types';
import { errorSummary } from '../../lib/core/errors';
import type { StudioState } from '../../state/studio-state';
import type { MemoryImages } from '../ingest/memory-images';
import type { ImageStorePort, IngestPort } from '../studio-ports';
import { ImageMissingError } from './errors';

export interface StudentRequestDeps {
  store: StoreApi<StudioState>;
  images: ImageStorePort;
  ingest: IngestPort;
  memory: MemoryImages;
}

/**
 * The student's pixels for each card, always decoded the same way from the file (the ingest worker's
 * student size), so a caption does not depend on whether the image was just dropped or reloaded. A card
 * whose file is gone or does not decode fails here, with the reason, and gets no request.
 */
export async function studentRequests(
  chunk: readonly string[],
  deps: StudentRequestDeps,
): Promise<CaptionRequest[]> {
  const requests: CaptionRequest[] = [];
  for (const id of chunk) {
    const card = deps.store.getState().cards[id];
    if (card === undefined) continue;
    try {
      const file = card.saved ? await deps.images.getFile(id) : deps.memory.unsavedFile(id);
      if (file === undefined) {
        throw new ImageMissingError(
          `The file of "${card.name}" is gone (storage had no room for it). Drop it again.`,
        );
      }
      const pixels = await deps.ingest.decode(file, card.name);
      requests.push({
        id,
        image: { width: pixels.width, height: pixels.height, channels: 4, data: pixels.data },
      });
    } catch (error) {
      deps.store.getState().updateCard(id, { status: 'failed', error: errorSummary(error) });
    }
  }
  return requests;
}
