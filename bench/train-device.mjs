/**
 * The training benchmark on a lent GPU machine (docs/architecture.md decision 10c), where the repository's
 * toolchain is absent:
 *   node scripts/bench.mjs train --bundle .gpu/bench/train-node.mjs         # here: library + bench as one file
 *   node bench/train-device.mjs strip MODEL_DIR .gpu/bench                 # here: the decoder without weights
 *   source .gpu/env.sh && .gpu/bin/node bench/train-device.mjs run .gpu/bench   # there (device tool, carry .gpu)
 * The weights are refilled there with seeded random values (a random-weight model is what is measured), so the
 * 766 MB decoder travels as a ~2 MB graph. Prints one JSON object per preset.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [command, a, b] = process.argv.slice(2);
const bundle = (dir) => import(pathToFileURL(resolve(dir, 'train-node.mjs')).href);

if (command === 'strip') {
  const { stripWeights } = await bundle(b);
  mkdirSync(b, { recursive: true });
  const decoder = new Uint8Array(readFileSync(join(a, 'onnx', 'decoder_model.onnx')));
  writeFileSync(join(b, 'decoder_model.stripped.onnx'), stripWeights(decoder));
  writeFileSync(join(b, 'config.json'), readFileSync(join(a, 'config.json')));
} else if (command === 'run') {
  const { benchTraining, fillStrippedWeights } = await bundle(a);
  const config = JSON.parse(readFileSync(join(a, 'config.json'), 'utf8'));
  const encoderSequence = (config.encoder.image_size / config.encoder.patch_size) ** 2 + 1;
  const decoder = fillStrippedWeights(new Uint8Array(readFileSync(join(a, 'decoder_model.stripped.onnx'))));
  // STATES: the trainer's state kept on the GPU ('device', as in the browser) and copied every step ('copied'),
  // side by side: on SwiftShader keeping it costs more than the copies (a CPU copy is cheap there); a GPU decides.
  for (const preset of (process.env.PRESETS ?? 'lora-r8,last-2-blocks').split(','))
    for (const webgpuState of (process.env.STATES ?? 'device,copied').split(',')) {
      const { losses, ...result } = await benchTraining({
        decoder,
        preset,
        ep: process.env.EP ?? 'webgpu',
        webgpuState,
        batch: 8,
        tokens: 20,
        encoderSequence,
        steps: Number(process.env.STEPS ?? 10),
        warmup: 2,
      });
      console.log(
        JSON.stringify({
          runtime: `onnxruntime-node ${result.ep}`,
          ...result,
          firstLoss: losses[0],
          lastLoss: losses.at(-1),
        }),
      );
    }
} else {
  console.error('usage: node bench/train-device.mjs strip MODEL_DIR OUT_DIR | run DIR');
  process.exit(2);
}
