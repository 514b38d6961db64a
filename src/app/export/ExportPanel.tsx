import { useState } from 'react';
import { errorSummary } from '../../lib/core/errors';
import { useStudioState } from '../studio-context';
import { PreferenceScorers } from '../train/PreferenceScorers';
import { useTraining } from '../train/training-context';

/**
 * Export the tuned student and the captions; import COCO annotations for CHAIR; load the models of the
 * preference scores (CLIPScore, PickScore).
 */
export function ExportPanel() {
  const training = useTraining();
  const active = useStudioState((s) => s.training.active);
  const coco = useStudioState((s) => s.training.coco);
  const busy = useStudioState((s) => ['running', 'pausing', 'stopping'].includes(s.training.status));
  const [exporting, setExporting] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

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
      <PreferenceScorers />
    </section>
  );
}
