import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { Studio } from '../state/pipeline/studio';
import { collectFiles, filesFromInput, snapshotItems, type DroppedRoot } from './drop/collect-files';
import { useStudio } from './studio-context';

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
  const [over, setOver] = useState(false);
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
    </section>
  );
}
