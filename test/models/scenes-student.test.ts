/**
 * The committed scenes student captions committed sample scenes (public/samples/scenes) with their objects,
 * through the studio's captioning path (StudentService, the settings panel's default greedy decoding) on the
 * WASM EP (onnxruntime-web, the browser's fallback) and the CPU EP (onnxruntime-node) in Node. It is the student
 * the offline panel offers (LOCAL_STUDENT_ID) and the default.
 */
import { describe, expect, it } from 'vitest';
import { studentCaptioner } from '../../bench/student-node';
import { captionStructure } from '../../src/lib/critic/caption-structure';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import { LOCAL_STUDENT_ID, SCENES_STUDENT_ID } from '../../src/state/slices/settings';
import {
  EXPECTED_SCENES,
  SAMPLE_RECALL_FLOOR,
  recallOf,
  sampleScene,
  sampleScenes,
} from '../support/sample-scenes';

describe(`${LOCAL_STUDENT_ID} on the sample scenes`, () => {
  it('is the student on disk that the studio offers', () => {
    expect(LOCAL_STUDENT_ID).toBe(SCENES_STUDENT_ID);
  });

  it.each(['wasm', 'cpu'] as const)(
    'writes sentences that name annotated objects: each of three scenes, and the sample set (%s)',
    async (device) => {
      const scenes = sampleScenes();
      const student = await studentCaptioner(LOCAL_STUDENT_ID, device);
      const captions = await student.captioner(scenes.map((s, i) => ({ imageId: i, path: s.path })));
      await student.release();
      expect(captions.map((c) => c.imageId)).toEqual(scenes.map((_, i) => i));
      const byName = new Map(scenes.map((s, i) => [s.fileName, captions[i]!.caption]));
      for (const fileName of EXPECTED_SCENES) {
        const caption = byName.get(fileName)!;
        expect(captionStructure(caption, CHAIR_SYNONYMS), `${fileName}: "${caption}"`).toEqual({
          parseable: true,
        });
        expect(recallOf(caption, sampleScene(fileName)), `${fileName}: "${caption}"`).toBeGreaterThan(0);
      }
      const recall = scenes.reduce((sum, s, i) => sum + recallOf(captions[i]!.caption, s), 0) / scenes.length;
      expect(recall).toBeGreaterThanOrEqual(SAMPLE_RECALL_FLOOR);
    },
  );
});
