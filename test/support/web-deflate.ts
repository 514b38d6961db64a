/**
 * Raw DEFLATE the browser's way (src/lib/export/README.md), which Node 20 has too: CompressionStream and
 * DecompressionStream('deflate-raw'). For tests and e2e checks that must read or write zips as the studio does.
 */
export const webDeflateRaw = async (data: Uint8Array) =>
  new Uint8Array(
    await new Response(
      new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw')),
    ).arrayBuffer(),
  );

export const webInflateRaw = async (data: Uint8Array) =>
  new Uint8Array(
    await new Response(
      new Blob([data as Uint8Array<ArrayBuffer>])
        .stream()
        .pipeThrough(new DecompressionStream('deflate-raw')),
    ).arrayBuffer(),
  );
