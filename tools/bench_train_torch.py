#!/usr/bin/env python3
"""PyTorch reference for `npm run bench -- train`: the same training step (GPT-2 decoder with cross-attention,
token cross-entropy, RAdam lr 5e-5, clip_grad_norm_ 1.0) on the same shapes, in float32, on the CPU or CUDA.

Self-contained (torch only, no transformers) so that it runs on a lent GPU machine as it is. The decoder is
GPT-2's: learned positions, pre-norm blocks of self-attention, cross-attention and a GELU (tanh) MLP, final norm,
head tied to the embeddings; attention through scaled_dot_product_attention, as PyTorch users run it.

  python3 tools/bench_train_torch.py --preset lora-r8 --device cpu --batch 8 --tokens 20 [--embd 768 --layers 12 ...]
Prints one JSON object.
"""

import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn


class Lora(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        self.a = nn.Parameter(torch.randn(base.in_features, rank) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(rank, base.out_features))
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + self.scale * ((x @ self.a) @ self.b)


class Block(nn.Module):
    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln_1, self.ln_cross, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.q_cross, self.kv_cross, self.proj_cross = nn.Linear(d, d), nn.Linear(d, 2 * d), nn.Linear(d, d)
        self.fc, self.fc_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def split(self, x):
        b, t, d = x.shape
        return x.view(b, t, self.heads, d // self.heads).transpose(1, 2)

    def merge(self, x):
        b, h, t, e = x.shape
        return x.transpose(1, 2).reshape(b, t, h * e)

    def forward(self, x, enc):
        q, k, v = self.qkv(self.ln_1(x)).chunk(3, dim=-1)
        x = x + self.proj(self.merge(F.scaled_dot_product_attention(*map(self.split, (q, k, v)), is_causal=True)))
        q = self.q_cross(self.ln_cross(x))
        k, v = self.kv_cross(enc).chunk(2, dim=-1)
        x = x + self.proj_cross(self.merge(F.scaled_dot_product_attention(*map(self.split, (q, k, v)))))
        return x + self.fc_proj(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))


class Decoder(nn.Module):
    def __init__(self, vocab: int, positions: int, d: int, layers: int, heads: int):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(positions, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)

    def forward(self, ids, enc):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1], device=ids.device))
        for block in self.blocks:
            x = block(x, enc)
        return self.ln_f(x) @ self.wte.weight.T


def configure(model: Decoder, preset: str):
    for p in model.parameters():
        p.requires_grad_(False)
    if preset == "lora-r8":
        for block in model.blocks:
            for name in ("qkv", "proj", "q_cross", "kv_cross", "proj_cross", "fc", "fc_proj"):
                setattr(block, name, Lora(getattr(block, name), 8, 16.0))
    elif preset == "last-2-blocks":
        for module in [*model.blocks[-2:], model.ln_f]:
            for p in module.parameters():
                p.requires_grad_(True)
    else:
        raise SystemExit(f"unknown preset {preset}")
    return [p for p in model.parameters() if p.requires_grad]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="lora-r8")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--vocab", type=int, default=50257)
    ap.add_argument("--positions", type=int, default=1024)
    ap.add_argument("--embd", type=int, default=768)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--encoder-seq", type=int, default=197)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--tokens", type=int, default=20)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = False  # float32, as WebGPU computes
    torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(0)
    device = torch.device(args.device)
    model = Decoder(args.vocab, args.positions, args.embd, args.layers, args.heads)
    trainable = configure(model, args.preset)
    model.to(device)
    optimizer = torch.optim.RAdam(trainable, lr=5e-5)
    ids = torch.randint(0, args.vocab, (args.batch, args.tokens), device=device)
    labels = torch.randint(0, args.vocab, (args.batch, args.tokens), device=device)
    enc = torch.randn(args.batch, args.encoder_seq, args.embd, device=device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, enc).flatten(0, 1), labels.flatten())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        return loss

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(args.warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    sync()
    seconds = time.perf_counter() - start
    print(json.dumps(dict(
        runtime=f"pytorch {torch.__version__} {args.device}" + (f" ({torch.cuda.get_device_name()})" if device.type == "cuda" else f" ({torch.get_num_threads()} threads)"),
        preset=args.preset, batch=args.batch, tokens=args.tokens,
        trainableParameters=sum(p.numel() for p in trainable),
        stepsPerSecond=args.steps / seconds, samplesPerSecond=args.steps * args.batch / seconds)))


if __name__ == "__main__":
    main()
