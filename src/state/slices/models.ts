import type { DeviceResolution } from '../../lib/core/devices';
import type { StudentModelInfo } from '../../lib/caption/types';
import type { SliceCreator } from '../studio-state';
import type { ErrorInfo } from './ingest';

/**
 * The student as the UI knows it. `device` is known before the model loads (the worker resolves it on
 * its own), so the badge can say WebGPU or WASM and why from the start.
 */
export interface StudentState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  device: DeviceResolution | null;
  info: StudentModelInfo | null;
  error: ErrorInfo | null;
}

export interface ModelsSlice {
  student: StudentState;
  setStudentDevice: (device: DeviceResolution) => void;
  studentLoading: () => void;
  studentReady: (info: StudentModelInfo) => void;
  studentFailed: (error: ErrorInfo) => void;
  /** The model or device setting changed: what is loaded no longer counts. */
  studentStale: () => void;
}

export const INITIAL_STUDENT: StudentState = { status: 'idle', device: null, info: null, error: null };

export const createModelsSlice: SliceCreator<ModelsSlice> = (set) => ({
  student: INITIAL_STUDENT,
  setStudentDevice: (device) => set((s) => ({ student: { ...s.student, device } })),
  studentLoading: () => set((s) => ({ student: { ...s.student, status: 'loading', error: null } })),
  studentReady: (info) =>
    set({
      student: { status: 'ready', info, error: null, device: { device: info.device, reason: info.reason } },
    }),
  studentFailed: (error) => set((s) => ({ student: { ...s.student, status: 'error', info: null, error } })),
  studentStale: () => set((s) => ({ student: { ...s.student, status: 'idle', info: null, error: null } })),
});
