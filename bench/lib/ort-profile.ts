/**
 * One training step as ONNX Runtime's own profiler saw it (issue 16, "see first"): kernels run per step and on
 * which execution provider (a node the WebGPU EP cannot take runs on the CPU EP, with a copy each way), the copies
 * between devices, and where the time goes per op type. Reads the Chrome-trace JSON that a session with
 * `enableProfiling` writes when it is released; only the last `model_run` of each session counts (the first runs
 * compile kernels).
 */

export interface TraceEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: { readonly op_name?: string; readonly provider?: string };
}

export interface StepProfile {
  /** Sessions the step ran (training graph, optimizer graph, …). */
  readonly sessions: number;
  /** Kernels per session, in the order of the traces given: which graph the dispatches come from. */
  readonly kernelsPerSession: readonly number[];
  /** Kernels run in one step: a lower bound of the GPU dispatches on WebGPU (a kernel may dispatch more than once). */
  readonly kernels: number;
  readonly kernelsByProvider: Readonly<Record<string, number>>;
  /** Memcpy kernels: each is a copy between the CPU and the device in the middle of the step. */
  readonly copies: number;
  /** Op types of the kernels that ran on the CPU EP while the session's first provider is another one. */
  readonly cpuOps: Readonly<Record<string, number>>;
  /** Milliseconds of kernel time per op type, largest first, and the whole runs' wall time. */
  readonly msByOpType: Readonly<Record<string, number>>;
  /** Kernels per op type, most first: where the dispatches come from (cutting them is issue 16's aim). */
  readonly kernelsByOpType: Readonly<Record<string, number>>;
  readonly runMs: number;
}

const COPY_OPS = new Set(['MemcpyToHost', 'MemcpyFromHost']);

/** The last model_run of one session's trace and the kernels inside it. */
function lastRun(events: readonly TraceEvent[]): { run: TraceEvent; kernels: TraceEvent[] } | null {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const run = runs.at(-1);
  if (run?.ts === undefined || run.dur === undefined) return null;
  const end = run.ts + run.dur;
  const kernels = events.filter(
    (e) => e.cat === 'Node' && e.name?.endsWith('_kernel_time') && e.ts! >= run.ts! && e.ts! <= end,
  );
  return { run, kernels };
}

/** Sums the last run of every session's trace: one step of a trainer whose graphs are these sessions. */
export function stepProfile(traces: readonly (readonly TraceEvent[])[], deviceProvider: string): StepProfile {
  const byProvider: Record<string, number> = {};
  const cpuOps: Record<string, number> = {};
  const byOp: Record<string, number> = {};
  const countByOp: Record<string, number> = {};
  let kernels = 0;
  let copies = 0;
  let runMs = 0;
  let sessions = 0;
  const perSession: number[] = [];
  for (const trace of traces) {
    const last = lastRun(trace);
    if (last === null) continue;
    sessions++;
    perSession.push(last.kernels.length);
    runMs += last.run.dur! / 1000;
    for (const k of last.kernels) {
      const op = k.args?.op_name ?? '?';
      const provider = k.args?.provider ?? '?';
      kernels++;
      byProvider[provider] = (byProvider[provider] ?? 0) + 1;
      if (COPY_OPS.has(op)) copies++;
      else if (provider === 'CPUExecutionProvider' && deviceProvider !== provider)
        cpuOps[op] = (cpuOps[op] ?? 0) + 1;
      byOp[op] = (byOp[op] ?? 0) + (k.dur ?? 0) / 1000;
      countByOp[op] = (countByOp[op] ?? 0) + 1;
    }
  }
  const msByOpType = Object.fromEntries(
    Object.entries(byOp)
      .sort((a, b) => b[1] - a[1])
      .map(([op, ms]) => [op, Number(ms.toFixed(3))]),
  );
  const kernelsByOpType = Object.fromEntries(Object.entries(countByOp).sort((a, b) => b[1] - a[1]));
  return {
    sessions,
    kernelsPerSession: perSession,
    kernels,
    kernelsByProvider: byProvider,
    copies,
    cpuOps,
    msByOpType,
    kernelsByOpType,
    runMs: Number(runMs.toFixed(3)),
  };
}

/**
 * The traces in text that onnxruntime-web's WASM build printed: a session with profiling on prints its trace to
 * the console when released (it has no file system to write it to), a JSON array from a line "[" to a line "]".
 */
export function printedTraces(text: string): TraceEvent[][] {
  return [...text.matchAll(/^\[\n([\s\S]*?)^\]/gm)].map(
    (m) => JSON.parse(`[${m[1]!.trimEnd().replace(/,$/, '')}]`) as TraceEvent[],
  );
}
