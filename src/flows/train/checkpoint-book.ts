/**
 * The checkpoint list: bytes in IndexedDB (CheckpointBytes), one row each in the training slice (what the list
 * shows and a reload resumes from), and the retention rules of train/checkpoints/retention.ts applied after
 * every write: the last K, every round end, the pinned one and the active one are kept.
 */
import type { StoreApi } from 'zustand/vanilla';
import { canDeleteCheckpoint, planRetention } from '../../lib/train/checkpoints/retention';
import type { CheckpointRow } from '../../state/slices/train';
import type { StudioState } from '../../state/studio-state';
import type { CheckpointBytes } from './ports';

/** Deleting the checkpoint training continues from would make a reload start over. */
export class CheckpointInUseError extends Error {
  override readonly name = 'CheckpointInUseError';
}

/** The row's bytes are gone from IndexedDB (cleared site data, a failed write). */
export class CheckpointMissingError extends Error {
  override readonly name = 'CheckpointMissingError';
}

export interface NewCheckpoint {
  readonly runId: string;
  readonly round: number;
  readonly step: number;
  readonly epoch: number;
  readonly loss: number | null;
  readonly final: boolean;
  readonly bytes: Uint8Array;
}

export class CheckpointBook {
  /**
   * @param persisted resolves once the slice's pending writes are in IndexedDB. The worker waits for `add`
   * before its next step, so a checkpoint counts only when its bytes AND its row are stored: the slice is written
   * behind, and a reload in between would otherwise find the bytes but no row, and start the run over.
   */
  constructor(
    private readonly store: StoreApi<StudioState>,
    private readonly bytes: CheckpointBytes,
    private readonly persisted: () => Promise<void> = async () => undefined,
  ) {}

  rows(): readonly CheckpointRow[] {
    return this.store.getState().training.checkpoints;
  }

  /** The newest checkpoint of a run (what a reload continues from). */
  lastOfRun(runId: string): CheckpointRow | undefined {
    return this.rows()
      .filter((r) => r.runId === runId)
      .sort((a, b) => a.step - b.step || a.createdAt - b.createdAt)
      .at(-1);
  }

  async add(c: NewCheckpoint): Promise<CheckpointRow> {
    const kind = c.final ? 'round-end' : 'interval';
    const id = `${c.runId}-${c.step}${c.final ? '-end' : ''}`;
    const label = `round ${c.round + 1}, step ${c.step}${c.final ? ' (end)' : ''}`;
    const meta = await this.bytes.put(id, label, c.bytes);
    const row: CheckpointRow = {
      id,
      runId: c.runId,
      round: c.round,
      step: c.step,
      epoch: c.epoch,
      kind,
      createdAt: meta.createdAt,
      byteLength: meta.byteLength,
      loss: c.loss,
    };
    // A round end at the step of the last interval checkpoint holds the same tensors: that one goes.
    const duplicate = c.final
      ? this.rows().find((r) => r.runId === c.runId && r.step === c.step && r.kind === 'interval')
      : undefined;
    const rows = [...this.rows().filter((r) => r.id !== id && r.id !== duplicate?.id), row];
    this.patch({ checkpoints: rows, ...(c.final ? { active: id } : {}) });
    await this.persisted();
    if (duplicate) await this.bytes.delete(duplicate.id);
    await this.applyRetention();
    return row;
  }

  async read(id: string): Promise<Uint8Array> {
    const bytes = await this.bytes.get(id);
    if (bytes === undefined)
      throw new CheckpointMissingError(`Checkpoint ${id} is no longer in this browser's storage.`);
    return bytes;
  }

  async remove(id: string): Promise<void> {
    const { active } = this.store.getState().training;
    if (!canDeleteCheckpoint(id, active))
      throw new CheckpointInUseError(
        'This is the checkpoint the student uses now: roll back to another one first.',
      );
    await this.bytes.delete(id);
    this.patch({ checkpoints: this.rows().filter((r) => r.id !== id) });
    await this.refreshStorage();
  }

  async applyRetention(): Promise<void> {
    const { active, settings } = this.store.getState().training;
    const plan = planRetention(
      this.rows().map((r) => ({ ...r })),
      { current: active },
      { everySteps: settings.tuning.checkpointEvery, keepLast: settings.loop.keepLast, keepRoundEnds: true },
    );
    for (const id of plan.remove) await this.bytes.delete(id);
    if (plan.remove.length > 0)
      this.patch({ checkpoints: this.rows().filter((r) => !plan.remove.includes(r.id)) });
    await this.refreshStorage();
  }

  async refreshStorage(): Promise<void> {
    const storage = (await this.bytes.estimate()) ?? null;
    this.patch({ storage });
  }

  private patch(patch: Parameters<StudioState['patchTraining']>[0]): void {
    this.store.getState().patchTraining(patch);
  }
}
