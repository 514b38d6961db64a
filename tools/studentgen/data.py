"""A COCO scenes split (images/, instances.json, captions.json) loaded into memory for training and evaluation.

Images are decoded once and resized to the encoder's input size (PIL bilinear, as the ViT image processor asks);
each object's visible polygon is rasterised into a per-category coverage map at twice the patch grid, which the
augmentation warps together with the image and the training pools to per-patch targets (an auxiliary loss only:
the exported model is the plain VisionEncoderDecoder).
"""
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

MAX_COUNT = 6  # counts above this share the last class of the auxiliary count head


@dataclass
class Split:
    name: str
    file_names: list[str]
    image_ids: list[int]
    pixels: torch.Tensor  # uint8 [N, 3, S, S]
    coverage: torch.Tensor  # uint8 [N, K, M, M], 255 = the category covers the whole cell
    counts: torch.Tensor  # int64 [N, K], instances per category
    captions: list[list[str]]  # per image, every reference caption
    categories: list[str]  # index -> COCO category name (the order of `coverage` and `counts`)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding='utf-8'))


def split_categories(folder: Path) -> dict[int, str]:
    """COCO category id -> name, as the split's instances.json lists them."""
    return {c['id']: c['name'] for c in read_json(folder / 'instances.json')['categories']}


def _polygons(annotation: dict) -> list[list[float]]:
    seg = annotation.get('segmentation')
    if isinstance(seg, list) and seg and isinstance(seg[0], list):
        return [p for p in seg if len(p) >= 6]
    x, y, w, h = annotation['bbox']
    return [[x, y, x + w, y, x + w, y + h, x, y + h]]


def _coverage(annotations: list[dict], width: int, height: int, cat_index: dict[int, int], grid: int) -> np.ndarray:
    """Per category, the fraction of each grid cell its objects' visible polygons cover (0..255)."""
    fine = grid * 4
    out = np.zeros((len(cat_index), grid, grid), dtype=np.uint8)
    masks: dict[int, Image.Image] = {}
    for a in annotations:
        k = cat_index[a['category_id']]
        mask = masks.setdefault(k, Image.new('L', (fine, fine), 0))
        draw = ImageDraw.Draw(mask)
        for poly in _polygons(a):
            pts = [(poly[i] * fine / width, poly[i + 1] * fine / height) for i in range(0, len(poly) - 1, 2)]
            draw.polygon(pts, fill=255)
    for k, mask in masks.items():
        arr = np.asarray(mask, dtype=np.float32).reshape(grid, 4, grid, 4).mean(axis=(1, 3))
        out[k] = np.round(arr).astype(np.uint8)
    return out


def load_split(folder: Path, image_size: int, grid: int, categories: list[str] | None = None,
               limit: int | None = None) -> Split:
    """Loads a COCO folder. `categories` fixes the category order (the training split's); None takes this split's."""
    instances = read_json(folder / 'instances.json')
    captions_json = read_json(folder / 'captions.json')
    names = {c['id']: c['name'] for c in instances['categories']}
    if categories is None:
        used = {a['category_id'] for a in instances['annotations']}
        categories = sorted({names[c] for c in used})
    by_name = {n: i for i, n in enumerate(categories)}
    cat_index = {cid: by_name[n] for cid, n in names.items() if n in by_name}
    images = sorted(instances['images'], key=lambda im: im['id'])
    if limit is not None:
        images = images[:limit]
    anns: dict[int, list[dict]] = {}
    for a in instances['annotations']:
        if a['category_id'] in cat_index and not a.get('iscrowd', 0):
            anns.setdefault(a['image_id'], []).append(a)
    caps: dict[int, list[str]] = {}
    for c in captions_json['annotations']:
        caps.setdefault(c['image_id'], []).append(c['caption'].strip())
    n, k = len(images), len(categories)
    pixels = torch.empty((n, 3, image_size, image_size), dtype=torch.uint8)
    coverage = torch.empty((n, k, grid, grid), dtype=torch.uint8)
    counts = torch.zeros((n, k), dtype=torch.int64)
    for i, im in enumerate(images):
        with Image.open(folder / 'images' / im['file_name']) as raw:
            rgb = raw.convert('RGB')
            width, height = rgb.size
            rgb = rgb.resize((image_size, image_size), Image.BILINEAR)
        pixels[i] = torch.from_numpy(np.asarray(rgb, dtype=np.uint8).copy()).permute(2, 0, 1)
        own = anns.get(im['id'], [])
        coverage[i] = torch.from_numpy(_coverage(own, width, height, cat_index, grid))
        for a in own:
            counts[i, cat_index[a['category_id']]] += 1
    return Split(
        name=folder.name,
        file_names=[im['file_name'] for im in images],
        image_ids=[im['id'] for im in images],
        pixels=pixels,
        coverage=coverage,
        counts=counts,
        captions=[caps.get(im['id'], []) for im in images],
        categories=categories,
    )


_SIDES = re.compile(r'\b(left|right|Left|Right)\b')
_SWAP = {'left': 'right', 'right': 'left', 'Left': 'Right', 'Right': 'Left'}


def mirror_caption(caption: str) -> str:
    """The caption of the horizontally flipped scene: left and right trade places."""
    return _SIDES.sub(lambda m: _SWAP[m.group(1)], caption)
