#!/usr/bin/env python3
"""PyTorch side of `npm run bench -- gemm`: x @ w on the CPU for the shapes given as NAME:M:K:N, float32, median of
7 timed runs after 2 warm-up runs (the same plan as bench/lib/gemm-shapes.ts). Prints one JSON object."""

import argparse
import json
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("shapes", nargs="+", help="NAME:M:K:N")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    timings = []
    for spec in args.shapes:
        name, m, k, n = spec.split(":")
        m, k, n = int(m), int(k), int(n)
        x = torch.full((m, k), 0.5)
        w = (torch.rand(k, n) - 0.5) * 0.07
        for _ in range(2):
            x @ w
        times = []
        for _ in range(7):
            start = time.perf_counter()
            x @ w
            times.append((time.perf_counter() - start) * 1000)
        ms = sorted(times)[len(times) // 2]
        timings.append({"name": name, "ms": ms, "gflops": 2 * m * k * n / ms / 1e6})
    print(json.dumps({"runtime": "pytorch cpu", "version": torch.__version__, "threads": args.threads, "timings": timings}))


if __name__ == "__main__":
    main()
