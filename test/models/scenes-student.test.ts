/**
 * The committed student captions committed sample scenes (public/samples/scenes) with their objects, through
 * the studio's captioning path (StudentService, the settings panel's default greedy decoding) on the WASM EP
 * (onnxruntime-web, the browser's fallback) and the CPU EP (onnxruntime-node) in Node.
 *
 * The student is the one the offline panel offers (LOCAL_STUDENT_ID): the trained scenes student once it is
 * committed (SCENES_STUDENT_IS_DEFAULT), else the random tiny one, whose word salad is not checked for words.
 */
import { describe, expect, it } from 'vitest';
import { studentCaptioner } from '../../bench/student-node';
import { LOCAL_STUDENT_ID, SCENES_STUDENT_ID } from '../../src/state/slices/settings';
import { EXPECTED_SCENES, missingObjects, sampleScene } from '../support/sample-scenes';

const TRAINED = LOCAL_STUDENT_ID === SCENES_STUDENT_ID;
const scenes = EXPECTED_SCENES.map(sampleScene);

describe(`${LOCAL_STUDENT_ID} on the sample scenes`, () => {
  const what = TRAINED
    ? 'names every object of three scenes'
    : 'captions three scenes (plumbing only: the random stand-in writes word salad)';
  it.each(['wasm', 'cpu'] as const)(`${what} (%s)`, async (device) => {
    const student = await studentCaptioner(LOCAL_STUDENT_ID, device);
    const captions = await student.captioner(scenes.map((s, i) => ({ imageId: i, path: s.path })));
    await student.release();
    expect(captions.map((c) => c.imageId)).toEqual([0, 1, 2]);
    for (const [i, scene] of scenes.entries()) {
      const caption = captions[i]!.caption;
      expect(caption.length, scene.fileName).toBeGreaterThan(0);
      if (TRAINED) expect(missingObjects(caption, scene), `${scene.fileName}: "${caption}"`).toEqual([]);
    }
  });
});
