import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { OnnxModel } from '../../../../src/lib/onnx/graph/model';
import { analyzeDecoder } from '../../../../src/lib/onnx/training/structure';
it('prints', () => {
  for (const f of ['test/fixtures/grad/gpt2-a.onnx', 'test/fixtures/grad/gpt2-b.onnx', 'test/fixtures/onnx/gpt2-xattn-tiny.onnx']) {
    const m = OnnxModel.decode(new Uint8Array(readFileSync(f)));
    const s = analyzeDecoder(m.graph);
    console.log(f, s.blockCount, s.projections.map((p) => `${p.weight}:${p.role}:${p.block}:${p.layout}:${p.bias}`).join('\n'));
    console.log(s.layerNorms.map((l) => `${l.scale}:${l.block}:${l.bias}`).join('\n'), s.embeddings, s.allWeights.length);
  }
});
