import { memo } from 'react';
import type { ImageCard } from '../../state/slices/ingest';
import { formatBytes } from '../format';
import { useStudio, useStudioState } from '../studio-context';
import { useThumbnailCanvas } from './use-thumbnail-canvas';

const STATUS_TEXT: Record<ImageCard['status'], string> = {
  ingesting: 'Reading…',
  queued: 'Waiting',
  captioning: 'Captioning',
  captioned: 'Captioned',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Draws the stored thumbnail once the image is ingested (`ready`); a bad file gets a mark instead. */
function Thumbnail({ id, failed, ready }: { id: string; failed: boolean; ready: boolean }) {
  const canvas = useThumbnailCanvas(id, !failed && ready);
  return failed ? (
    <div className="thumb thumb-failed" aria-hidden="true">
      !
    </div>
  ) : (
    <canvas ref={canvas} className="thumb" data-testid="card-thumbnail" aria-hidden="true" />
  );
}

function CardProgress({ id }: { id: string }) {
  const progress = useStudioState((s) => s.progress[id]);
  if (progress === undefined) return null;
  const fraction =
    progress.stage === 'finished' ? 1 : progress.generatedTokens / Math.max(1, progress.maxNewTokens);
  return (
    <div className="card-progress" data-testid="card-progress" data-stage={progress.stage}>
      <progress max={1} value={fraction} />
      <span>
        {progress.stage}{' '}
        {progress.stage === 'decoding' ? `${progress.generatedTokens}/${progress.maxNewTokens}` : ''}
      </span>
    </div>
  );
}

/** A dropped folder's files are named by their path: the card shows the file name, the folder below it. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
function folderOf(path: string): string | null {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? null : path.slice(0, slash);
}

/** One image: thumbnail, name, size, status, then its caption or its error, as plain text. */
export const ImageCardView = memo(function ImageCardView({ card }: { card: ImageCard }) {
  const studio = useStudio();
  const removable = card.status !== 'captioning' && card.status !== 'ingesting';
  return (
    <li
      className={`card card-${card.status}`}
      data-testid="image-card"
      data-id={card.id}
      data-name={card.name}
      data-status={card.status}
      data-saved={String(card.saved)}
    >
      <Thumbnail
        id={card.id}
        failed={card.status === 'failed' && card.width === undefined}
        ready={card.width !== undefined}
      />
      <div className="card-body">
        <div className="card-head">
          <span className="card-name" data-testid="card-name" title={card.name}>
            {baseName(card.name)}
          </span>
          <span className={`status status-${card.status}`} data-testid="card-status">
            {STATUS_TEXT[card.status]}
          </span>
        </div>
        <div className="card-meta" data-testid="card-size">
          {formatBytes(card.byteLength)}
          {card.width !== undefined && card.height !== undefined ? ` · ${card.width}×${card.height}` : ''}
          {folderOf(card.name) === null ? '' : ` · in ${folderOf(card.name)}/`}
          {card.saved || card.status === 'ingesting' ? '' : ' · not saved'}
        </div>
        {card.status === 'captioning' && <CardProgress id={card.id} />}
        {card.caption !== undefined && (
          <p className="caption" data-testid="card-caption">
            {card.caption}
          </p>
        )}
        {card.error !== undefined && (
          <p className="card-error" data-testid="card-error" data-error-name={card.error.name} role="alert">
            {card.error.message}
          </p>
        )}
        {card.warnings.length > 0 && (
          <ul className="card-warnings" data-testid="card-warnings">
            {card.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        )}
        {removable && (
          <button
            type="button"
            className="link-button card-remove"
            data-testid="card-remove"
            onClick={() => void studio.remove(card.id)}
            aria-label={`Remove ${card.name}`}
          >
            Remove
          </button>
        )}
      </div>
    </li>
  );
});
