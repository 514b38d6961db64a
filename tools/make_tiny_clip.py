"""Writes the tiny random CLIP of public/models/tiny-random/clip/ (deterministic) and its reference outputs.

  python3 tools/make_tiny_clip.py

Layout: what transformers.js 4.3.1 loads for Xenova/clip-vit-base-patch32 through CLIPTextModelWithProjection
(onnx/text_model.onnx: input_ids -> text_embeds, last_hidden_state) and CLIPVisionModelWithProjection
(onnx/vision_model.onnx: pixel_values -> image_embeds, last_hidden_state), AutoTokenizer (tokenizer.json,
tokenizer_config.json) and AutoProcessor (preprocessor_config.json). Both graphs come from one CLIPModel, so the
two towers share one embedding space as in the real model; the text tower pools at the first end-of-text token.

test/fixtures/clip/tiny-clip-reference.json holds PyTorch's own outputs for a few prompts (with the Python
tokenizer's ids) and for a synthetic image given as pixel_values, so the tests can check transformers.js's
tokenizer and the exported graphs against the model they came from. Runs in the exporter stack of
tools/requirements-models.txt, like tools/make_tiny_models.py.
"""
import json
import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelgen import pyenv  # noqa: E402

OUT = pyenv.REPO / 'public' / 'models' / 'tiny-random' / 'clip'
REFERENCE = pyenv.REPO / 'test' / 'fixtures' / 'clip' / 'tiny-clip-reference.json'
SEED = 0
OPSET = 18
BOS, EOS = '<|startoftext|>', '<|endoftext|>'
# Real CLIP's split rule (transformers' CLIPTokenizer): words, single digits, runs of other symbols.
SPLIT = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""
PROMPTS = [
    'A photo depicts two cats lying on a pink couch',
    'A photo depicts a red stop sign',
    'A photo depicts a man riding a skateboard down a ramp!',
]
# Texts the tokenizer never saw in training (digits, accents, punctuation, contractions): checked for parity.
TOKENIZER_CHECKS = ["Zebra-crossing at 7:45, naïve café!", "It's   the DOGS' bowl\t(2x)"]
# Real CLIP: 77 positions, OpenAI's pixel mean and std, bicubic resize of the short side then a centre crop.
TEXT = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
            max_position_embeddings=77)
VISION = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, image_size=32,
              patch_size=8)
PROJECTION_DIM = 16
IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's (and CLIP's) byte → printable character table."""
    keep = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def train_vocab(merge_budget: int) -> tuple[dict[str, int], list[str]]:
    """Byte-level BPE with CLIP's normaliser, split and '</w>' word ends, learned from the captions corpus by plain
    pair counting (ties broken by the pair's text, so every run learns the same merges; the tokenizers library's
    trainer breaks ties in hash order). Ids in CLIP's order: the 256 byte symbols, the same with '</w>', the
    merges in order, then start and end of text."""
    import unicodedata
    from collections import Counter

    import regex

    from modelgen.corpus import corpus_lines

    byte_chars = bytes_to_unicode()
    words: Counter[tuple[str, ...]] = Counter()
    for line in corpus_lines() + PROMPTS * 4:
        text = regex.sub(r'\s+', ' ', unicodedata.normalize('NFC', line)).lower()
        for word in regex.findall(SPLIT, text):
            symbols = [byte_chars[b] for b in word.encode('utf-8')]
            words[tuple(symbols[:-1] + [symbols[-1] + '</w>'])] += 1
    merges: list[str] = []
    while len(merges) < merge_budget:
        pairs: Counter[tuple[str, str]] = Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best, count = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if count < 2:
            break
        merges.append(f'{best[0]} {best[1]}')
        merged: Counter[tuple[str, ...]] = Counter()
        for word, c in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += c
        words = merged
    alphabet = [byte_chars[b] for b in range(256)]
    vocab: dict[str, int] = {}
    for symbol in alphabet + [a + '</w>' for a in alphabet] + [m.replace(' ', '') for m in merges] + [BOS, EOS]:
        vocab.setdefault(symbol, len(vocab))
    return vocab, merges


def write_tokenizer(out: Path, vocab: dict[str, int], merges: list[str]):
    from transformers import CLIPTokenizerFast

    with tempfile.TemporaryDirectory(prefix='clip-tok-') as tmp:
        (Path(tmp) / 'vocab.json').write_text(json.dumps(vocab, ensure_ascii=False))
        (Path(tmp) / 'merges.txt').write_text('#version: 0.2\n' + '\n'.join(merges) + '\n')
        tokenizer = CLIPTokenizerFast(vocab_file=str(Path(tmp) / 'vocab.json'),
                                      merges_file=str(Path(tmp) / 'merges.txt'), model_max_length=77)
    tokenizer.save_pretrained(str(out))
    return tokenizer


def build_clip(vocab_size: int, eos_id: int, bos_id: int):
    import torch
    from transformers import CLIPConfig, CLIPModel

    from modelgen.weights import randomize_

    config = CLIPConfig(
        text_config=dict(TEXT, vocab_size=vocab_size, bos_token_id=bos_id, eos_token_id=eos_id, pad_token_id=eos_id,
                         projection_dim=PROJECTION_DIM),
        vision_config=dict(VISION, projection_dim=PROJECTION_DIM),
        projection_dim=PROJECTION_DIM,
        # exp(4.6052) = 100, the learned temperature of the real CLIP ViT-B/32 (clamped there at 100).
        logit_scale_init_value=math.log(100.0),
    )
    config._attn_implementation = 'eager'
    torch.manual_seed(SEED)
    model = CLIPModel(config).eval()
    logit_scale = model.logit_scale.detach().clone()
    randomize_(model, seed=SEED, std=0.2)
    with torch.no_grad():
        model.logit_scale.copy_(logit_scale)
    return model


def towers(model):
    """CLIPTextModelWithProjection and CLIPVisionModelWithProjection holding the CLIPModel's own weights."""
    from transformers import CLIPTextModelWithProjection, CLIPVisionModelWithProjection

    text = CLIPTextModelWithProjection(model.config.text_config).eval()
    text.text_model.load_state_dict(model.text_model.state_dict())
    text.text_projection.load_state_dict(model.text_projection.state_dict())
    vision = CLIPVisionModelWithProjection(model.config.vision_config).eval()
    vision.vision_model.load_state_dict(model.vision_model.state_dict())
    vision.visual_projection.load_state_dict(model.visual_projection.state_dict())
    return text, vision


def export(module, args, path: Path, inputs: list[str], outputs: list[str], axes: dict) -> None:
    import torch

    class Outputs(torch.nn.Module):
        """Named outputs in a fixed order instead of a ModelOutput."""

        def __init__(self, inner, names):
            super().__init__()
            self.inner, self.names = inner, names

        def forward(self, x):
            out = self.inner(x)
            return tuple(getattr(out, n) for n in self.names)

    torch.onnx.export(Outputs(module, outputs), args, str(path), input_names=inputs, output_names=outputs,
                      dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True, dynamo=False)


def synthetic_pixels():
    """pixel_values[0, c, y, x] = sin(0.37 * (c * 1024 + y * 32 + x)) · 1.5: the same formula in the tests."""
    import torch

    size = VISION['image_size']
    idx = torch.arange(3 * size * size, dtype=torch.float64).reshape(1, 3, size, size)
    return (torch.sin(0.37 * idx) * 1.5).to(torch.float32)


def main() -> None:
    pyenv.ensure_exporter_stack()
    import torch
    from transformers import CLIPImageProcessor

    from modelgen.files import describe_folder, reset_dir

    reset_dir(OUT)
    vocab, merges = train_vocab(merge_budget=400)
    tokenizer = write_tokenizer(OUT, vocab, merges)
    bos_id, eos_id = tokenizer.convert_tokens_to_ids(BOS), tokenizer.convert_tokens_to_ids(EOS)
    model = build_clip(len(tokenizer), eos_id, bos_id)
    model.config.save_pretrained(str(OUT))
    size = VISION['image_size']
    CLIPImageProcessor(do_resize=True, size={'shortest_edge': size}, resample=3, do_center_crop=True,
                       crop_size={'height': size, 'width': size}, do_rescale=True, rescale_factor=1 / 255,
                       do_normalize=True, image_mean=IMAGE_MEAN, image_std=IMAGE_STD,
                       do_convert_rgb=True).save_pretrained(str(OUT))
    text, vision = towers(model)
    ids = tokenizer(PROMPTS, padding=True, return_tensors='pt')['input_ids']
    export(text, (ids,), OUT / 'onnx' / 'text_model.onnx', ['input_ids'], ['text_embeds', 'last_hidden_state'],
           {'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'text_embeds': {0: 'batch_size'},
            'last_hidden_state': {0: 'batch_size', 1: 'sequence_length'}})
    pixels = synthetic_pixels()
    export(vision, (pixels,), OUT / 'onnx' / 'vision_model.onnx', ['pixel_values'],
           ['image_embeds', 'last_hidden_state'],
           {'pixel_values': {0: 'batch_size', 1: 'num_channels', 2: 'height', 3: 'width'},
            'image_embeds': {0: 'batch_size'}, 'last_hidden_state': {0: 'batch_size'}})

    with torch.no_grad():
        text_embeds = [text(tokenizer(p, return_tensors='pt')['input_ids']).text_embeds[0] for p in PROMPTS]
        image_embeds = vision(pixels).image_embeds[0]
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps({
        'about': 'tools/make_tiny_clip.py: PyTorch outputs of public/models/tiny-random/clip',
        'logit_scale': float(model.logit_scale.exp()),
        'prompts': [{'text': p, 'input_ids': tokenizer(p)['input_ids'], 'text_embeds': e.tolist()}
                    for p, e in zip(PROMPTS, text_embeds)],
        'tokenizer_checks': [{'text': t, 'input_ids': tokenizer(t)['input_ids']} for t in TOKENIZER_CHECKS],
        'synthetic_image': {'formula': 'sin(0.37 * (c * 1024 + y * 32 + x)) * 1.5', 'dims': [1, 3, size, size],
                            'image_embeds': image_embeds.tolist()},
    }, indent=1) + '\n')
    print(f'[clip] wrote {OUT}\n{describe_folder(OUT)}\n[clip] wrote {REFERENCE}', flush=True)


if __name__ == '__main__':
    main()
