import { useMemo } from 'react';
import { lossSeries, type LossPoint } from '../../state/slices/train';
import { autoWeight, extent, formatValue, linePath, linearScale, smooth, ticks } from './chart-math';

const W = 520;
const H = 200;
const M = { left: 44, right: 12, top: 12, bottom: 28 };

/** Training loss per step (thin) with its smoothed line (thick); rounds separated by dashed lines. */
export function LossChart({ losses }: { losses: readonly LossPoint[] }) {
  const series = useMemo(() => lossSeries(losses), [losses]);
  const smoothed = useMemo(
    () =>
      smooth(
        series.map((p) => p.loss),
        autoWeight(series.length),
      ),
    [series],
  );
  const first = series[0]?.loss;
  const last = smoothed.at(-1);
  if (series.length === 0) {
    return (
      <p className="empty chart-empty" data-testid="loss-chart-empty">
        The loss appears here, step by step, once training starts.
      </p>
    );
  }
  const x = linearScale([1, Math.max(2, series.length)], [M.left, W - M.right]);
  const [lo, hi] = extent(series.map((p) => p.loss));
  const y = linearScale([lo, hi], [H - M.bottom, M.top]);
  const roundStarts = series.filter((p, i) => i > 0 && p.round !== series[i - 1]!.round);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label="Training loss per step"
        data-testid="loss-chart"
        data-points={series.length}
        data-first-loss={first}
        data-last-smoothed={last}
      >
        {ticks(lo, hi).map((t) => (
          <g key={`y${t}`} className="tick">
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text x={M.left - 6} y={y(t) + 4} textAnchor="end">
              {formatValue(t)}
            </text>
          </g>
        ))}
        {ticks(1, series.length, 5)
          .filter(Number.isInteger)
          .map((t) => (
            <text key={`x${t}`} className="tick" x={x(t)} y={H - 8} textAnchor="middle">
              {t}
            </text>
          ))}
        {roundStarts.map((p) => (
          <line
            key={`r${p.x}`}
            className="round-divider"
            x1={x(p.x)}
            x2={x(p.x)}
            y1={M.top}
            y2={H - M.bottom}
          />
        ))}
        <path className="loss-raw" d={linePath(series.map((p) => ({ x: x(p.x), y: y(p.loss) })))} />
        <path
          className="loss-smooth"
          data-testid="loss-smooth"
          d={linePath(smoothed.map((v, i) => ({ x: x(series[i]!.x), y: y(v) })))}
        />
        {series.length <= 60 &&
          series.map((p) => <circle key={p.x} className="loss-dot" cx={x(p.x)} cy={y(p.loss)} r={2} />)}
      </svg>
      <figcaption>
        Loss per step ({series.length} steps): {first !== undefined ? formatValue(first) : '–'} →{' '}
        {last !== undefined ? formatValue(last) : '–'} smoothed
      </figcaption>
    </figure>
  );
}
