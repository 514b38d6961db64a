/** SHA-256 of the bytes as 64 lowercase hex digits. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** An image's id is the hash of its file bytes: the same file dropped twice is one item. */
export const imageId = (fileBytes: Uint8Array): Promise<string> => sha256Hex(fileBytes);
