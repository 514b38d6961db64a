import { describe, expect, it } from 'vitest';
import {
  GradientRuleInputError,
  InvalidLossError,
  InvalidTrainableError,
  NoGradientRuleError,
  UnresolvedBroadcastError,
  buildGradientGraph,
} from '../../../../src/lib/onnx/autodiff';
import { OnnxModel, int } from '../../../../src/lib/onnx/graph';
import { DataType, boolTensor, float32Tensor } from '../../../../src/lib/onnx/proto';

/** x [2,3] (input) → op … → loss = ReduceSum(…); w [3] is a trainable initializer. */
function modelWith(build: (m: OnnxModel) => string, dims: (number | string)[] = [2, 3]): OnnxModel {
  const m = new OnnxModel({ irVersion: 9, opsetImport: [{ domain: '', version: 18 }] });
  m.graph.addInput('x', DataType.FLOAT, dims);
  m.graph.addInitializer(float32Tensor('w', [3], [1, 2, 3]));
  const y = build(m);
  m.graph.addNode('ReduceSum', [y], { outputs: ['loss'], attrs: { keepdims: int(0) } });
  m.graph.addOutput('loss');
  return m;
}

describe('autodiff errors', () => {
  it('names the op type and node of an op on the path without a rule', () => {
    const m = modelWith(
      (m) => m.graph.addNode('Sin', [m.graph.add('Mul', ['x', 'w'])], { name: 'the_sine' }).output![0]!,
    );
    const err = (() => {
      try {
        buildGradientGraph(m, { loss: 'loss', trainable: ['w'] });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NoGradientRuleError);
    expect((err as NoGradientRuleError).name).toBe('NoGradientRuleError');
    expect((err as NoGradientRuleError).opType).toBe('Sin');
    expect((err as NoGradientRuleError).nodeName).toBe('the_sine');
    expect((err as Error).message).toContain("'Sin'");
    expect((err as Error).message).toContain("'the_sine'");
  });

  it('treats ops of other domains as having no rule, but for the com.microsoft ones our passes make', () => {
    const m = modelWith(
      (m) =>
        m.graph.addNode('QuickGelu', [m.graph.add('Mul', ['x', 'w'])], {
          name: 'qg',
          domain: 'com.microsoft',
        }).output![0]!,
    );
    expect(() => buildGradientGraph(m, { loss: 'loss', trainable: ['w'] })).toThrow(
      /com\.microsoft\.QuickGelu.*'qg'/,
    );
    const fused = modelWith(
      (m) =>
        m.graph.addNode('FastGelu', [m.graph.add('Mul', ['x', 'w'])], { name: 'fg', domain: 'com.microsoft' })
          .output![0]!,
    );
    expect(() => buildGradientGraph(fused, { loss: 'loss', trainable: ['w'] })).not.toThrow();
  });

  it('names the reason when a FastGelu has a bias (no rule for it)', () => {
    const m = modelWith(
      (m) =>
        m.graph.addNode('FastGelu', [m.graph.add('Mul', ['x', 'w']), 'x'], {
          name: 'fgb',
          domain: 'com.microsoft',
        }).output![0]!,
    );
    expect(() => buildGradientGraph(m, { loss: 'loss', trainable: ['w'] })).toThrow(/'fgb'.*bias/);
  });

  it('does not need rules off the gradient path (ops only on constants)', () => {
    const m = modelWith((m) => m.graph.add('Mul', ['x', m.graph.add('Sin', ['w'])]));
    // Sin only touches w, which is not trainable here: x is. Its output is a constant for the gradient.
    const { gradients } = buildGradientGraph(m, {
      loss: 'loss',
      trainable: ['x'],
      inputShapes: { x: [2, 3] },
    });
    expect(gradients.get('x')).toBe('grad.x');
  });

  it('rejects a loss that is missing, not scalar or independent of the trainables', () => {
    const m = modelWith((m) => m.graph.add('Mul', ['x', 'w']));
    expect(() => buildGradientGraph(m, { loss: 'nope', trainable: ['w'] })).toThrow(InvalidLossError);
    m.graph.addNode('Neg', ['x'], { outputs: ['not_scalar'] });
    expect(() =>
      buildGradientGraph(m, { loss: 'not_scalar', trainable: ['w'], inputShapes: { x: [2, 3] } }),
    ).toThrow(InvalidLossError);
    m.graph.addInitializer(float32Tensor('unused', [1], [0]));
    m.graph.addNode('ReduceSum', ['x'], { outputs: ['x_only'], attrs: { keepdims: int(0) } });
    expect(() => buildGradientGraph(m, { loss: 'x_only', trainable: ['w'] })).toThrow(/does not depend/);
  });

  it('rejects unknown and non-float trainables', () => {
    const m = modelWith((m) => m.graph.add('Mul', ['x', 'w']));
    expect(() => buildGradientGraph(m, { loss: 'loss', trainable: ['ghost'] })).toThrow(
      InvalidTrainableError,
    );
    m.graph.addInitializer(boolTensor('flag', [1], [true]));
    expect(() => buildGradientGraph(m, { loss: 'loss', trainable: ['flag'] })).toThrow(InvalidTrainableError);
  });

  it('refuses to guess whether a symbolic dim was broadcast, and works once shapes are fixed', () => {
    // x [n, 3] + b [m, 3]: either may be 1 at run time.
    const m = modelWith(
      (m) => {
        m.graph.addInput('b', DataType.FLOAT, ['m', 3]);
        return m.graph.add('Add', ['x', 'b']);
      },
      ['n', 3],
    );
    expect(() => buildGradientGraph(m, { loss: 'loss', trainable: ['b'] })).toThrow(UnresolvedBroadcastError);
    const fixed = buildGradientGraph(m, {
      loss: 'loss',
      trainable: ['b'],
      inputShapes: { x: [4, 3], b: [1, 3] },
    });
    expect(fixed.gradients.get('b')).toBe('grad.b');
  });

  it('lets a rule reject a node it cannot differentiate (Dropout in training mode)', () => {
    const m = modelWith((m) => {
      m.graph.addInitializer(boolTensor('training', [], [true]));
      m.graph.addInitializer(float32Tensor('ratio', [], [0.1]));
      return m.graph.addNode('Dropout', [m.graph.add('Mul', ['x', 'w']), 'ratio', 'training'], {
        name: 'drop',
      }).output![0]!;
    });
    expect(() =>
      buildGradientGraph(m, { loss: 'loss', trainable: ['w'], inputShapes: { x: [2, 3] } }),
    ).toThrow(GradientRuleInputError);
  });

  it('does not modify the model it is given and returns promoted initial values', () => {
    const m = modelWith((m) => m.graph.add('Mul', ['x', 'w']));
    const before = m.encode();
    const { model, promoted } = buildGradientGraph(m, {
      loss: 'loss',
      trainable: ['w'],
      inputShapes: { x: [2, 3] },
    });
    expect(Buffer.from(m.encode()).equals(Buffer.from(before))).toBe(true);
    expect([...promoted.keys()]).toEqual(['w']);
    expect(model.graph.inputs.map((i) => i.name)).toEqual(['x', 'w']);
    expect(model.graph.outputs.map((o) => o.name)).toEqual(['loss', 'grad.w']);
  });
});
