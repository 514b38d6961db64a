import { useEffect, useRef, useState, type DragEvent } from 'react';
import { errorSummary } from '../../lib/core/errors';
import type { Studio } from '../../flows/studio';
import { loadSampleScenes, SAMPLE_SCENES_PATH } from '../../flows/ingest/sample-scenes';
import { collectFiles, filesFromInput, snapshotItems, type DroppedRoot } from './collect-files';
import { useStudio } from '../studio-context';
import { useTraining } from '../train/training-context';

/** Handed over while still being collected, so the studio counts the drop as work from now on. */
function take(studio: Studio, roots: DroppedRoot[]): void {
  if (roots.length > 0) void studio.addFiles(collectFiles(roots));
}

/**
 * Where images come in: drag and drop of files and whole folders, the file and folder pickers, and paste
 * anywhere on the page.
 */
export function DropZone() {
  const studio = useStudio();
  const training = useTraining();
  const [over, setOver] = useState(false);
  const [samples, setSamples] = useState<{ loading: boolean; error: string | null }>({
    loading: false,
    error: null,
  });
  const folderInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // Not a React prop: the attribute that turns the picker into a folder picker.
    folderInput.current?.setAttribute('webkitdirectory', '');
    const onPaste = (event: ClipboardEvent): void => {
      if (event.clipboardData === null) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable="true"]')) return; // pasting text into a field
      const roots = snapshotItems(event.clipboardData);
      if (roots.length === 0) return;
      event.preventDefault();
      take(studio, roots);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [studio]);

  const loadSamples = async (): Promise<void> => {
    setSamples({ loading: true, error: null });
    try {
      await loadSampleScenes({
        baseUrl: `${location.origin}${SAMPLE_SCENES_PATH}`,
        fetch: (url) => fetch(url),
        addFiles: (files) => studio.addFiles(files),
        importCoco: (fileName, text) => training.importCoco(fileName, text),
      });
      setSamples({ loading: false, error: null });
    } catch (error) {
      const { name, message } = errorSummary(error);
      setSamples({ loading: false, error: `${name}: ${message}` });
    }
  };

  const onDrop = (event: DragEvent<HTMLElement>): void => {
    event.preventDefault();
    setOver(false);
    take(studio, snapshotItems(event.dataTransfer));
  };

  return (
    <section
      className={`drop-zone${over ? ' drop-over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      aria-label="Drop images or folders here"
    >
      <p className="drop-title">Drop photos or whole folders here</p>
      <p className="drop-hint">
        or{' '}
        <label className="button-like">
          choose files
          <input
            type="file"
            multiple
            accept="image/*,.heic,.heif"
            data-testid="file-input"
            onChange={(event) => {
              const files = filesFromInput(event.currentTarget.files ?? []);
              event.currentTarget.value = '';
              void studio.addFiles(files);
            }}
          />
        </label>{' '}
        <label className="button-like">
          choose a folder
          <input
            ref={folderInput}
            type="file"
            multiple
            data-testid="folder-input"
            onChange={(event) => {
              const files = filesFromInput(event.currentTarget.files ?? []);
              event.currentTarget.value = '';
              void studio.addFiles(files);
            }}
          />
        </label>{' '}
        or paste an image (Ctrl+V).
      </p>
      <p className="drop-hint">
        No photos at hand?{' '}
        <button
          type="button"
          className="small"
          data-testid="load-samples"
          disabled={samples.loading}
          onClick={() => void loadSamples()}
        >
          {samples.loading ? 'Loading sample scenes…' : 'Load sample scenes'}
        </button>{' '}
        — composed test scenes with their ground truth (imported for CHAIR), the world the offline student was
        trained on.
      </p>
      {samples.error && (
        <p className="card-error" role="alert" data-testid="samples-error">
          {samples.error}
        </p>
      )}
    </section>
  );
}
