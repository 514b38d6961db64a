/** Formats the studio decodes (through the platform decoder). */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'ico';

/** EXIF orientation, 1 = as stored. 5–8 swap width and height. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export type ColorType = 'gray' | 'gray-alpha' | 'rgb' | 'rgba' | 'palette' | 'cmyk' | 'ycck' | 'ycbcr';

/** Header facts, found without decoding a pixel. */
export interface ImageInfo {
  bitDepth: number;
  colorType: ColorType;
  hasAlpha: boolean;
  animated: boolean;
  /** Number of frames when known (GIF counts them; 1 for still formats). */
  frameCount: number;
  progressive?: boolean;
  /** JPEG: an Adobe APP14 segment is present (CMYK files from Photoshop carry one). */
  adobe?: boolean;
}

export interface ImageHeader {
  format: ImageFormat;
  mime: string;
  /** As stored, before orientation. */
  width: number;
  height: number;
  orientation: Orientation;
  info: ImageInfo;
  /** Things the person should know that do not stop the import (e.g. a GIF cut after its first frame). */
  warnings?: string[];
}

/** 8-bit RGBA, row-major; the one pixel layout the rest of the studio sees. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Size {
  width: number;
  height: number;
}
