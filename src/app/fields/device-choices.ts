import type { DevicePreference } from '../../lib/core/devices';
import type { Choice } from './SelectField';

/** Where a model runs, as the student's and the teacher's settings offer it. */
export const DEVICE_CHOICES: readonly Choice<DevicePreference>[] = [
  { value: 'auto', label: 'Automatic (WebGPU when available)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'WASM (CPU)' },
];
