import { useStudioState } from '../studio-context';
import type { CaptionScores } from '../../lib/score/caption-scores';
import { captionScoreText } from './score-labels';

function Scores({ scores }: { scores: CaptionScores | undefined }) {
  const text = captionScoreText(scores);
  return text === '' ? null : <span className="scores">{text}</span>;
}

/** Per image: the student's caption before training, the refined target, the tuned student's caption. */
export function BeforeAfter() {
  const order = useStudioState((s) => s.order);
  const cards = useStudioState((s) => s.cards);
  const images = useStudioState((s) => s.training.images);
  const rows = order.filter((id) => images[id] !== undefined);
  if (rows.length === 0) return null;
  return (
    <section aria-label="Before and after">
      <h3>Before and after</h3>
      <table className="before-after" data-testid="before-after">
        <thead>
          <tr>
            <th>Image</th>
            <th>Before training</th>
            <th>Refined target</th>
            <th>Tuned student</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((id) => {
            const o = images[id]!;
            return (
              <tr key={id} data-testid="before-after-row" data-name={cards[id]?.name ?? id}>
                <td className="name">
                  {cards[id]?.name ?? id.slice(0, 12)}
                  {o.objectCount !== undefined && <span className="muted"> · {o.objectCount} objects</span>}
                </td>
                <td data-testid="ba-original">
                  {o.original ?? '–'} <Scores scores={o.originalScores} />
                </td>
                <td data-testid="ba-target">
                  {o.target ?? '–'} <Scores scores={o.targetScores} />
                </td>
                <td data-testid="ba-tuned">
                  {o.tuned ?? '–'} <Scores scores={o.tunedScores} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
