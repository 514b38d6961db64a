"""Writes random-weight models at the real dimensions, for benchmarks (not committed; git-ignored).

  python3 tools/make_real_size_models.py                       # ViT-GPT2 (ViT-base/16 at 224 + GPT-2 124M)
  python3 tools/make_real_size_models.py --model florence-2    # Florence-2-base dimensions

Output: public/models/bench/<name>-real-size/, in the same layout as the tiny models and the hub repos, so a
benchmark loads it with transformers.js exactly like the real model. ViT-GPT2 takes about 3 minutes and 1.9 GB.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelgen import pyenv  # noqa: E402

OUT = pyenv.REPO / 'public' / 'models' / 'bench'


def main() -> None:
    pyenv.ensure_exporter_stack()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', choices=['vit-gpt2', 'florence-2'], default='vit-gpt2')
    parser.add_argument('--opset', type=int, default=None, help="ONNX opset (default: optimum's, 18)")
    args = parser.parse_args()

    started = time.monotonic()
    if args.model == 'vit-gpt2':
        from modelgen import vit_gpt2

        vit_gpt2.generate(OUT / 'vit-gpt2-real-size', vit_gpt2.REAL_SIZE, seed=0, opset=args.opset)
    else:
        from modelgen import florence2

        florence2.generate(OUT / 'florence-2-real-size', florence2.REAL_SIZE, seed=0, opset=args.opset)
    print(f'[{args.model}] real size done in {time.monotonic() - started:.0f} s', flush=True)


if __name__ == '__main__':
    main()
