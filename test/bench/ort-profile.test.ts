/** Reading ONNX Runtime's profiler traces: the last run of each session, kernels per provider, copies, op times and counts. */
import { describe, expect, it } from 'vitest';
import { printedTraces, stepProfile } from '../../bench/lib/ort-profile';

const run = (ts: number, dur: number) => ({ cat: 'Session', name: 'model_run', ts, dur });
const kernel = (ts: number, op: string, provider: string, dur = 1000) => ({
  cat: 'Node',
  name: `${op}_${ts}_kernel_time`,
  ts,
  dur,
  args: { op_name: op, provider },
});

describe('stepProfile', () => {
  it('counts the last run of every session: kernels per provider, CPU fallbacks, copies, time per op type', () => {
    const training = [
      run(0, 100),
      kernel(10, 'MatMul', 'WebGpuExecutionProvider'), // first run: compiles, left out
      run(200, 100),
      kernel(210, 'MatMul', 'WebGpuExecutionProvider', 3000),
      kernel(220, 'MemcpyToHost', 'CPUExecutionProvider'),
      kernel(230, 'Shape', 'CPUExecutionProvider'),
      kernel(240, 'MemcpyFromHost', 'CPUExecutionProvider'),
    ];
    const optimizer = [run(0, 50), kernel(10, 'Mul', 'WebGpuExecutionProvider', 500)];
    const p = stepProfile([training, optimizer, []], 'WebGpuExecutionProvider');
    expect(p).toEqual({
      sessions: 2,
      kernelsPerSession: [4, 1], // in trace order
      kernels: 5,
      kernelsByProvider: { WebGpuExecutionProvider: 2, CPUExecutionProvider: 3 },
      copies: 2,
      cpuOps: { Shape: 1 },
      msByOpType: { MatMul: 3, MemcpyToHost: 1, Shape: 1, MemcpyFromHost: 1, Mul: 0.5 },
      kernelsByOpType: { MatMul: 1, MemcpyToHost: 1, Shape: 1, MemcpyFromHost: 1, Mul: 1 },
      runMs: 0.15,
    });
  });

  it('on the CPU EP nothing is a fallback', () => {
    const p = stepProfile([[run(0, 10), kernel(1, 'Gemm', 'CPUExecutionProvider')]], 'CPUExecutionProvider');
    expect(p.cpuOps).toEqual({});
    expect(p.kernels).toBe(1);
  });
});

describe('printedTraces', () => {
  it('reads every trace onnxruntime-web printed, between other console lines', () => {
    const text = [
      'some log line',
      '[',
      '{"cat" : "Session","dur" :5,"ts" :1,"name" :"model_run","args" : {}},',
      '{"cat" : "Node","dur" :2,"ts" :2,"name" :"Gemm_kernel_time","args" : {"op_name" : "Gemm"}}',
      ']',
      'between [brackets] on one line',
      '[',
      '{"cat" : "Session","dur" :3,"ts" :9,"name" :"model_run","args" : {}},',
      ']',
      '',
    ].join('\n');
    const traces = printedTraces(text);
    expect(traces.map((t) => t.length)).toEqual([2, 1]);
    expect(traces[0]![1]).toMatchObject({ name: 'Gemm_kernel_time', args: { op_name: 'Gemm' } });
    expect(stepProfile(traces, 'CPUExecutionProvider').kernelsPerSession).toEqual([1, 0]);
  });

  it('finds nothing in text without a trace', () => {
    expect(printedTraces('no [trace] here\n')).toEqual([]);
  });
});
