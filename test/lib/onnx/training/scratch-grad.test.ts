import { it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildTrainingArtifacts } from '../../../../src/lib/onnx/training/artifacts';
import { GradFixture, relativeMaxError } from './helpers/grad-fixtures';
it('grads', async () => {
  for (const name of ['gpt2-a', 'gpt2-b', 'gpt2-student-like']) {
    const fx = new GradFixture(name);
    const sp = fx.config.spec;
    const shapes = { batch: 3, sequence: 7, encoderSequence: 5, encoderWidth: sp.embd };
    const t0 = performance.now();
    const art = buildTrainingArtifacts(fx.modelBytes, { kind: 'full' }, shapes);
    console.log(name, 'built in', performance.now() - t0, art.trainables.length, art.training.length);
    for (const ep of ['cpu', 'webgpu']) {
    const s = await ort.InferenceSession.create(art.training, { executionProviders: [ep] });
    const t = (k: string) => { const a = fx.get(`input.${k}`); return new ort.Tensor(a instanceof BigInt64Array ? 'int64' : 'float32', a as Float32Array, fx.shape(`input.${k}`)); };
    const feeds: Record<string, ort.Tensor> = { input_ids: t('input_ids'), encoder_hidden_states: t('encoder_hidden_states'), labels: t('labels'), label_mask: t('label_mask'), sample_weights: t('sample_weights') };
    for (const tr of art.trainables) feeds[tr.name] = new ort.Tensor('float32', art.initial.get(tr.name)!, tr.dims);
    const out = await s.run(feeds);
    let worst = 0, worst32 = 0, wn = '';
    for (const w of fx.config.gradients.weights ?? []) {
      const g = out[art.gradients.get(w)!]!.data as Float32Array;
      const e = relativeMaxError(g, fx.float(`grad.f64.${w}`));
      const e32 = relativeMaxError(fx.float(`grad.f32.${w}`), fx.float(`grad.f64.${w}`));
      if (e > worst) { worst = e; wn = w; }
      worst32 = Math.max(worst32, e32);
    }
    console.log(name, ep, 'loss', out.loss!.data[0], fx.config.gradients.loss_f64, 'worst', worst, wn, 'torch32', worst32);
    }
  }
});
