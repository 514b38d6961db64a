/**
 * `npm run bench -- student --data DIR [--model ID|FOLDER] [--device cpu|wasm] [--splits a,b] [--captions]`
 *
 * The trained student's figures (its model card's): captions every image of each split under DIR with the
 * studio's own captioning path (StudentService, greedy, the settings panel's defaults) in Node, on
 * onnxruntime-node's CPU EP or onnxruntime-web's WASM EP, and reports per split object recall, CHAIR-i,
 * CHAIR-s, count accuracy and fluency (captions the scene grammar produces) against the split's
 * instances.json, and for the bias pairs of scenes.json how often B is named in the `bias` and `control`
 * splits. DIR: a scenes root (`npm run scenes`; every split but train unless --splits) or one COCO folder
 * (images/ + instances.json). --model: an id under public/models/ (default: the trained student) or a model
 * folder. --captions: list every caption too. Prints one JSON object; measures, asserts nothing.
 * See bench/student-node.ts.
 */
import { parseArgs } from 'node:util';
import { withSsrModule } from './lib/ssr.mjs';

export async function run(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      model: { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      splits: { type: 'string' },
      captions: { type: 'boolean', default: false },
    },
  });
  if (!values.data)
    throw new Error('--data DIR is required: a scenes root (npm run scenes) or a COCO folder');
  if (!['cpu', 'wasm'].includes(values.device))
    throw new Error(`--device must be cpu or wasm, got '${values.device}'`);
  return withSsrModule('/bench/student-node.ts', async ({ benchStudent }, load) => {
    const { SCENES_STUDENT_ID } = await load('/src/state/slices/settings.ts');
    return benchStudent({
      data: values.data,
      model: values.model ?? SCENES_STUDENT_ID,
      device: values.device,
      ...(values.splits ? { splits: values.splits.split(',') } : {}),
      withCaptions: values.captions,
    });
  });
}
