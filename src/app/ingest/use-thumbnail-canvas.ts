import { useEffect, useRef } from 'react';
import { useStudio } from '../studio-context';

/**
 * A ref for a canvas that gets the image's stored thumbnail drawn into it, at the thumbnail's size, once it is
 * loaded from IndexedDB (then the canvas carries data-drawn="true"). Nothing is drawn while `enabled` is false.
 */
export function useThumbnailCanvas(id: string, enabled = true) {
  const studio = useStudio();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    void studio.thumbnail(id).then((thumb) => {
      const target = canvas.current;
      if (!live || thumb === undefined || target === null) return;
      target.width = thumb.width;
      target.height = thumb.height;
      // A copy: ImageData wants its own plain ArrayBuffer (the stored one may be shared or a view).
      const pixels = new Uint8ClampedArray(thumb.data);
      target.getContext('2d')?.putImageData(new ImageData(pixels, thumb.width, thumb.height), 0, 0);
      target.dataset['drawn'] = 'true';
    });
    return () => {
      live = false;
    };
  }, [studio, id, enabled]);
  return canvas;
}
