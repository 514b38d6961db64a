/**
 * The arithmetic of the plain-SVG charts: exponential smoothing of the loss (bias-corrected, as TensorBoard
 * draws it), linear scales, round tick values, and SVG path data. No DOM here.
 */

/** Bias-corrected exponential moving average: early points are not pulled toward 0. weight in [0, 1). */
export function smooth(values: readonly number[], weight: number): number[] {
  let last = 0;
  let debias = 1;
  return values.map((v) => {
    last = last * weight + (1 - weight) * v;
    debias *= weight;
    return last / (1 - debias);
  });
}

/** Smoothing weight that suits a curve of n points (more points, smoother), as a person would set it. */
export function autoWeight(n: number): number {
  return n < 8 ? 0.3 : Math.min(0.95, 1 - 4 / n);
}

export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const f = ((v: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0))) as Scale;
  return Object.assign(f, { domain });
}

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 4): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

/** [min, max] of the finite values, padded by `pad` of the span (a flat series gets ±pad·|v| or ±1). */
export function extent(values: readonly number[], pad = 0.05): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * pad, hi + span * pad];
}

/** SVG path data through the points; a null y breaks the line. */
export function linePath(points: readonly { x: number; y: number | null }[]): string {
  let d = '';
  let pen = false;
  for (const { x, y } of points) {
    if (y === null || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** A number for an axis or a table: 3 significant digits, no exponent for ordinary sizes. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1000 || abs < 0.001) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}
