"""Trains the offline student capgrad/vit-gpt2-scenes (ViT encoder + GPT-2 decoder, its own BPE tokenizer) from
scratch on a scenes folder's `train` split, on the CPU, within a wall-time budget, and exports it in the layout of
Xenova/vit-gpt2-image-captioning (what transformers.js 4.3.1 and the studio load) with a model card.

  python3 tools/train_student.py --data /path/to/scenes --minutes 60            # train, export, evaluate, card
  python3 tools/train_student.py --data /path/to/scenes --minutes 60 --resume   # go on after a crash
  python3 tools/train_student.py --data /path/to/scenes --export-only           # export the best checkpoint again

The run keeps checkpoints in --work (last.pt every --ckpt-every minutes, best.pt at each validation that improves)
and its record in --work/run.json; the learning-rate schedule follows the wall-clock fraction of the budget, so the
run always ends annealed, saved and exported by itself. Test splits found beside `train` (simple, complex, bias,
control, heldout) are captioned after training by a quick Python evaluator; they are never used for training or
checkpoint choice.
"""
import argparse
import json
import math
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelgen import pyenv  # noqa: E402

OUT = pyenv.REPO / 'public' / 'models' / 'capgrad' / 'vit-gpt2-scenes'
WORK = pyenv.REPO / '.cache' / 'train-student'
SYNONYMS = pyenv.REPO / 'src' / 'lib' / 'vocabulary' / 'chair-synonyms.txt'
TEST_SPLITS = ['simple', 'complex', 'bias', 'control', 'heldout']
MAX_BYTES = 20 * 1000 * 1000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', type=Path, required=True, help='scenes folder with train/ (and test splits beside it)')
    p.add_argument('--scenes-command', default='', help='the command that made --data, for the model card')
    p.add_argument('--out', type=Path, default=OUT, help=f'model folder (default {OUT.relative_to(pyenv.REPO)})')
    p.add_argument('--work', type=Path, default=WORK, help='checkpoints and run record (default .cache/train-student)')
    p.add_argument('--minutes', type=float, default=60.0, help='training wall-time budget (loading/export not counted)')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--resume', action='store_true', help='go on from --work/last.pt')
    p.add_argument('--export-only', action='store_true', help='export --work/best.pt, evaluate, write the card')
    p.add_argument('--card-only', action='store_true', help='rewrite the model card from --work/run.json (and --bench)')
    p.add_argument('--bench', type=Path, default=None,
                   help="JSON printed by `npm run bench -- student` for the exported model: the card's studio figures")
    p.add_argument('--bench-command', default='npm run bench -- student --data DIR', help='how --bench was made')
    p.add_argument('--limit', type=int, default=None, help='load only this many training scenes (debugging)')
    # Model.
    p.add_argument('--image-size', type=int, default=160)
    p.add_argument('--patch', type=int, default=16)
    p.add_argument('--hidden', type=int, default=192)
    p.add_argument('--heads', type=int, default=6)
    p.add_argument('--enc-layers', type=int, default=5)
    p.add_argument('--enc-inner', type=int, default=768)
    p.add_argument('--dec-layers', type=int, default=2)
    p.add_argument('--dec-inner', type=int, default=384)
    p.add_argument('--vocab', type=int, default=512, help='BPE vocabulary size, <|endoftext|> included')
    # Optimisation.
    p.add_argument('--batch', type=int, default=48)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--lr-floor', type=float, default=0.03, help='final lr as a fraction of --lr')
    p.add_argument('--warmup', type=float, default=0.04, help='fraction of the budget')
    p.add_argument('--wd', type=float, default=0.05)
    p.add_argument('--aux-patch', type=float, default=1.0, help='weight of the per-patch coverage loss')
    p.add_argument('--aux-count', type=float, default=0.3, help='weight of the per-category count loss')
    p.add_argument('--curriculum', default='0.08:2,0.2:4', help='fraction:max objects,... (then every scene)')
    p.add_argument('--max-zoom', type=float, default=1.18)
    p.add_argument('--bf16', action=argparse.BooleanOptionalAction, default=True,
                   help='bfloat16 autocast for the training forward (about 2x faster on CPUs with AVX512-BF16); '
                   'weights, optimiser, validation and export stay fp32')
    # Bookkeeping.
    p.add_argument('--val', type=int, default=160, help='training scenes held back for checkpoint choice')
    p.add_argument('--eval-every', type=float, default=12.0, help='minutes between validations')
    p.add_argument('--ckpt-every', type=float, default=4.0, help='minutes between checkpoints')
    p.add_argument('--max-new-tokens', type=int, default=20, help="greedy decoding limit (the studio's default)")
    p.add_argument('--log-every', type=int, default=25, help='steps between log lines')
    return p.parse_args()


def main() -> None:
    pyenv.ensure_exporter_stack()
    args = parse_args()
    import torch

    torch.set_num_threads(args.threads)
    from studentgen.trainer import Trainer

    command = 'python3 ' + ' '.join(shlex.quote(x) for x in [os.path.relpath(sys.argv[0], pyenv.REPO), *sys.argv[1:]])
    trainer = Trainer(args, command=command, synonyms=SYNONYMS, test_splits=TEST_SPLITS, max_bytes=MAX_BYTES)
    if args.card_only:
        trainer.rewrite_card()
        return
    if not args.export_only:
        trainer.train()
    trainer.export_and_evaluate()


if __name__ == '__main__':
    main()
