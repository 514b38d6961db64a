/**
 * The page side of a browser benchmark (bench/lib/browser-bench.mjs drives it): a #status line the driver
 * relays, the photos of --data decoded to RGBA, and the window.__benchResult / __benchError hand-over.
 */

/** One decoded photo: RGBA bytes, usable as a student PixelImage and as an evidence RasterImage. */
export interface BenchPhoto {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 4;
  readonly data: Uint8Array;
}

export const status = (text: string): void => {
  const element = document.getElementById('status');
  if (element !== null) element.textContent = text;
};

/** `count` photos from /bench-images/ (the driver serves them), repeating the list when it is shorter. */
export async function loadBenchPhotos(count: number): Promise<BenchPhoto[]> {
  const names = (await (await fetch('/bench-images/list.json')).json()) as string[];
  if (names.length === 0) throw new Error('no bench images');
  const photos: BenchPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length] as string;
    const bitmap = await createImageBitmap(await (await fetch(`/bench-images/${name}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2D canvas');
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    photos.push({ name, width, height, channels: 4, data: new Uint8Array(data.buffer) });
  }
  return photos;
}

/** The WebGPU adapter this page gets, as 'vendor / architecture / ...' (null without one). */
export async function adapterName(): Promise<string | null> {
  const gpu = (
    navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }
  ).gpu;
  const adapter = await gpu?.requestAdapter();
  if (adapter === null || adapter === undefined) return null;
  const info = adapter.info ?? {};
  return [info['vendor'], info['architecture'], info['device'], info['description']]
    .filter(Boolean)
    .join(' / ');
}

/** Runs the benchmark and hands its result (or its error, with the stack) to the driver. */
export function runBench(bench: () => Promise<unknown>): void {
  bench()
    .then((result) => {
      Object.assign(window, { __benchResult: result });
      status('done');
    })
    .catch((error: unknown) => {
      const message =
        error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
      Object.assign(window, { __benchError: message });
      status(`failed: ${message}`);
    });
}
