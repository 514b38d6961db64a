"""Tiny byte-level BPE tokenizers in the formats of the real models' tokenizers.

- GPT-2 style (ViT-GPT2): no normaliser, ByteLevel pre-tokenizer/decoder, `<|endoftext|>` as the last id and as
  bos, eos, unk and pad (the real repo uses id 50256 of 50257 for all of them).
- BART style (Florence-2): `<s>`, `<pad>`, `</s>`, `<unk>` as ids 0-3, `<mask>` after the BPE vocabulary,
  RobertaProcessing (`<s> ... </s>`), then Florence-2's 1024 added tokens (`<od>`, `<loc_0>`..`<loc_999>`, ...)
  in the order its processor adds them, so that ids line up the way they do in the real vocabulary.
"""
import json
from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

from .corpus import corpus_lines

ENDOFTEXT = '<|endoftext|>'

# Florence-2's processor adds these after BART's 50265 tokens (51289 in all).
FLORENCE2_ADDED_TOKENS = (
    ['<od>', '</od>', '<ocr>', '</ocr>']
    + [f'<loc_{i}>' for i in range(1000)]
    + ['<cap>', '</cap>', '<ncap>', '</ncap>', '<dcap>', '</dcap>', '<grounding>', '</grounding>', '<seg>', '</seg>',
       '<sep>', '<region_cap>', '</region_cap>', '<region_to_desciption>', '</region_to_desciption>', '<proposal>',
       '</proposal>', '<poly>', '</poly>', '<and>']
)


def _byte_level_bpe(vocab_size: int, special_tokens: list[str], extra_lines: list[str],
                    base_corpus: bool = True) -> Tokenizer:
    trained = Tokenizer(models.BPE())
    trained.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    trained.train_from_iterator((corpus_lines() if base_corpus else []) + extra_lines, trainer=trainer)
    vocab, merges = _pad_merges(trained, vocab_size)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return tok


def _pad_merges(trained: Tokenizer, vocab_size: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The small corpus runs out of pairs long before a real-size vocabulary (50257 tokens): the rest are
    synthetic merges of two existing tokens, enumerated in a fixed order, so every id decodes to some text."""
    state = json.loads(trained.to_str())['model']
    vocab: dict[str, int] = dict(state['vocab'])
    merges = [tuple(m.split(' ', 1)) if isinstance(m, str) else tuple(m) for m in state['merges']]
    words = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if not t.startswith('<')]
    for left in words:
        if len(vocab) >= vocab_size:
            break
        for right in words:
            if len(vocab) >= vocab_size:
                break
            if right.startswith('\u0120') or (left + right) in vocab:
                continue
            vocab[left + right] = len(vocab)
            merges.append((left, right))
    return vocab, merges


def write_gpt2_tokenizer(out_dir: Path, vocab_size: int, model_max_length: int,
                         training_lines: list[str] | None = None) -> int:
    """Writes tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.json, merges.txt.
    The BPE is learnt from the built-in corpus, or from training_lines only (a trained student's own captions).
    Returns the id of `<|endoftext|>` (vocab_size - 1)."""
    from transformers import GPT2TokenizerFast

    if training_lines is None:
        tok = _byte_level_bpe(vocab_size - 1, [], [])
    else:
        tok = _byte_level_bpe(vocab_size - 1, [], training_lines, base_corpus=False)
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens([AddedToken(ENDOFTEXT, special=True, normalized=True)])
    eot = tok.token_to_id(ENDOFTEXT)
    if eot != vocab_size - 1 or tok.get_vocab_size() != vocab_size:
        raise RuntimeError(f'BPE training gave {tok.get_vocab_size()} tokens with {ENDOFTEXT}={eot}, wanted {vocab_size}')
    fast = GPT2TokenizerFast(
        tokenizer_object=tok,
        bos_token=ENDOFTEXT,
        eos_token=ENDOFTEXT,
        unk_token=ENDOFTEXT,
        pad_token=ENDOFTEXT,
        add_prefix_space=False,
        model_max_length=model_max_length,
    )
    fast.save_pretrained(str(out_dir))
    return eot


def write_florence2_tokenizer(out_dir: Path, base_vocab_size: int, prompts: list[str], model_max_length: int) -> int:
    """BART-style tokenizer plus Florence-2's added tokens. Returns the full vocabulary size."""
    from transformers import BartTokenizerFast

    tok = _byte_level_bpe(base_vocab_size - 1, ['<s>', '<pad>', '</s>', '<unk>'], prompts * 4)
    tok.post_processor = processors.RobertaProcessing(sep=('</s>', 2), cls=('<s>', 0), trim_offsets=True,
                                                      add_prefix_space=False)
    tok.add_special_tokens([AddedToken('<mask>', special=True, lstrip=True, normalized=False)])
    if tok.get_vocab_size() != base_vocab_size:
        raise RuntimeError(f'BPE training gave {tok.get_vocab_size()} tokens, wanted {base_vocab_size}')
    fast = BartTokenizerFast(
        tokenizer_object=tok,
        bos_token='<s>', eos_token='</s>', sep_token='</s>', cls_token='<s>', unk_token='<unk>',
        pad_token='<pad>', mask_token='<mask>', add_prefix_space=False, model_max_length=model_max_length,
    )
    fast.add_special_tokens({'additional_special_tokens': FLORENCE2_ADDED_TOKENS})
    vocab_size = len(fast)
    if vocab_size != base_vocab_size + len(FLORENCE2_ADDED_TOKENS):
        raise RuntimeError(f'Florence-2 tokenizer has {vocab_size} tokens')
    fast.save_pretrained(str(out_dir))
    return vocab_size
