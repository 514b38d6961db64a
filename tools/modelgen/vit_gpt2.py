"""Random-weight ViT-GPT2 image captioner in the layout of Xenova/vit-gpt2-image-captioning.

The model is transformers' VisionEncoderDecoderModel (ViTModel encoder, GPT2LMHeadModel decoder with cross-attention)
and the ONNX files come from optimum's own exporter (`main_export`, task image-to-text-with-past: TorchScript
exporter, optimum's input/output names and dynamic axes) and optimum's If-node decoder merge, exactly as the hub
files were produced. decoder_with_past_model.onnx is not kept: transformers.js loads the merged decoder, and the
plain decoder_model.onnx is the training source.
"""
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from .files import describe_folder, reset_dir, write_json
from .tokenizers_bpe import write_gpt2_tokenizer
from .weights import damp_rows_, is_word_piece, randomize_


@dataclass(frozen=True)
class VitGpt2Dims:
    image_size: int
    patch_size: int
    encoder_hidden: int
    encoder_layers: int
    encoder_heads: int
    encoder_intermediate: int
    decoder_hidden: int
    decoder_layers: int
    decoder_heads: int
    vocab_size: int
    n_positions: int
    init_std: float
    # GPT-2's n_inner (None: 4 x decoder_hidden, as in GPT-2). A trained small student keeps its decoder MLP narrow
    # because the decoder's weights are stored twice (decoder_model.onnx and decoder_model_merged.onnx).
    decoder_inner: int | None = None


# Tiny: every .onnx well under 2 MB; same 224x224 preprocessing as the real model.
TINY = VitGpt2Dims(224, 32, 64, 2, 2, 256, 64, 2, 2, 512, 128, 0.2)
# ViT-base/16 at 224 and GPT-2 124M (with cross-attention), as in nlpconnect/vit-gpt2-image-captioning.
REAL_SIZE = VitGpt2Dims(224, 16, 768, 12, 12, 3072, 768, 12, 12, 50257, 1024, 0.02)

EXPORTED_FILES = ('encoder_model.onnx', 'decoder_model.onnx', 'decoder_model_merged.onnx')


def make_config(dims: VitGpt2Dims, eot: int):
    """The VisionEncoderDecoderConfig of these dims, with `<|endoftext|>` (eot) as every special id."""
    from transformers import GPT2Config, ViTConfig, VisionEncoderDecoderConfig

    encoder = ViTConfig(
        hidden_size=dims.encoder_hidden, num_hidden_layers=dims.encoder_layers,
        num_attention_heads=dims.encoder_heads, intermediate_size=dims.encoder_intermediate,
        image_size=dims.image_size, patch_size=dims.patch_size, hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0, qkv_bias=True,
    )
    decoder = GPT2Config(
        n_embd=dims.decoder_hidden, n_layer=dims.decoder_layers, n_head=dims.decoder_heads,
        n_inner=dims.decoder_inner, vocab_size=dims.vocab_size, n_positions=dims.n_positions, n_ctx=dims.n_positions,
        add_cross_attention=True, is_decoder=True, bos_token_id=eot, eos_token_id=eot, pad_token_id=eot,
        decoder_start_token_id=eot,
    )
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder, decoder)
    config.decoder_start_token_id = eot
    config.bos_token_id = eot
    config.eos_token_id = eot
    config.pad_token_id = eot
    config.tie_word_embeddings = False
    return config


def build_model(dims: VitGpt2Dims, eot: int, seed: int, vocab: dict[str, int]):
    from transformers import VisionEncoderDecoderModel

    config = make_config(dims, eot)
    torch.manual_seed(seed)
    model = VisionEncoderDecoderModel(config).eval()
    randomize_(model, seed=seed, std=dims.init_std)
    # lm_head is tied to wte (as in GPT-2); damping a row damps both.
    words = {i for t, i in vocab.items() if is_word_piece(t)} | {eot}
    damp_rows_(model.decoder.lm_head.weight, words, scale=0.1)
    return model


def write_preprocessor(out: Path, image_size: int) -> None:
    from transformers import ViTImageProcessor

    ViTImageProcessor(
        do_resize=True, size={'height': image_size, 'width': image_size}, resample=2, do_rescale=True,
        rescale_factor=1 / 255, do_normalize=True, image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5],
    ).save_pretrained(str(out))


def write_generation_config(out: Path, eot: int) -> None:
    write_json(out / 'generation_config.json', {
        'bos_token_id': eot,
        'decoder_start_token_id': eot,
        'eos_token_id': eot,
        'pad_token_id': eot,
    })


def export_onnx(model, out: Path, opset: int | None) -> None:
    from optimum.exporters.onnx import main_export

    with tempfile.TemporaryDirectory(prefix='vit-gpt2-') as tmp:
        src, dst = Path(tmp) / 'torch', Path(tmp) / 'onnx'
        model.save_pretrained(str(src))
        main_export(
            str(src), output=str(dst), task='image-to-text-with-past', opset=opset, device='cpu',
            do_validation=True, no_post_process=False,
        )
        for name in EXPORTED_FILES:
            shutil.copyfile(dst / name, out / 'onnx' / name)


def generate(out: Path, dims: VitGpt2Dims, seed: int = 0, opset: int | None = None) -> None:
    reset_dir(out)
    eot = write_gpt2_tokenizer(out, dims.vocab_size, model_max_length=dims.n_positions)
    vocab = json.loads((out / 'vocab.json').read_text())
    model = build_model(dims, eot, seed, vocab)
    model.config.save_pretrained(str(out))
    write_generation_config(out, eot)
    write_preprocessor(out, dims.image_size)
    export_onnx(model, out, opset)
    print(f'[vit-gpt2] wrote {out}\n{describe_folder(out)}', flush=True)
