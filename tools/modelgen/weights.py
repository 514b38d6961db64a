"""Deterministic random weights.

Every parameter gets its own draw from one seeded generator, in name order, so the values do not depend on module
construction order. LayerNorm scales are drawn around 1 and every bias away from 0: with the default init
(ones, zeros) the TorchScript exporter's constant folding merges identical initializers behind Identity nodes,
a pattern the real checkpoints do not have.
"""
import torch


def randomize_(model: torch.nn.Module, seed: int, std: float) -> None:
    gen = torch.Generator().manual_seed(seed)
    norm_types = (torch.nn.LayerNorm, torch.nn.GroupNorm, torch.nn.BatchNorm2d)
    norm_params = {
        id(p) for m in model.modules() if isinstance(m, norm_types) for p in m.parameters(recurse=False)
    }
    with torch.no_grad():
        for name, p in sorted(model.named_parameters(), key=lambda kv: kv[0]):
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float32)
            if id(p) in norm_params and name.endswith('weight'):
                p.copy_(1.0 + 0.1 * noise)
            elif p.dim() == 1:
                p.copy_(0.05 * noise)
            else:
                p.copy_(std * noise)


def is_word_piece(token: str) -> bool:
    """A byte-level BPE token that reads as a separate word: the space marker 'Ġ' then two or more letters."""
    text = token[1:]
    return token.startswith('\u0120') and len(text) >= 2 and text.isascii() and text.isalpha()


def damp_rows_(weight: torch.Tensor, keep_ids: set[int], scale: float) -> None:
    """Scales the output-embedding rows of every id outside keep_ids. A random model's greedy argmax then falls
    on kept tokens (whole-word pieces), so captions decode to real-looking words rather than stray bytes."""
    with torch.no_grad():
        damp = torch.tensor([i not in keep_ids for i in range(weight.shape[0])])
        weight[damp] *= scale
