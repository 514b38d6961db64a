import { test } from 'vitest';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { FastestDetDetector } from '../../../src/lib/models/detector/fastestdet';
import { parseClassNames } from '../../../src/lib/models/detector/coco-names';
import { detectAcrossCrops } from '../../../src/lib/evidence/detect';
import { iou, boxFromXywh } from '../../../src/lib/evidence/boxes';
const dir = '../shared/data';
test('proto', async () => {
  const s = await ort.InferenceSession.create(`${dir}/models/fastestdet/FastestDet.onnx`);
  const det = new FastestDetDetector(s, (d, dims) => new ort.Tensor('float32', d, dims as number[]), { classNames: parseClassNames(readFileSync(`${dir}/models/fastestdet/coco.names`, 'utf8')) });
  console.log('batch', det.batchSize);
  for (const f of (process.env.IMGS ?? 'coco_val2017_000000039769.png').split(',')) {
    const { data, info } = await sharp(`${dir}/images/${f}`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const t0 = performance.now();
    const [r] = await detectAcrossCrops([{ width: info.width, height: info.height, channels: 3, data }], det);
    console.log(f, 'ms', (performance.now() - t0).toFixed(0), 'raw', r!.detections.length);
    for (const d of r!.detections) console.log('  raw', d.label, d.score.toFixed(2), d.cropId, d.cut, [d.box.x1, d.box.y1, d.box.x2, d.box.y2].map(Math.round).join(','));
    for (const o of r!.objects) console.log(' OBJ', o.label, o.score.toFixed(2), o.zoomLevels.join('/'), o.support, [o.box.x1, o.box.y1, o.box.x2, o.box.y2].map(Math.round).join(','));
    if (f.includes('39769')) { const gt = JSON.parse(readFileSync(`${dir}/annotations/coco_val2017_000000039769_instances.json`, 'utf8')); for (const a of gt.annotations.filter((a: any) => a.category_id === 17)) console.log('iou', r!.objects.filter(o => o.label === 'cat').map(o => iou(o.box, boxFromXywh(a.bbox)).toFixed(3))); }
  }
});
