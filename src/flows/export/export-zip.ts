/**
 * The export: gathers what goes in from the store, the checkpoints and the student worker (the tuned model
 * folder, the refined captions, the stored image files); src/lib/export/bundles.ts assembles the one zip.
 */
import type { StoreApi } from 'zustand/vanilla';
import { trainingCandidate } from '../../lib/critic/records';
import {
  assembleModelFolder,
  writeStudioExportZip,
  type CaptionRecord,
  type DeflateRaw,
  type ZipOutput,
} from '../../lib/export';
import { modelLabel } from '../../state/slices/settings';
import type { StudioState } from '../../state/studio-state';
import type { CheckpointBook } from '../train/checkpoint-book';
import type { TrainingPort } from '../train/ports';

/** Nothing to export yet: no round has ended. */
export class NothingToExportError extends Error {
  override readonly name = 'NothingToExportError';
}

export function captionRecords(state: StudioState): CaptionRecord[] {
  const { images, coco } = state.training;
  const records: CaptionRecord[] = [];
  for (const id of state.order) {
    const card = state.cards[id];
    const item = state.critic.items[id];
    if (!card || card.width === undefined || card.height === undefined || !item) continue;
    const candidate = trainingCandidate(item);
    if (candidate.status !== 'accepted' && candidate.status !== 'clean') continue;
    const outcome = images[id];
    const scores = outcome?.tunedScores;
    records.push({
      imageId: id,
      fileName: card.name,
      width: card.width,
      height: card.height,
      caption: candidate.target,
      captionSource:
        candidate.status === 'clean' ? 'student' : item.decision === 'edited' ? 'user' : 'refined',
      ...(outcome?.original !== undefined ? { originalCaption: outcome.original } : {}),
      ...(outcome?.tuned !== undefined ? { tunedCaption: outcome.tuned } : {}),
      ...(scores && Object.keys(scores).length > 0 ? { scores: { ...scores } } : {}),
      ...(coco?.matches[id] ? { cocoId: coco.matches[id].cocoId } : {}),
    });
  }
  return records;
}

export async function buildExportZip(deps: {
  store: StoreApi<StudioState>;
  port: TrainingPort;
  book: CheckpointBook;
  /** The image file's bytes (IndexedDB): the dataset's images/ folder, which metadata.jsonl points into. */
  imageFile: (id: string) => Promise<Uint8Array | undefined>;
  deflateRaw?: DeflateRaw;
  now?: () => number;
}): Promise<{ zip: ZipOutput; fileName: string }> {
  const state = deps.store.getState();
  const { active, settings, scores } = state.training;
  const row = deps.book.rows().find((r) => r.id === active);
  if (!row) throw new NothingToExportError('Train at least one round before exporting the tuned student.');
  const createdAt = (deps.now ?? Date.now)();
  const folder = await deps.port.tunedFolder(await deps.book.read(row.id));
  const base = modelLabel(state.settings.model);
  const model = await assembleModelFolder({
    source: new Map(Object.entries(folder.source)),
    tuned: new Map(Object.entries(folder.tuned)),
    baseModel: { id: base, revision: 'main' },
    createdAt,
    training: { checkpoint: { round: row.round, step: row.step, loss: row.loss }, settings, scores },
  });
  const records = captionRecords(state);
  const images = new Map<string, Uint8Array>();
  for (const r of records) {
    const data = await deps.imageFile(r.imageId);
    if (data) images.set(r.imageId, data);
  }
  const zip = await writeStudioExportZip(
    { model, dataset: { records, createdAt, images } },
    deps.deflateRaw ? { deflateRaw: deps.deflateRaw } : {},
  );
  const slug = base.replace(/[^A-Za-z0-9._-]+/g, '-');
  return { zip, fileName: `${slug}-tuned-r${row.round + 1}-s${row.step}.zip` };
}
