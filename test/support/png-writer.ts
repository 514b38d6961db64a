import { deflateSync } from 'node:zlib';
import { crc32 } from '../../src/lib/ingest';

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * A plain PNG written by hand, for layouts sharp cannot produce from raw input (16-bit samples):
 * big-endian samples, filter 0 on every row.
 */
export function writePng(
  width: number,
  height: number,
  colorType: 0 | 2 | 4 | 6,
  bitDepth: 8 | 16,
  samples: ArrayLike<number>,
): Buffer {
  const channels = CHANNELS[colorType]!;
  const bytesPerSample = bitDepth / 8;
  const stride = width * channels * bytesPerSample;
  const raw = Buffer.alloc(height * (1 + stride));
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) {
      const value = samples[y * width * channels + i]!;
      const at = y * (1 + stride) + 1 + i * bytesPerSample;
      if (bitDepth === 16) raw.writeUInt16BE(value, at);
      else raw[at] = value;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}
