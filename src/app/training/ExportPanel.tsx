import { useState } from 'react';
import { errorSummary } from '../../state/bridge/errors';
import { useStudioState } from '../studio-context';
import { useTraining } from './training-context';

const DEFAULT_CLIP = 'Xenova/clip-vit-base-patch32';

/** Export the tuned student and the captions; import COCO annotations for CHAIR; load a CLIP model for CLIPScore. */
export function ExportPanel() {
  const training = useTraining();
  const active = useStudioState((s) => s.training.active);
  const coco = useStudioState((s) => s.training.coco);
  const clip = useStudioState((s) => s.training.clip);
  const busy = useStudioState((s) => ['running', 'pausing', 'stopping'].includes(s.training.status));
  const [exporting, setExporting] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [clipId, setClipId] = useState(DEFAULT_CLIP);

  const exportZip = async () => {
    setExporting(true);
    setMessage(null);
    try {
      const { zip, fileName } = await training.exportZip();
      const url = URL.createObjectURL(
        new Blob(zip.chunks as readonly Uint8Array<ArrayBuffer>[] as Uint8Array<ArrayBuffer>[], {
          type: 'application/zip',
        }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.dataset['testid'] = 'export-link';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setMessage(`${fileName} (${(zip.byteLength / 1e6).toFixed(1)} MB)`);
    } catch (error) {
      const { name, message: text } = errorSummary(error);
      setMessage(`${name}: ${text}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="export-panel" aria-label="Export and metrics">
      <div className="buttons">
        <button
          type="button"
          data-testid="export-button"
          disabled={!active || busy || exporting}
          onClick={() => void exportZip()}
        >
          {exporting ? 'Exporting…' : 'Export tuned model + captions (zip)'}
        </button>
        <label className="button-like small" data-testid="coco-import">
          Import COCO annotations…
          <input
            type="file"
            accept=".json,application/json"
            data-testid="coco-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then((text) => training.importCoco(file.name, text));
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {message && (
        <p className="muted" data-testid="export-message">
          {message}
        </p>
      )}
      {coco && (
        <p className="muted" data-testid="coco-summary" data-matched={Object.keys(coco.matches).length}>
          COCO annotations from {coco.fileName}: {Object.keys(coco.matches).length} of your images matched (
          {coco.annotatedImages} annotated in the file)
          {coco.synonyms === 'category-names' ? ', category names only (no synonym list)' : ''}.
        </p>
      )}
      <div className="clip-row">
        <input
          aria-label="CLIP model id"
          data-testid="clip-model"
          value={clipId}
          onChange={(e) => setClipId(e.target.value)}
          disabled={clip.status === 'loading'}
        />
        <button
          type="button"
          className="small"
          data-testid="clip-load"
          disabled={clip.status === 'loading'}
          onClick={() => void training.loadClip(clipId.trim())}
          title="Optional download: Xenova/clip-vit-base-patch32 is about 600 MB in fp32"
        >
          {clip.status === 'loading' ? 'Loading…' : 'Load CLIP for CLIPScore'}
        </button>
        <span className="muted" data-testid="clip-status" data-status={clip.status}>
          {clip.status === 'ready'
            ? `${clip.modelId} loaded`
            : clip.status === 'error'
              ? clip.error?.message
              : ''}
        </span>
      </div>
    </section>
  );
}
