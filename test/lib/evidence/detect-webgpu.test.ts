/**
 * The same evidence path with FastestDet on onnxruntime-node's native WebGPU EP (SwiftShader's Vulkan;
 * docs/architecture.md decision 10). WebGPU needs its environment before the process starts, so the crops'
 * model runs happen in a child process (helpers/fastestdet-webgpu.ts, one session for all crops); their
 * outputs are then replayed, in order and checked against the inputs that produced them, through the same
 * detector and merge code.
 *
 * SwiftShader needs about 13 s of CPU per FastestDet run (all 138 nodes on WebGPU), so by default only the
 * whole-image window runs here; CAPGRAD_WEBGPU_GRIDS=1,2,3 runs all 14 windows (minutes). The outputs
 * must match the CPU EP's to 1e-4, and the CPU EP runs every window in detect.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { boxFromXywh, iou } from '../../../src/lib/evidence/boxes';
import { planCrops } from '../../../src/lib/evidence/crops';
import { DEFAULT_DETECTION_SETTINGS, detectAcrossCrops } from '../../../src/lib/evidence/detect';
import type { RasterImage } from '../../../src/lib/evidence/raster';
import { FastestDetDetector } from '../../../src/lib/evidence/fastestdet/fastestdet';
import { writeFastestDetInput } from '../../../src/lib/evidence/fastestdet/fastestdet-codec';
import type { SessionLike, TensorLike } from '../../../src/lib/evidence/fastestdet/session';
import { runFastestDetOnWebGpu } from './helpers/fastestdet-webgpu';
import {
  cocoInstances,
  fastestDetClassNames,
  fastestDetSession,
  loadRaster,
  ortTensor,
} from './helpers/real-data';

const PER_IMAGE_IN = 3 * 352 * 352;
const GRIDS = (process.env.CAPGRAD_WEBGPU_GRIDS ?? '1').split(',').map(Number);
const crops = { grids: GRIDS, overlap: 0.25 };

/** Answers each run with the next recorded output, after checking that the input is the recorded one. */
function replaySession(inputs: Float32Array[], outputs: Float32Array[]): SessionLike {
  let next = 0;
  return {
    inputNames: ['input.1'],
    outputNames: ['758'],
    run(feeds: Record<string, TensorLike>) {
      const data = feeds['input.1']!.data as Float32Array;
      const expected = inputs[next];
      if (!expected || data.length !== expected.length || data.some((v, i) => v !== expected[i])) {
        return Promise.reject(new Error(`run ${next} got an input that was not recorded`));
      }
      return Promise.resolve({ '758': ortTensor(outputs[next++]!, [1, 85, 22, 22]) });
    },
  };
}

describe(`evidence path on the two-cats photo with FastestDet on the WebGPU EP (grids ${GRIDS.join(', ')})`, () => {
  let image: RasterImage;
  let inputs: Float32Array[];
  let webgpu: Float32Array[];
  let placements: ReadonlyMap<string, string[]>;
  let warnings: string[];
  beforeAll(async () => {
    image = await loadRaster('coco_val2017_000000039769.png');
    inputs = planCrops(image.width, image.height, crops).map((region) => {
      const data = new Float32Array(PER_IMAGE_IN);
      writeFastestDetInput(image, region, data);
      return data;
    });
    const runs = runFastestDetOnWebGpu(inputs);
    webgpu = runs.outputs;
    placements = runs.placements;
    warnings = runs.warnings;
  }, 900_000);
  it('places the model on WebGPU and matches the CPU EP to 1e-4', async () => {
    const placed = `placed on: ${[...placements.keys()].join(', ') || 'nothing listed'}`;
    expect(placements.has('WebGpuExecutionProvider'), `${placed}\n${warnings.join('\n')}`).toBe(true);
    const cpu = await fastestDetSession();
    let maxDiff = 0;
    for (const [i, data] of inputs.entries()) {
      const out = (await cpu.run({ 'input.1': ortTensor(data, [1, 3, 352, 352]) }))['758']!
        .data as Float32Array;
      for (let k = 0; k < out.length; k++) maxDiff = Math.max(maxDiff, Math.abs(out[k]! - webgpu[i]![k]!));
    }
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('finds both annotated cats with IoU ≥ 0.5', async () => {
    const detector = new FastestDetDetector(replaySession(inputs, webgpu), ortTensor, {
      classNames: fastestDetClassNames(),
    });
    const [result] = await detectAcrossCrops([image], detector, { ...DEFAULT_DETECTION_SETTINGS, crops });
    const cats = result!.objects.filter((o) => o.label === 'cat');
    const annotations = (
      cocoInstances('coco_val2017_000000039769_instances.json') as {
        annotations: { category_id: number; bbox: number[] }[];
      }
    ).annotations.filter((a) => a.category_id === 17);
    for (const a of annotations) {
      expect(Math.max(...cats.map((c) => iou(c.box, boxFromXywh(a.bbox))))).toBeGreaterThanOrEqual(0.5);
    }
  });
});
