import { createStore, get, set } from 'idb-keyval';

/**
 * Files of user-picked model folders, kept in IndexedDB by folder name so the choice survives a reload
 * (the folder handle itself cannot be kept without asking for permission again).
 */
const folders = createStore('capgrad-models', 'folders');

export async function saveModelFolder(name: string, files: Record<string, Uint8Array>): Promise<void> {
  await set(`folder/${name}`, files, folders);
}

export async function loadModelFolder(name: string): Promise<Record<string, Uint8Array>> {
  const files = await get<Record<string, Uint8Array>>(`folder/${name}`, folders);
  if (files === undefined) {
    throw new ModelFolderMissingError(
      `The model folder "${name}" is no longer stored. Pick it again in Settings.`,
    );
  }
  return files;
}

export class ModelFolderMissingError extends Error {
  override readonly name = 'ModelFolderMissingError';
}
