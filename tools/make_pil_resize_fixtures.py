#!/usr/bin/env python3
"""Pillow's own resizes as the reference for src/lib/caption/pil-resize.ts (the studio's image-processor resize).

Writes test/fixtures/pil-resize.json: two small seeded RGB images (bytes, row-major, interleaved) and Pillow's
8-bit outputs of Image.resize for BILINEAR (2) and BICUBIC (3) at several sizes: shrinking by non-integer
factors on both axes, one axis only, and enlarging. Pillow rounds to 8 bits after each pass, so the TypeScript
port must match byte for byte.

Run: python3 tools/make_pil_resize_fixtures.py   (needs numpy and Pillow). Deterministic.
"""

import json
from pathlib import Path

import numpy as np
from PIL import Image
import PIL

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "pil-resize.json"
SIZES = [(11, 9), (16, 16), (23, 8), (40, 30), (7, 25)]


def main() -> None:
    rng = np.random.default_rng(12)
    images = []
    for width, height in [(23, 17), (31, 12)]:
        # Smooth gradients plus noise: flat regions and edges both.
        y, x = np.mgrid[0:height, 0:width]
        base = np.stack([x * 255 / width, y * 255 / height, (x + y) * 127 / (width + height)], axis=-1)
        pixels = np.clip(base + rng.integers(-60, 60, size=base.shape), 0, 255).astype(np.uint8)
        image = Image.fromarray(pixels, "RGB")
        outputs = []
        for resample in (2, 3):
            for size in SIZES:
                resized = np.asarray(image.resize(size, resample=resample))
                outputs.append({"resample": resample, "width": size[0], "height": size[1], "data": resized.flatten().tolist()})
        images.append({"width": width, "height": height, "data": pixels.flatten().tolist(), "outputs": outputs})
    OUT.write_text(json.dumps({"pillow": PIL.__version__, "images": images}) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
