import { formatBytes } from '../format';
import { useStudioState } from '../studio-context';
import { formatValue } from './chart-math';
import { roundScoreText } from './score-labels';
import { useTraining } from './training-context';
import { isTrainingBusy } from './training-status';

/** Checkpoints in IndexedDB, newest first, with their round's scores; roll back to one, delete old ones. */
export function CheckpointList() {
  const { controller } = useTraining();
  const rows = useStudioState((s) => s.training.checkpoints);
  const active = useStudioState((s) => s.training.active);
  const scores = useStudioState((s) => s.training.scores);
  const storage = useStudioState((s) => s.training.storage);
  const busy = useStudioState((s) => isTrainingBusy(s.training.status));
  const total = rows.reduce((n, r) => n + r.byteLength, 0);
  const sorted = [...rows].sort((a, b) => b.createdAt - a.createdAt);
  return (
    <section className="checkpoints" aria-label="Checkpoints">
      <h3>Checkpoints</h3>
      <p className="muted" data-testid="checkpoint-storage" data-bytes={total}>
        {rows.length} stored, {formatBytes(total)}
        {storage ? ` · this site uses ${formatBytes(storage.usage)} of ${formatBytes(storage.quota)}` : ''}
      </p>
      {sorted.length === 0 ? (
        <p className="empty">Checkpoints are written every N steps and at the end of each round.</p>
      ) : (
        <table className="checkpoint-table" data-testid="checkpoint-list">
          <thead>
            <tr>
              <th>Round</th>
              <th>Step</th>
              <th>Loss</th>
              <th>Round scores</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => {
              const summary =
                r.kind === 'round-end' ? scores.find((s) => s.round === r.round)?.summary : undefined;
              const roundText = roundScoreText(summary);
              return (
                <tr
                  key={r.id}
                  data-testid="checkpoint-row"
                  data-id={r.id}
                  data-step={r.step}
                  data-kind={r.kind}
                  data-active={r.id === active}
                  className={r.id === active ? 'active' : undefined}
                >
                  <td>
                    {r.round + 1}
                    {r.kind === 'round-end' ? ' (end)' : ''}
                  </td>
                  <td>{r.step}</td>
                  <td>{r.loss === null ? '–' : formatValue(r.loss)}</td>
                  <td>{roundText || '–'}</td>
                  <td>{formatBytes(r.byteLength)}</td>
                  <td className="row-actions">
                    {r.id === active ? (
                      <span className="muted">in use</span>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="small"
                          disabled={busy}
                          onClick={() => void controller.rollBack(r.id)}
                        >
                          Roll back
                        </button>
                        <button
                          type="button"
                          className="small"
                          data-testid="checkpoint-delete"
                          onClick={() => void controller.deleteCheckpoint(r.id)}
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
