import { it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { OnnxModel } from '../../../../src/lib/onnx/graph/model';
import { appendTokenLoss } from '../../../../src/lib/onnx/training/loss';
import { GradFixture } from './helpers/grad-fixtures';
it('loss', async () => {
  for (const name of ['gpt2-a', 'gpt2-b', 'gpt2-student-like']) {
    const fx = new GradFixture(name);
    const m = OnnxModel.decode(fx.modelBytes);
    appendTokenLoss(m);
    const s = await ort.InferenceSession.create(m.encode());
    const t = (k: string) => { const a = fx.get(`input.${k}`); return new ort.Tensor(a instanceof BigInt64Array ? 'int64' : 'float32', a as Float32Array, fx.shape(`input.${k}`)); };
    const out = await s.run({ input_ids: t('input_ids'), encoder_hidden_states: t('encoder_hidden_states'), labels: t('labels'), label_mask: t('label_mask'), sample_weights: t('sample_weights') });
    console.log(name, out.loss!.data[0], fx.config.gradients.loss_f64);
  }
});
