/**
 * ONNX Runtime Web destroys its WebGPU device when its last session is released (the device's `lost` promise
 * then resolves with reason 'destroyed'), and the next session gets a new device. Reloading the captioner with
 * tuned weights releases every session before creating the new ones, so the student worker would see its
 * device "lost" and refuse to caption. A one-node session held open across the reload keeps the device.
 */
import { identityModel } from '../onnx/graph/identity-model';

let anchorBytes: Uint8Array | null = null;

/** A graph of one Identity on a 1-element float input: as small as a session gets. */
export function anchorModel(): Uint8Array {
  anchorBytes ??= identityModel('device-anchor', [1]);
  return anchorBytes;
}

/** Runs `work` with a session open on the device, so that releasing every other session does not destroy it. */
export async function withDeviceHeld<T>(
  open: (bytes: Uint8Array) => Promise<{ release(): Promise<void> }>,
  work: () => Promise<T>,
): Promise<T> {
  const anchor = await open(anchorModel());
  try {
    return await work();
  } finally {
    await anchor.release();
  }
}
