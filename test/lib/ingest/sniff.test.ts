import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../../src/lib/ingest';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const ftyp = (major: string, ...compatible: string[]) => {
  const body = major + '\0\0\0\0' + compatible.join('');
  return bytes([0, 0, 0, 8 + body.length], 'ftyp', body);
};

describe('sniffFormat', () => {
  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a])],
    ['gif', bytes('GIF89a')],
    ['gif', bytes('GIF87a')],
    ['webp', bytes('RIFF', [1, 0, 0, 0], 'WEBPVP8 ')],
    ['bmp', bytes('BM', new Array(12).fill(0), [40, 0, 0, 0], new Array(10).fill(0))],
    ['avif', ftyp('avif', 'mif1', 'miaf')],
    ['avif', ftyp('mif1', 'avif', 'miaf')],
    ['ico', bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0])],
  ])('recognizes %s from its magic bytes', (format, b) => {
    expect(sniffFormat(b)).toMatchObject({ kind: 'image', format });
  });

  it.each([
    ['HEIC', ftyp('heic', 'mif1', 'heic')],
    ['HEIC', ftyp('mif1', 'heic')],
    ['HEIF', ftyp('mif1', 'miaf')],
    ['TIFF', bytes('II', [42, 0, 8, 0, 0, 0])],
    ['TIFF', bytes('MM', [0, 42, 0, 0, 0, 8])],
    ['JPEG XL', bytes([0xff, 0x0a, 0, 0])],
    ['Photoshop (PSD)', bytes('8BPS', [0, 1])],
    ['SVG', bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
  ])('names the unsupported format %s', (format, b) => {
    expect(sniffFormat(b)).toMatchObject({ kind: 'unsupported', format });
  });

  it.each([
    ['text file', bytes('hello, this is a caption list\nline two\n')],
    ['PDF document', bytes('%PDF-1.7\n')],
    ['ZIP archive', bytes('PK', [3, 4, 20, 0])],
    ['video file', ftyp('isom', 'iso2', 'mp41')],
    [undefined, bytes([0, 1, 2, 3, 0, 0, 200, 7])],
  ])('says what a non-image is (%s)', (detected, b) => {
    expect(sniffFormat(b)).toEqual({ kind: 'not-image', ...(detected && { detected }) });
  });
});
