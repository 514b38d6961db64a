import { describe, expect, it } from 'vitest';
import { orderedCards, statusCounts, type ImageCard } from '../../../src/state/slices/ingest';
import { DEFAULT_MODEL_ID, DEFAULT_SETTINGS, sanitizeGeneration } from '../../../src/state/slices/settings';
import { createStudioStore } from '../../../src/state/store';
import { memoryKv } from '../../flows/fakes';

const card = (id: string, patch: Partial<ImageCard> = {}): ImageCard => ({
  id,
  name: id,
  byteLength: 1,
  status: 'queued',
  warnings: [],
  addedAt: 0,
  saved: true,
  ...patch,
});

function store() {
  return createStudioStore(memoryKv()).api;
}

describe('images slice', () => {
  it('adds a card once per id and keeps the order cards came in', () => {
    const s = store();
    expect(s.getState().addCard(card('b'))).toBe(true);
    expect(s.getState().addCard(card('a'))).toBe(true);
    expect(s.getState().addCard(card('b', { name: 'other name' }))).toBe(false);
    expect(orderedCards(s.getState()).map((c) => [c.id, c.name])).toEqual([
      ['b', 'b'],
      ['a', 'a'],
    ]);
  });

  it('updates, sets statuses, counts and removes (with the card progress)', () => {
    const s = store();
    for (const id of ['a', 'b', 'c']) s.getState().addCard(card(id));
    s.getState().setStatus(['a', 'b', 'missing'], 'captioning');
    s.getState().updateCard('a', { status: 'captioned', caption: 'x' });
    s.getState().updateCard('missing', { caption: 'ignored' });
    s.getState().setProgress({ b: { stage: 'decoding', generatedTokens: 2, maxNewTokens: 8 } });
    expect(statusCounts(s.getState())).toMatchObject({ captioned: 1, captioning: 1, queued: 1 });
    s.getState().removeCard('b');
    expect(s.getState().order).toEqual(['a', 'c']);
    expect(s.getState().progress).toEqual({});
    expect(s.getState().cards['missing']).toBeUndefined();
  });

  it('collects what was not saved, each thing once, with the latest message', () => {
    const s = store();
    s.getState().reportNotSaved('image "a.jpg" (1 KB)', 'first');
    s.getState().reportNotSaved('image "b.jpg" (2 KB)', 'second');
    s.getState().reportNotSaved('image "a.jpg" (1 KB)', 'third');
    expect(s.getState().storageProblem).toEqual({
      what: ['image "a.jpg" (1 KB)', 'image "b.jpg" (2 KB)'],
      message: 'third',
    });
    s.getState().dismissStorageProblem();
    expect(s.getState().storageProblem).toBeNull();
  });
});

describe('settings slice', () => {
  it('clamps generation settings into their limits and rounds them', () => {
    expect(sanitizeGeneration({ numBeams: 1, maxNewTokens: 0.4, batchSize: 99, strategy: 'beam' })).toEqual({
      strategy: 'beam',
      numBeams: 2,
      maxNewTokens: 1,
      batchSize: 32,
    });
    expect(sanitizeGeneration({ numBeams: Number.NaN, maxNewTokens: 12.6 })).toEqual({
      ...DEFAULT_SETTINGS.generation,
      maxNewTokens: 13,
    });
  });

  it('trims a typed model id; an empty one means the default', () => {
    const s = store();
    s.getState().setModel({ kind: 'id', modelId: '  owner/model ' });
    expect(s.getState().settings.model).toEqual({ kind: 'id', modelId: 'owner/model' });
    s.getState().setModel({ kind: 'id', modelId: '   ' });
    expect(s.getState().settings.model).toEqual({ kind: 'id', modelId: DEFAULT_MODEL_ID });
  });
});

describe('runs and models slices', () => {
  it('pause is the user intent: it survives a run start and end; state follows it while running', () => {
    const s = store();
    s.getState().setPaused(true);
    expect(s.getState().run).toMatchObject({ paused: true, state: 'idle' });
    s.getState().runStarted(3);
    expect(s.getState().run).toMatchObject({ paused: true, state: 'paused', total: 3 });
    s.getState().setPaused(false);
    expect(s.getState().run.state).toBe('running');
    s.getState().runProgress(1, 3, 1.7);
    expect(s.getState().run.fraction).toBe(1);
    s.getState().setCancelling();
    s.getState().setPaused(true);
    expect(s.getState().run.state).toBe('cancelling'); // a cancel in progress is not turned into a pause
    s.getState().runFinished({ name: 'WorkerCrashedError', message: 'gone' });
    expect(s.getState().run).toMatchObject({
      state: 'idle',
      paused: true,
      error: { name: 'WorkerCrashedError' },
    });
    s.getState().runStarted(1);
    expect(s.getState().run.error).toBeNull();
  });

  it('the student: device known before loading, ready with the info, stale after a settings change', () => {
    const s = store();
    s.getState().setStudentDevice({ device: 'wasm', reason: 'no WebGPU adapter' });
    s.getState().studentLoading();
    expect(s.getState().student).toMatchObject({ status: 'loading', device: { device: 'wasm' } });
    const info = {
      modelId: 'm',
      origin: 'app' as const,
      dtype: 'fp32' as const,
      imageSize: { width: 224, height: 224 },
      device: 'webgpu' as const,
      reason: 'WebGPU adapter found',
    };
    s.getState().studentReady(info);
    expect(s.getState().student).toEqual({
      status: 'ready',
      info,
      error: null,
      device: { device: 'webgpu', reason: 'WebGPU adapter found' },
    });
    s.getState().studentStale();
    expect(s.getState().student).toMatchObject({ status: 'idle', info: null, device: { device: 'webgpu' } });
    s.getState().studentFailed({ name: 'ModelLoadError', message: 'no such model' });
    expect(s.getState().student.status).toBe('error');
  });
});
