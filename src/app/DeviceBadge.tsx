import { useStudioState } from './studio-context';

/** Says which device the student runs on and why; before the worker answers, that it is checking. */
export function DeviceBadge() {
  const device = useStudioState((s) => s.student.device);
  const status = useStudioState((s) => s.student.status);
  const label = device === null ? 'Checking…' : device.device === 'webgpu' ? 'WebGPU' : 'WASM';
  return (
    <div
      className={`device-badge device-${device?.device ?? 'unknown'}`}
      data-testid="device-badge"
      data-device={device?.device ?? ''}
      title={device?.reason ?? 'Asking the student worker which device it can use'}
    >
      <span className="device-name">{label}</span>
      <span className="device-reason" data-testid="device-reason">
        {device?.reason ?? ''}
      </span>
      <span className="model-status" data-testid="model-status" data-status={status}>
        {status === 'loading' ? 'loading model…' : status === 'ready' ? 'model ready' : ''}
      </span>
    </div>
  );
}
