/**
 * The student bench's captioning path: StudentService over onnxruntime-node's CPU EP and onnxruntime-web's
 * WASM EP in Node, on the hand-made scenes (test/fixtures/scenes-mini) with the committed tiny student. Its
 * captions are word salad, so nothing is asserted on their words: only that every image of every split gets
 * one under its own id, and that both runtimes decode the same greedy captions.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitFolders, splitImages, studentCaptioner } from '../../bench/student-node';
import { REPO_DIR } from '../support/fixtures';

const SCENES = join(REPO_DIR, 'test', 'fixtures', 'scenes-mini');
const TINY = 'tiny-random/vit-gpt2';

describe('npm run bench -- student: captioning', () => {
  it('captions every image of a split on the CPU and WASM runtimes alike', async () => {
    const images = splitFolders(SCENES).flatMap(splitImages);
    const byDevice: Record<string, { imageId: number; caption: string }[]> = {};
    for (const device of ['cpu', 'wasm'] as const) {
      const student = await studentCaptioner(TINY, device);
      expect(student.modelId).toBe(TINY);
      byDevice[device] = await student.captioner(images);
      await student.release();
    }
    expect(byDevice['cpu']!.map((c) => c.imageId)).toEqual(images.map((im) => im.imageId));
    expect(byDevice['cpu']!.every((c) => c.caption.length > 0)).toBe(true);
    expect(byDevice['wasm']).toEqual(byDevice['cpu']);
  });

  it('takes a model folder by path, and refuses a model that is not on disk (no hub)', async () => {
    const student = await studentCaptioner(join(REPO_DIR, 'public', 'models', TINY), 'cpu');
    expect(student.modelId).toBe('vit-gpt2');
    await student.release();
    await expect(studentCaptioner('nobody/not-a-model', 'cpu')).rejects.toThrow(/not in the app/);
  });
});
