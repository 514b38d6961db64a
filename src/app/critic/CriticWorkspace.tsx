import { useShallow } from 'zustand/react/shallow';
import type { CriticItem } from '../../lib/critic/records';
import { notBackedReason } from '../../lib/critic/records';
import { criticItemsInOrder } from '../../state/slices/critic';
import { useStudio, useStudioState } from '../studio-context';
import { CriticDetail } from './CriticDetail';
import { useCritic } from './use-critic';
import './critic.css';

const STATUS_TEXT: Record<CriticItem['status'], string> = {
  queued: 'Waiting',
  evidence: 'Gathering evidence',
  refining: 'Critiquing',
  done: 'Critiqued',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const score = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));

/** The queue view (every image the critic looked at, with progress and decisions) and the open critique. */
export function CriticWorkspace() {
  useCritic();
  const studio = useStudio();
  const items = useStudioState(useShallow(criticItemsInOrder));
  const selected = useStudioState((s) => s.critic.selected);
  const names = useStudioState((s) => s.cards);
  if (items.length === 0) return null;
  return (
    <section className="critic-workspace" aria-label="Critic">
      <table className="critic-queue" data-testid="critic-queue">
        <thead>
          <tr>
            <th>Image</th>
            <th>Status</th>
            <th>Score before → best</th>
            <th>Refined caption</th>
            <th>Decision</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr
              key={item.imageId}
              data-testid="critic-item"
              data-id={item.imageId}
              data-name={names[item.imageId]?.name ?? ''}
              data-status={item.status}
              data-decision={item.decision}
              data-backed={item.backed === undefined ? '' : String(item.backed)}
              className={item.imageId === selected ? 'selected' : ''}
            >
              <td>
                <button
                  type="button"
                  className="link-button"
                  data-testid="critic-item-open"
                  onClick={() => studio.store.getState().criticSelect(item.imageId)}
                >
                  {names[item.imageId]?.name ?? item.imageId.slice(0, 12)}
                </button>
              </td>
              <td data-testid="critic-item-status">{STATUS_TEXT[item.status]}</td>
              <td>
                {score(item.originalScore)} → {score(item.bestScore)}
              </td>
              <td data-testid="critic-item-refined">{item.refined ?? ''}</td>
              <td data-testid="critic-item-decision">
                {item.decision === 'pending' ? '' : item.decision}
                {item.backed === false && item.decision !== 'edited' && (
                  <span className="muted" data-testid="critic-item-not-backed" title={notBackedReason(item)}>
                    {item.decision === 'pending' ? '' : ' · '}not backed: not trained on
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected !== null && <CriticDetail key={selected} id={selected} />}
    </section>
  );
}
