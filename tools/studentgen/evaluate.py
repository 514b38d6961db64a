"""A quick evaluator in Python: greedy captions of a split, object recall, CHAIR-i and the bias rate.

Object words come from the studio's CHAIR synonym list (src/lib/vocabulary/chair-synonyms.txt): one- and two-word
entries, plurals by dropping -s / -es, every occurrence one mention (CHAIR's unit). It approximates the studio's
matcher (src/lib/vocabulary/object-words.ts), which also has special cases (e.g. "toilet seat"); the model card's figures
come from the studio's own captioning path and scorer where that bench exists.
"""
import re
from pathlib import Path

import torch

from .augment import normalize
from .data import Split

WORD = re.compile(r"[a-z]+")


class Synonyms:
    def __init__(self, path: Path):
        self.lookup: dict[str, str] = {}
        for line in path.read_text(encoding='utf-8').splitlines():
            entries = [e.strip().lower() for e in line.split(',') if e.strip()]
            if not entries:
                continue
            for e in entries:
                self.lookup.setdefault(e, entries[0])

    def category(self, name: str) -> str:
        return self.lookup.get(name.lower(), name.lower())

    def _match(self, phrase: str) -> str | None:
        for candidate in (phrase, phrase[:-1] if phrase.endswith('s') else None,
                          phrase[:-2] if phrase.endswith('es') else None):
            if candidate and candidate in self.lookup:
                return self.lookup[candidate]
        return None

    def mentions(self, caption: str) -> list[str]:
        words = WORD.findall(caption.lower())
        found, i = [], 0
        while i < len(words):
            two = self._match(f'{words[i]} {words[i + 1]}') if i + 1 < len(words) else None
            if two is not None:
                found.append(two)
                i += 2
                continue
            one = self._match(words[i])
            if one is not None:
                found.append(one)
            i += 1
        return found


def scores(captions: list[str], truths: list[set[str]], syn: Synonyms) -> dict:
    recall_sum, with_objects, mentions, hallucinated, sentences_bad, named, present = 0.0, 0, 0, 0, 0, 0, 0
    for caption, truth in zip(captions, truths):
        said = syn.mentions(caption)
        wrong = [m for m in said if m not in truth]
        mentions += len(said)
        hallucinated += len(wrong)
        sentences_bad += 1 if wrong else 0
        if truth:
            hits = len(truth & set(said))
            recall_sum += hits / len(truth)
            with_objects += 1
            named += hits
            present += len(truth)
    n = max(1, len(captions))
    return {
        'images': len(captions),
        'recall': recall_sum / with_objects if with_objects else 0.0,
        'recall_micro': named / present if present else 0.0,
        'chair_i': hallucinated / mentions if mentions else 0.0,
        'chair_s': sentences_bad / n,
        'mentions_per_caption': mentions / n,
    }


def rate_naming(captions: list[str], category: str, syn: Synonyms) -> float:
    return sum(1 for c in captions if category in syn.mentions(c)) / max(1, len(captions))


def truths_of(split: Split, syn: Synonyms) -> list[set[str]]:
    return [{syn.category(split.categories[k]) for k in row.nonzero().flatten().tolist()} for row in split.counts]


@torch.no_grad()
def greedy_captions(model, tokenizer, pixels: torch.Tensor, eot: int, max_new_tokens: int, batch: int = 64) -> list[str]:
    """Greedy decoding from `<|endoftext|>` until it comes again or max_new_tokens (the studio's defaults)."""
    model.eval()
    out: list[str] = []
    for i in range(0, len(pixels), batch):
        values = normalize(pixels[i:i + batch])
        ids = model.generate(pixel_values=values, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1,
                             decoder_start_token_id=eot, bos_token_id=eot, eos_token_id=eot, pad_token_id=eot)
        for row in ids.tolist():
            tokens = [t for t in row[1:] if t != eot] if eot not in row[1:] else row[1:row[1:].index(eot) + 1]
            out.append(tokenizer.decode(tokens, skip_special_tokens=True).strip())
    return out
