/** The smallest useful session: one Identity from float input `x` to output `y` of the given dims. */
import { OnnxModel } from './model';
import { DataType } from '../proto/tensor';
import type { Dim } from './tensor-info';

export function identityModel(graphName: string, dims: readonly Dim[]): Uint8Array {
  const model = new OnnxModel({
    irVersion: 8,
    producerName: 'capgrad-studio',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: graphName },
  });
  const g = model.graph;
  g.addInput('x', DataType.FLOAT, dims);
  g.addNode('Identity', ['x'], { outputs: ['y'] });
  g.addOutput('y', DataType.FLOAT, dims);
  return model.encode();
}
