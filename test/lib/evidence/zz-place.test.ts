import { it } from 'vitest';
import { runFastestDetOnWebGpu } from './helpers/fastestdet-webgpu';
it('place', () => {
  const r = runFastestDetOnWebGpu([new Float32Array(3 * 352 * 352).fill(0.5)]);
  console.log('KEYS', [...r.placements.keys()], r.outputs[0]!.slice(0, 3));
}, 600_000);
