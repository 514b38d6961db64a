import type { RoundScores } from '../../state/slices/train';
import { METRIC_LABELS } from '../../lib/score/metric-labels';
import { formatValue } from './chart-math';
import { GROUND_TRUTH_GROUPS, GROUND_TRUTH_METRICS, groundTruthRows } from './ground-truth-table';

/** CHAIR-i, CHAIR-s and object recall per round, simple and complex images apart (ground truth only). */
export function GroundTruthTable({
  scores,
  threshold,
}: {
  scores: readonly RoundScores[];
  threshold: number;
}) {
  const rows = groundTruthRows(scores);
  if (rows.length === 0) return null;
  return (
    <section aria-label="Against the ground truth">
      <h3>Against the ground truth</h3>
      <table className="ground-truth" data-testid="ground-truth-table">
        <thead>
          <tr>
            <th rowSpan={2}>Captions</th>
            {GROUND_TRUTH_METRICS.map((m) => (
              <th key={m} colSpan={GROUND_TRUTH_GROUPS.length}>
                {METRIC_LABELS[m].title} <span className="muted">({METRIC_LABELS[m].better} is better)</span>
              </th>
            ))}
          </tr>
          <tr>
            {GROUND_TRUTH_METRICS.flatMap((m) =>
              GROUND_TRUTH_GROUPS.map((g) => (
                <th key={`${m}-${g}`}>{g === 'simple' ? `simple (≤ ${threshold})` : g}</th>
              )),
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} data-testid="ground-truth-row">
              <td>{r.label}</td>
              {r.cells.map((v, i) => (
                <td key={i}>{v === null ? '–' : formatValue(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
