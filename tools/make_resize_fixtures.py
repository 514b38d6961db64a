#!/usr/bin/env python3
"""Independent references for the studio's two downscaling resizes, from OpenCV.

The studio resizes pixels itself in two places, and each claims a different reference:

- src/lib/ingest/resize.ts `resizeAreaAverage` (import: the final resize to the planned size, and the
  thumbnails) is an exact box filter: each output pixel is the average of the source pixels it covers,
  partly covered ones weighted by the covered fraction. That is OpenCV's INTER_AREA for downscaling
  (computeResizeAreaTab: fractional edge weights). It is *not* PIL's BOX filter, which includes a source
  pixel wholly or not at all by where its centre falls, nor PIL's BILINEAR, which widens a triangle filter
  on downscale; both differ from an area average at non-integer factors.
- src/lib/evidence/fastestdet/fastestdet-codec.ts `writeFastestDetInput` is FastestDet's own preprocessing,
  cv2.resize(img, (352, 352), interpolation=cv2.INTER_LINEAR): two-tap bilinear at
  src = (dst + 0.5) * scale - 0.5, clamped at the edges, with no antialiasing on downscale. Its reference
  is OpenCV's INTER_LINEAR, not PIL's BILINEAR (which antialiases).

Inputs are small synthetic images (a gradient per channel blended with integer-hash noise) whose pixels
both this script and the TypeScript tests compute from the same integer formula (`source_pixels` here,
test/support/resize-fixtures.ts there), so no input image is committed; the manifest keeps a checksum of
every input so that a drift between the two generators fails loudly instead of as a resize mismatch.

References are computed by OpenCV on float64 copies of the uint8 inputs, so they are the exact (unrounded)
average or interpolation, and stored as round(value * 256) in uint16 (quantisation <= 1/512 of a level).
For the record the script also prints how far OpenCV's own uint8 paths (fixed-point weights, one
rounding) and PIL's BOX filter are from those exact values.

Layout written to test/fixtures/resize/: manifest.json (cases, input recipe, checksum, output shape and
offset into the .bin) and references.bin (all outputs, uint16 little-endian, concatenated; each output is
rows x columns x channels, channels in the source's order; a bilinear case keeps only every `step`-th
row and column of its output).

Run: python3 tools/make_resize_fixtures.py   (needs numpy and opencv-python-headless; Pillow for the PIL
comparison, which it skips when Pillow is missing). Deterministic; takes about a second.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "resize"
SCALE = 256  # stored value = round(reference * SCALE)

M32 = 0xFFFFFFFF


def hash32(x: np.ndarray, y: np.ndarray, c: np.ndarray, seed: int) -> np.ndarray:
    """murmur3's fmix32 over a mix of (x, y, c, seed); the 32-bit arithmetic of Math.imul in the tests."""
    h = (seed ^ ((x * 0x9E3779B1) & M32) ^ ((y * 0x85EBCA77) & M32) ^ ((c * 0xC2B2AE3D) & M32)) & M32
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


def source_pixels(width: int, height: int, channels: int, seed: int, noise: int) -> np.ndarray:
    """uint8 [height, width, channels]: a per-channel gradient blended with hash noise (noise/256 of it)."""
    y, x, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(channels), indexing="ij")
    x = x.astype(np.uint64)
    y = y.astype(np.uint64)
    c = c.astype(np.uint64)
    gx = (x * 255) // max(width - 1, 1)
    gy = (y * 255) // max(height - 1, 1)
    gradient = (gx * (c + 1) + gy * (4 - c)) // 5  # channel c leans right as c grows, down as it shrinks
    n = hash32(x, y, c, seed) & 0xFF
    return ((gradient * (256 - noise) + n * noise) >> 8).astype(np.uint8)


def checksum(pixels: np.ndarray) -> int:
    """FNV-1a 32 over the bytes in row-major order."""
    h = 0x811C9DC5
    for b in pixels.tobytes():
        h = ((h ^ b) * 0x01000193) & M32
    return h


# Downscales only (the upsampling path is covered by the hand-computed tests). Odd sizes, integer factors
# 2 and 3, non-integer factors, one axis unchanged, a factor just above 1, and the ratios the studio meets:
# a 4000x3000 photo to 2048 (about 1.95), 640x480 to FastestDet's 352x352 (1.82 and 1.36).
AREA_CASES = [
    # name, source (w, h, channels, seed, noise), output (w, h)
    ("odd-37x23-to-10x7", (37, 23, 4, 1, 96), (10, 7)),
    ("factor-2", (40, 30, 4, 2, 128), (20, 15)),
    ("factor-3", (63, 45, 4, 3, 128), (21, 15)),
    ("non-integer-101x67-to-31x20", (101, 67, 4, 4, 64), (31, 20)),
    ("photo-ratio-78x59-to-40x30", (78, 59, 4, 5, 160), (40, 30)),
    ("just-above-1", (30, 21, 4, 6, 256), (29, 20)),
    ("width-only-factor-2", (40, 10, 4, 7, 200), (20, 10)),
    ("wide-256x8-to-32x1", (256, 8, 4, 8, 128), (32, 1)),
]

BILINEAR_CASES = [
    # name, source (w, h, channels, seed, noise), region (x, y, w, h), output size (square), kept every
    # `step`-th output row and column (the full 352x352 output would be 700 KB)
    ("640x480-ratio-to-35", (64, 48, 3, 11, 96), (0, 0, 64, 48), 35, 1),
    ("odd-37x23-to-10", (37, 23, 3, 12, 128), (0, 0, 37, 23), 10, 1),
    ("factor-2", (64, 64, 3, 13, 128), (0, 0, 64, 64), 32, 1),
    ("factor-3", (66, 66, 3, 14, 128), (0, 0, 66, 66), 22, 1),
    ("tall-45x90-to-28", (45, 90, 3, 15, 200), (0, 0, 45, 90), 28, 1),
    ("rgba-region-of-80x60-to-20", (80, 60, 4, 16, 128), (13, 7, 50, 41), 20, 1),
    ("640x480-to-352-every-11th", (640, 480, 3, 17, 96), (0, 0, 640, 480), 352, 11),
]


def quantise(reference: np.ndarray) -> np.ndarray:
    q = np.rint(reference * SCALE)
    assert q.min() >= 0 and q.max() <= 255 * SCALE
    return q.astype("<u2")


def pil_box_gap(pixels: np.ndarray, size: tuple[int, int], exact: np.ndarray) -> float | None:
    try:
        from PIL import Image
    except ImportError:
        return None
    mode = {3: "RGB", 4: "RGBA"}[pixels.shape[2]]
    image = Image.fromarray(pixels, mode)
    if mode == "RGBA":  # PIL premultiplies RGBA when resizing; compare colour channels of an opaque copy
        pixels = pixels.copy()
        pixels[..., 3] = 255
        image = Image.fromarray(pixels, mode)
        exact = exact.copy()
        exact[..., 3] = 255
    box = np.asarray(image.resize(size, Image.Resampling.BOX), dtype=np.float64)
    return float(np.abs(box[..., :3] - exact[..., :3]).max())


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    blob = bytearray()
    cases = []

    def add(entry: dict, reference: np.ndarray) -> None:
        q = quantise(reference)
        entry["output"] = {"offset": len(blob) // 2, "length": int(q.size), "shape": list(q.shape)}
        blob.extend(q.tobytes())
        cases.append(entry)

    for name, (w, h, ch, seed, noise), (ow, oh) in AREA_CASES:
        pixels = source_pixels(w, h, ch, seed, noise)
        exact = cv2.resize(pixels.astype(np.float64), (ow, oh), interpolation=cv2.INTER_AREA)
        exact = exact.reshape(oh, ow, ch)
        rounded = cv2.resize(pixels, (ow, oh), interpolation=cv2.INTER_AREA).reshape(oh, ow, ch)
        pil = pil_box_gap(pixels, (ow, oh), exact)
        print(
            f"area {name}: OpenCV uint8 vs exact max {np.abs(rounded - exact).max():.3f}"
            + ("" if pil is None else f", PIL BOX vs exact max {pil:.3f}")
        )
        add(
            {
                "name": name,
                "resize": "area",
                "source": {"width": w, "height": h, "channels": ch, "seed": seed, "noise": noise},
                "sourceChecksum": checksum(pixels),
                "width": ow,
                "height": oh,
            },
            exact,
        )

    for name, (w, h, ch, seed, noise), (rx, ry, rw, rh), size, step in BILINEAR_CASES:
        pixels = source_pixels(w, h, ch, seed, noise)
        region = pixels[ry : ry + rh, rx : rx + rw, :3]  # FastestDet ignores alpha
        exact = cv2.resize(region.astype(np.float64), (size, size), interpolation=cv2.INTER_LINEAR)
        rounded = cv2.resize(np.ascontiguousarray(region), (size, size), interpolation=cv2.INTER_LINEAR)
        print(f"bilinear {name}: OpenCV uint8 vs exact max {np.abs(rounded - exact).max():.3f}")
        exact = exact[::step, ::step]
        add(
            {
                "name": name,
                "resize": "bilinear",
                "source": {"width": w, "height": h, "channels": ch, "seed": seed, "noise": noise},
                "sourceChecksum": checksum(pixels),
                "region": {"x": rx, "y": ry, "width": rw, "height": rh},
                "size": size,
                "step": step,
            },
            exact,
        )

    manifest = {
        "about": (
            "Written by tools/make_resize_fixtures.py: OpenCV "
            f"{cv2.__version__} INTER_AREA / INTER_LINEAR on float64 copies of synthetic uint8 images, "
            f"stored as round(value * {SCALE}) uint16 little-endian in references.bin."
        ),
        "scale": SCALE,
        "cases": cases,
    }
    (OUT_DIR / "references.bin").write_bytes(bytes(blob))
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(cases)} cases, {len(blob)} bytes of references to {OUT_DIR}")


if __name__ == "__main__":
    main()
