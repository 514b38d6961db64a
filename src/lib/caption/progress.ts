import type { RunState } from '../core/run-control';
import type { ActiveItemProgress, CaptionItemResult, CaptionProgress } from './types';

/**
 * Keeps a run's per-item and overall progress and turns it into CaptionProgress reports. Results are
 * final when recorded and reported once each (`finished` holds only what is new since the last report).
 */
export class ProgressTracker {
  private readonly results = new Map<string, CaptionItemResult>();
  private unreported: CaptionItemResult[] = [];
  private active: ActiveItemProgress[] = [];
  private batchIndex = 0;

  constructor(
    private readonly total: number,
    private readonly batchCount: number,
    private readonly listener: ((progress: CaptionProgress) => void) | undefined,
  ) {}

  startBatch(batchIndex: number, ids: readonly string[], maxNewTokens: number): void {
    this.batchIndex = batchIndex;
    this.active = ids.map((id) => ({ id, stage: 'preprocessing', generatedTokens: 0, maxNewTokens }));
  }

  stage(stage: ActiveItemProgress['stage'], ids?: readonly string[]): void {
    for (const item of this.active) {
      if (item.stage !== 'finished' && (ids === undefined || ids.includes(item.id))) item.stage = stage;
    }
  }

  tokens(id: string, generatedTokens: number): void {
    const item = this.active.find((entry) => entry.id === id);
    if (item !== undefined) item.generatedTokens = generatedTokens;
  }

  finish(result: CaptionItemResult): void {
    if (this.results.has(result.id) && result.status === 'cancelled') return;
    this.results.set(result.id, result);
    this.unreported.push(result);
    const item = this.active.find((entry) => entry.id === result.id);
    if (item !== undefined) item.stage = 'finished';
  }

  has(id: string): boolean {
    return this.results.has(id);
  }

  result(id: string): CaptionItemResult | undefined {
    return this.results.get(id);
  }

  /** Items with a final outcome other than 'cancelled'. */
  get completed(): number {
    let count = 0;
    for (const result of this.results.values()) if (result.status !== 'cancelled') count++;
    return count;
  }

  report(state: RunState): void {
    if (this.listener === undefined) return;
    const partial = this.active
      .filter((item) => item.stage !== 'finished')
      .reduce((sum, item) => sum + Math.min(1, item.generatedTokens / Math.max(1, item.maxNewTokens)), 0);
    const completed = this.completed;
    const progress: CaptionProgress = {
      state: state === 'paused' ? 'paused' : 'running',
      completed,
      total: this.total,
      fraction: this.total === 0 ? 1 : Math.min(1, (completed + partial) / this.total),
      batchIndex: this.batchIndex,
      batchCount: this.batchCount,
      active: this.active.map((item) => ({ ...item })),
      finished: this.unreported,
    };
    this.unreported = [];
    this.listener(progress);
  }
}
