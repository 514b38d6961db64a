import { METRIC_LABELS as LABELS } from '../../lib/score/metric-labels';
import { METRIC_NAMES, type MetricName, type SplitValue } from '../../lib/score/round-metrics';
import type { RoundScores } from '../../state/slices/train';
import { extent, formatValue, linePath, linearScale, ticks } from './chart-math';

const W = 250;
const H = 130;
const M = { left: 36, right: 8, top: 10, bottom: 22 };

const GROUPS = ['all', 'simple', 'complex'] as const;

/** One small chart per metric: its value per round (before training, then after each round), split by group. */
export function RoundCharts({ scores, threshold }: { scores: readonly RoundScores[]; threshold: number }) {
  // `!= null`: summaries saved before a metric existed (PickScore) lack it.
  const metrics = METRIC_NAMES.filter((m) => scores.some((s) => s.summary[m] != null));
  if (metrics.length === 0) {
    return (
      <p className="empty chart-empty" data-testid="round-charts-empty">
        Scores per round appear here: the critic's (once the teacher has looked at the images), CHAIR (with
        COCO annotations imported), CLIPScore and PickScore (each with its model loaded).
      </p>
    );
  }
  return (
    <div className="round-charts" data-testid="round-charts">
      {metrics.map((metric) => (
        <MetricChart key={metric} metric={metric} scores={scores} />
      ))}
      <p className="chart-legend">
        <span className="swatch group-all" /> all <span className="swatch group-simple" /> simple (≤{' '}
        {threshold} objects) <span className="swatch group-complex" /> complex
      </p>
    </div>
  );
}

function MetricChart({ metric, scores }: { metric: MetricName; scores: readonly RoundScores[] }) {
  const rows = scores.map((s) => ({
    round: s.round,
    value: (s.summary[metric] ?? null) as SplitValue | null,
  }));
  const values = rows
    .flatMap((r) => (r.value ? GROUPS.map((g) => r.value![g]) : []))
    .filter((v): v is number => v !== null);
  const [lo, hi] = extent(values, 0.15);
  const x = linearScale([0, Math.max(1, rows.length - 1)], [M.left + 8, W - M.right - 8]);
  const y = linearScale([lo, hi], [H - M.bottom, M.top]);
  const label = LABELS[metric];
  const latest = rows.at(-1)?.value?.all;
  return (
    <figure className="chart small" data-testid={`round-chart-${metric}`} data-latest={latest ?? ''}>
      <figcaption>
        {label.title} <span className="muted">({label.better} is better)</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label.title} per round`}>
        {ticks(lo, hi, 3).map((t) => (
          <g key={t} className="tick">
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text x={M.left - 4} y={y(t) + 4} textAnchor="end">
              {formatValue(t)}
            </text>
          </g>
        ))}
        {rows.map((r, i) => (
          <text key={r.round} className="tick" x={x(i)} y={H - 6} textAnchor="middle">
            {r.round < 0 ? 'before' : `r${r.round + 1}`}
          </text>
        ))}
        {GROUPS.map((g) => {
          const pts = rows.map((r, i) => ({ x: x(i), y: r.value?.[g] == null ? null : y(r.value[g]!) }));
          return (
            <g key={g} className={`group-${g}`}>
              <path d={linePath(pts)} />
              {pts.map((p, i) => (p.y === null ? null : <circle key={i} cx={p.x} cy={p.y} r={2.5} />))}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
