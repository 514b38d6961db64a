import { useMemo, useState } from 'react';
import type { Evidence } from '../../lib/evidence/evidence';
import type { Box } from '../../lib/evidence/boxes';
import { useThumbnailCanvas } from '../ingest/use-thumbnail-canvas';

/** One box as drawn: where it came from decides its colour and which filters hide it. */
interface ShownBox {
  key: string;
  box: Box;
  label: string;
  source: 'fastestdet' | 'florence-od' | 'region' | 'grounding';
  zoom: number;
  score?: number;
}

const SOURCE_NAMES: Record<ShownBox['source'], string> = {
  fastestdet: 'Detector',
  'florence-od': 'Florence-2 objects',
  region: 'Region descriptions',
  grounding: 'Caption grounding',
};

function boxesOf(e: Evidence): ShownBox[] {
  const detections = e.detections.map((d, i) => ({
    key: `d${i}`,
    box: d.box,
    label: d.label === '' ? '(no label)' : d.label,
    source: d.source === 'florence-od' ? ('florence-od' as const) : ('fastestdet' as const),
    zoom: d.zoom,
    score: d.score,
  }));
  const regions = e.regions.map((r, i) => ({
    key: `r${i}`,
    box: r.box,
    label: r.text,
    source: 'region' as const,
    zoom: r.zoom,
  }));
  const grounding = (e.grounding?.phrases ?? []).map((g, i) => ({
    key: `g${i}`,
    box: g.box,
    label: g.phrase,
    source: 'grounding' as const,
    zoom: 1,
  }));
  return [...detections, ...regions, ...grounding];
}

/** The image's thumbnail, drawn once it is loaded from IndexedDB. */
function Picture({ id }: { id: string }) {
  const canvas = useThumbnailCanvas(id);
  return <canvas ref={canvas} className="evidence-picture" aria-hidden="true" />;
}

function toggle<T>(set: ReadonlySet<T>, value: T): Set<T> {
  const next = new Set(set);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return next;
}

/** Boxes and labels over the image, filterable by zoom level and source. Labels are text, never markup. */
export function EvidenceView({
  imageId,
  evidence,
  crops,
}: {
  imageId: string;
  evidence: Evidence;
  crops: number[];
}) {
  const all = useMemo(() => boxesOf(evidence), [evidence]);
  const [zooms, setZooms] = useState<ReadonlySet<number>>(() => new Set(crops));
  const [sources, setSources] = useState<ReadonlySet<ShownBox['source']>>(
    () => new Set(['fastestdet', 'florence-od']),
  );
  const shown = all.filter((b) => zooms.has(b.zoom) && sources.has(b.source));
  const W = evidence.imageWidth;
  const H = evidence.imageHeight;
  return (
    <div className="evidence-view">
      <div className="evidence-filters">
        <fieldset>
          <legend>Zoom</legend>
          {crops.map((z) => (
            <label key={z}>
              <input
                type="checkbox"
                data-testid={`evidence-filter-zoom-${z}`}
                checked={zooms.has(z)}
                onChange={() => setZooms((s) => toggle(s, z))}
              />
              {z === 1 ? 'whole image' : `${z}×${z}`}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Source</legend>
          {(Object.keys(SOURCE_NAMES) as ShownBox['source'][]).map((s) => (
            <label key={s}>
              <input
                type="checkbox"
                data-testid={`evidence-filter-source-${s}`}
                checked={sources.has(s)}
                onChange={() => setSources((set) => toggle(set, s))}
              />
              {SOURCE_NAMES[s]} ({all.filter((b) => b.source === s).length})
            </label>
          ))}
        </fieldset>
      </div>
      <div className="evidence-stage" data-testid="evidence-stage" data-shown={shown.length}>
        <Picture id={imageId} />
        {shown.map((b) => (
          <div
            key={b.key}
            className={`evidence-box source-${b.source}`}
            data-testid="evidence-box"
            data-source={b.source}
            data-zoom={b.zoom}
            data-label={b.label}
            style={{
              left: `${(100 * b.box.x1) / W}%`,
              top: `${(100 * b.box.y1) / H}%`,
              width: `${(100 * Math.max(0, b.box.x2 - b.box.x1)) / W}%`,
              height: `${(100 * Math.max(0, b.box.y2 - b.box.y1)) / H}%`,
            }}
          >
            <span className="evidence-label">
              {b.label}
              {b.score === undefined || b.source !== 'fastestdet' ? '' : ` ${b.score.toFixed(2)}`}
            </span>
          </div>
        ))}
      </div>
      <ul className="evidence-objects" data-testid="evidence-objects">
        {evidence.objects.map((o, i) => (
          <li key={i} data-testid="evidence-object" data-label={o.label}>
            {o.label === '' ? '(no label)' : o.label} · seen at zoom {o.zoomLevels.join(', ')} by{' '}
            {o.sources.join(' + ')}
          </li>
        ))}
      </ul>
      {evidence.detailedCaption !== null && (
        <p className="evidence-detailed" data-testid="evidence-detailed">
          Florence-2: {evidence.detailedCaption}
        </p>
      )}
    </div>
  );
}
