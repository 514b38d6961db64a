import { describe, expect, it } from 'vitest';
import {
  OnnxModel,
  foldConstants,
  inferShapes,
  int,
  lowerForWebGpu,
  removeNoOps,
} from '../../../../src/lib/onnx/graph';
import { DataType, float32Tensor, int64Tensor } from '../../../../src/lib/onnx/proto';

function model(): OnnxModel {
  return new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: 18 }] });
}

describe('graph passes', () => {
  it('folds shape arithmetic but never what depends on a variable weight', () => {
    const m = model();
    const g = m.graph;
    g.addInput('x', DataType.FLOAT, [2, 3]);
    g.addInitializer(float32Tensor('w', [3], [1, 2, 3]));
    g.addInitializer(float32Tensor('frozen', [3], [4, 5, 6]));
    const shape = g.add('Shape', ['x'], { start: int(1) }); // [3]
    const flat = g.add('Reshape', [
      'x',
      g.add('Concat', [g.addConstant('m1', int64Tensor('', [1], [-1]))], { axis: int(0) }),
    ]);
    const fromW = g.add('Neg', ['w']);
    const fromFrozen = g.add('Neg', ['frozen']);
    g.addOutput(
      g.add('Add', [
        g.add('Add', [g.add('Mul', ['x', fromW]), fromFrozen]),
        g.add('Cast', [shape], { to: int(1) }),
      ]),
    );
    g.addOutput(flat);
    const folded = foldConstants(g, inferShapes(g, 18), { variables: ['w'] });
    const ops = g.nodes.map((n) => n.opType);
    expect(ops).toContain('Neg'); // Neg(w) stays: w is a variable
    expect(ops.filter((o) => o === 'Neg')).toHaveLength(1); // Neg(frozen) was folded
    expect(ops).not.toContain('Shape'); // Shape(x) with static dims is a constant
    expect(ops).not.toContain('Concat');
    expect(folded).toBe(4); // Shape, Cast, Concat, Neg(frozen)
  });

  it('removes no-op reshapes and identities, rewiring their consumers', () => {
    const m = model();
    const g = m.graph;
    g.addInput('ids', DataType.INT64, [2, 5]);
    g.addInitializer(float32Tensor('table', [8, 4], new Float32Array(32)));
    const same = g.add('Reshape', ['ids', g.addConstant('s', int64Tensor('', [2], [-1, 5]))]);
    const y = g.add('Gather', ['table', g.add('Identity', [same])]);
    g.addOutput(y);
    expect(removeNoOps(g, inferShapes(g, 18))).toBe(2);
    expect(g.nodes.map((n) => [n.opType, n.input])).toEqual([['Gather', ['table', 'ids']]]);
  });

  it('lowers IsNaN and Sum to ops the WebGPU EP has', () => {
    const m = model();
    const g = m.graph;
    g.addInput('a', DataType.FLOAT, [2]);
    g.addNode('IsNaN', ['a'], { outputs: ['nan'] });
    g.addNode('Sum', ['a', 'a', 'a'], { outputs: ['s'] });
    g.addOutput('nan');
    g.addOutput('s');
    expect(lowerForWebGpu(g)).toBe(2);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Equal', 'Not', 'Add', 'Add']);
    expect(g.nodes[1]!.output).toEqual(['nan']);
    expect(g.nodes[3]!.output).toEqual(['s']);
  });
});
