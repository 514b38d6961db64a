import { it } from 'vitest';
import { buildTrainingArtifacts } from '../../../../src/lib/onnx/training/artifacts';
import { makeBatch } from '../../../../src/lib/onnx/training/batches';
import { Trainer } from '../../../../src/lib/onnx/training/trainer';
import { runtimeFor } from './helpers/backends';
import { loadStudentData, studentFile, STUDENT_CONFIG } from './helpers/student';
it('overfit', async () => {
  const data = await loadStudentData();
  console.log(data.samples.map((s) => s.tokens.length), data.encoderSequence, data.encoderWidth);
  const special = { start: STUDENT_CONFIG.decoder_start_token_id, end: STUDENT_CONFIG.eos_token_id, pad: STUDENT_CONFIG.pad_token_id };
  const shapes = { batch: 8, sequence: 16, encoderSequence: data.encoderSequence, encoderWidth: data.encoderWidth };
  for (const [spec, opt] of [
    [{ kind: 'full' }, { algorithm: 'adamw', lr: 3e-3 }],
    [{ kind: 'lora', rank: 8, alpha: 16, roles: ['self-attn', 'cross-attn', 'mlp'], seed: 0 }, { algorithm: 'adamw', lr: 1e-2 }],
  ] as const) {
    const t0 = performance.now();
    const artifacts = buildTrainingArtifacts(studentFile('decoder_model.onnx'), spec, shapes);
    const trainer = await Trainer.create({ runtime: runtimeFor('cpu'), artifacts, modelId: 'x', optimizer: { algorithm: opt.algorithm, lr: opt.lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maxGradNorm: 1 } });
    const batch = makeBatch(data.samples, shapes, special);
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) losses.push((await trainer.trainStep(batch)).loss);
    console.log(spec.kind, performance.now() - t0, losses.filter((_, i) => i % 5 === 0).map((l) => l.toFixed(3)).join(' '), losses.at(-1));
    await trainer.release();
  }
});
