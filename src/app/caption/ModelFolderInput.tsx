import { useEffect, useRef } from 'react';
import { errorSummary } from '../../lib/core/errors';
import type { ModelChoice } from '../../state/slices/settings';
import { saveModelFolder } from '../../state/persist/model-folders';

/** Reads a picked model folder into path → bytes, paths relative to the folder itself. */
async function readFolder(files: FileList): Promise<{ name: string; files: Record<string, Uint8Array> }> {
  const out: Record<string, Uint8Array> = {};
  let name = 'model';
  for (const file of Array.from(files)) {
    const [root, ...rest] = file.webkitRelativePath.split('/');
    name = root ?? name;
    if (rest.length === 0 || rest.some((part) => part.startsWith('.'))) continue;
    out[rest.join('/')] = new Uint8Array(await file.arrayBuffer());
  }
  return { name, files: out };
}

/**
 * "Use a local model folder…": saves the picked folder's files in IndexedDB, then makes it the model. The panel
 * shows the error (after the current model's line), so it is reported up, and cleared when a folder is picked.
 */
export function ModelFolderInput(props: {
  onUse: (model: ModelChoice) => void;
  onPicked: () => void;
  onError: (message: string) => void;
}) {
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not a React prop: set as an attribute so the browser's picker picks folders.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  return (
    <label className="button-like small">
      Use a local model folder…
      <input
        ref={folderInput}
        type="file"
        multiple
        data-testid="settings-folder-input"
        onChange={(event) => {
          const files = event.currentTarget.files;
          if (files === null || files.length === 0) return;
          props.onPicked();
          void readFolder(files)
            .then(async ({ name, files: bytes }) => {
              await saveModelFolder(name, bytes);
              props.onUse({ kind: 'folder', name, fileCount: Object.keys(bytes).length });
            })
            .catch((error: unknown) => props.onError(errorSummary(error).message));
        }}
      />
    </label>
  );
}
