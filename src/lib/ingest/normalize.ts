import type { DecodedPixels } from './decoder';
import type { RgbaImage } from './types';

const WHITE = 255;

/** 16-bit sample to 8-bit, rounded (65535 / 255 = 257 exactly). */
const to8 = (v: number) => Math.round(v / 257);

/**
 * Any decoded layout to opaque 8-bit RGBA: 16-bit samples reduced, gray expanded to RGB, and alpha
 * composited on white. The models take RGB; the colour under a transparent pixel is undefined
 * (often black), so white, which is what a person sees on a page, gives captions of what they see.
 */
export function normalizePixels(decoded: DecodedPixels): RgbaImage {
  const { width, height, channels, data } = decoded;
  const count = width * height;
  if (data.length !== count * channels) {
    throw new RangeError(`decoder returned ${data.length} samples for ${width}×${height}×${channels}`);
  }
  const wide = data instanceof Uint16Array;
  const out = new Uint8Array(count * 4);
  const hasAlpha = channels === 2 || channels === 4;
  const colorChannels = hasAlpha ? channels - 1 : channels;
  for (let i = 0; i < count; i++) {
    const at = i * channels;
    const sample = (k: number) => (wide ? to8(data[at + k]!) : data[at + k]!);
    const r = sample(0);
    const g = colorChannels === 3 ? sample(1) : r;
    const b = colorChannels === 3 ? sample(2) : r;
    const a = hasAlpha ? sample(channels - 1) : 255;
    const o = i * 4;
    if (a === 255) {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    } else {
      out[o] = Math.round((r * a + WHITE * (255 - a)) / 255);
      out[o + 1] = Math.round((g * a + WHITE * (255 - a)) / 255);
      out[o + 2] = Math.round((b * a + WHITE * (255 - a)) / 255);
    }
    out[o + 3] = 255;
  }
  return { width, height, data: out };
}

/**
 * Whether any decoded pixel is less than opaque. A header can only say that transparency is possible (an alpha
 * channel, a GIF's transparent colour); an animated GIF's first frame, the one used, is often fully opaque.
 */
export function hasTransparentPixel(decoded: DecodedPixels): boolean {
  const { channels, data } = decoded;
  if (channels !== 2 && channels !== 4) return false;
  const opaque = data instanceof Uint16Array ? 65535 : 255;
  for (let i = channels - 1; i < data.length; i += channels) if (data[i]! < opaque) return true;
  return false;
}
