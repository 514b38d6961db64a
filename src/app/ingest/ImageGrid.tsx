import { useShallow } from 'zustand/react/shallow';
import { orderedCards } from '../../state/slices/ingest';
import { ImageCardView } from './ImageCardView';
import { useStudioState } from '../studio-context';

/** All cards, in the order they came in. */
export function ImageGrid() {
  const cards = useStudioState(useShallow(orderedCards));
  if (cards.length === 0) {
    return (
      <p className="empty" data-testid="empty-grid">
        No images yet. Drop photos or a folder above, pick files, or paste an image.
      </p>
    );
  }
  return (
    <ul className="grid" data-testid="image-grid">
      {cards.map((card) => (
        <ImageCardView key={card.id} card={card} />
      ))}
    </ul>
  );
}
