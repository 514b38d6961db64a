/** A fake teacher worker (evidence from the hand-written Florence-2 fixtures) and the critic's data in memory. */
import { MemoryTeacherCache } from '../../../src/lib/evidence/teacher/cache';
import type {
  EvidenceOutcome,
  EvidenceRequest,
  TeacherSettings,
} from '../../../src/lib/evidence/teacher/types';
import type { CriticDataPort, TeacherPort } from '../../../src/flows/critic/ports';
import { fixtureEvidence, table } from '../../lib/critic/helpers/florence-fixtures';

export const CATS = fixtureEvidence('coco_val2017_000000039769');
const STOP = fixtureEvidence('coco_val2017_000000000724');

export class FakeTeacher implements TeacherPort {
  calls: string[][] = [];
  settings: TeacherSettings[] = [];
  failWith: Error | null = null;
  gate: Promise<void> | null = null;
  /** Calls after this many do not finish (the tab closes, or hands over, while the teacher works on them). */
  answerCalls = Infinity;
  paused = 0;
  async resolveDevice() {}
  async evidence(
    requests: EvidenceRequest[],
    settings: TeacherSettings,
    _p: unknown,
    signal: AbortSignal,
  ): Promise<EvidenceOutcome[]> {
    this.calls.push(requests.map((r) => r.imageId));
    this.settings.push(settings);
    // Past answerCalls a call answers only a cancel (the teacher stops at its next model run).
    if (this.calls.length > this.answerCalls)
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    return requests.map((r) =>
      signal.aborted
        ? { imageId: r.imageId, ok: false, error: { name: 'AbortError', message: 'cancelled' } }
        : {
            imageId: r.imageId,
            ok: true,
            result: {
              imageId: r.imageId,
              caption: r.caption,
              evidence: r.imageId === 'cats' ? CATS : STOP,
              crops: [],
              models: { detector: 'fake-det', florence: 'fake-florence', florenceRevision: 'r1' },
              stats: {
                detectorCrops: 14,
                detectorRuns: 14,
                florenceCalls: 17,
                florenceRuns: 17,
                visionEncoded: 14,
                elapsedMs: 1,
              },
              failures: [],
            },
          },
    );
  }
  async pause() {
    this.paused++;
  }
  async resume() {}
  invalidate() {}
  async textModel(): Promise<never> {
    throw new Error('no text model here');
  }
}

export class FakeData implements CriticDataPort {
  readonly cache = new MemoryTeacherCache();
  readonly targets: Array<{ imageId: string; text: string; source: string; extra: Record<string, unknown> }> =
    [];
  async pixels() {
    return { width: 2, height: 2, data: new Uint8Array(16) };
  }
  async addTarget(
    imageId: string,
    _model: string,
    text: string,
    source: string,
    extra: Record<string, unknown>,
  ) {
    this.targets.push({ imageId, text, source, extra });
  }
  async synonyms() {
    return table;
  }
}
