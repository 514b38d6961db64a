"""Writes the tiny random-weight test models committed under public/models/tiny-random/ (deterministic).

  npm run models:tiny                      # all of them
  python3 tools/make_tiny_models.py --only vit-gpt2
  python3 tools/make_tiny_models.py --only vit-gpt2 --opset 14 --out /tmp/opset14   # an older-opset variant

Layouts are those transformers.js 4.3.1 loads for Xenova/vit-gpt2-image-captioning and
onnx-community/Florence-2-base-ft; see public/models/README.md. The exporter stack is pinned in
tools/requirements-models.txt and installed on first use into .cache/py-models.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelgen import pyenv  # noqa: E402

OUT = pyenv.REPO / 'public' / 'models' / 'tiny-random'


def main() -> None:
    pyenv.ensure_exporter_stack()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--only', choices=['vit-gpt2', 'florence-2'], help='generate one model only')
    parser.add_argument('--opset', type=int, default=None, help="ONNX opset (default: optimum's, 18)")
    parser.add_argument('--out', type=Path, default=OUT, help=f'parent folder (default: {OUT.relative_to(pyenv.REPO)})')
    args = parser.parse_args()
    out = args.out.resolve()

    if args.only in (None, 'vit-gpt2'):
        from modelgen import vit_gpt2

        vit_gpt2.generate(out / 'vit-gpt2', vit_gpt2.TINY, seed=0, opset=args.opset)
    if args.only in (None, 'florence-2'):
        from modelgen import florence2

        florence2.generate(out / 'florence-2', florence2.TINY, seed=0, opset=args.opset)


if __name__ == '__main__':
    main()
