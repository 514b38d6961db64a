"""Batch augmentation on uint8 scene tensors: zoom-in crop, horizontal flip, colour jitter, mild noise.

The image and its per-category coverage maps go through the same affine warp, so the per-patch targets stay on
their objects. Flips are returned so the caller can mirror the caption (left <-> right). Zoom only goes in (at most
`max_zoom`, i.e. a crop that loses at most (1 - 1/max_zoom)/2 of the side at each edge) because zooming out would
have to invent border pixels the test scenes never show.
"""
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    max_zoom: float = 1.18
    flip: float = 0.5
    brightness: float = 0.3
    contrast: float = 0.3
    saturation: float = 0.35
    channel_gain: float = 0.06
    noise: float = 0.02


def normalize(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 or [0, 1] float -> the ViT processor's values (mean 0.5, std 0.5)."""
    x = pixels.float() / 255.0 if pixels.dtype == torch.uint8 else pixels
    return (x - 0.5) / 0.5


def augment(pixels: torch.Tensor, coverage: torch.Tensor, patch_grid: int, cfg: AugmentConfig,
            gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Returns (normalised pixel values [B,3,S,S], per-patch coverage [B,K,G,G] in 0..1, flipped [B] bool)."""
    b, _, s, _ = pixels.shape
    zoom = 1.0 + (cfg.max_zoom - 1.0) * torch.rand(b, generator=gen)
    room = 1.0 - 1.0 / zoom
    tx = (torch.rand(b, generator=gen) * 2 - 1) * room
    ty = (torch.rand(b, generator=gen) * 2 - 1) * room
    flipped = torch.rand(b, generator=gen) < cfg.flip
    sx = torch.where(flipped, -1.0 / zoom, 1.0 / zoom)
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = sx
    theta[:, 0, 2] = tx
    theta[:, 1, 1] = 1.0 / zoom
    theta[:, 1, 2] = ty

    img = pixels.float() / 255.0
    grid = F.affine_grid(theta, [b, 3, s, s], align_corners=False)
    img = F.grid_sample(img, grid, mode='bilinear', padding_mode='border', align_corners=False)
    k = coverage.shape[1]
    cgrid = F.affine_grid(theta, [b, k, 2 * patch_grid, 2 * patch_grid], align_corners=False)
    cov = F.grid_sample(coverage.float() / 255.0, cgrid, mode='bilinear', padding_mode='zeros', align_corners=False)
    cov = F.avg_pool2d(cov, 2)

    def jitter(amount: float) -> torch.Tensor:
        return (1.0 + (torch.rand(b, 1, 1, 1, generator=gen) * 2 - 1) * amount)

    img = img * jitter(cfg.brightness)
    mean = img.mean(dim=(1, 2, 3), keepdim=True)
    img = (img - mean) * jitter(cfg.contrast) + mean
    grey = (0.299 * img[:, 0:1] + 0.587 * img[:, 1:2] + 0.114 * img[:, 2:3])
    img = grey + (img - grey) * jitter(cfg.saturation)
    gains = 1.0 + (torch.rand(b, 3, 1, 1, generator=gen) * 2 - 1) * cfg.channel_gain
    img = img * gains
    img = img + torch.randn(img.shape, generator=gen) * cfg.noise * (torch.rand(b, 1, 1, 1, generator=gen) < 0.5)
    return normalize(img.clamp(0.0, 1.0)), cov.clamp(0.0, 1.0), flipped
