"""Random-weight Florence-2 in the layout of onnx-community/Florence-2-base-ft (transformers.js 4.3.1).

Built from transformers' native Florence2ForConditionalGeneration (DaViT vision tower, projector, BART encoder-
decoder). The four ONNX graphs are written by florence2_export. config.json is written in the hub repo's format
(model_type florence2, text_config florence2_language, vision_config davit), which is what transformers.js reads.
"""
from dataclasses import dataclass
from pathlib import Path

import torch

from .files import describe_folder, reset_dir, write_json
from .florence2_export import export_all
from .tokenizers_bpe import write_florence2_tokenizer
from .weights import damp_rows_, is_word_piece, randomize_


@dataclass(frozen=True)
class Florence2Dims:
    image_size: int
    vision_dims: tuple[int, int, int, int]
    vision_heads: tuple[int, int, int, int]
    vision_depths: tuple[int, int, int, int]
    d_model: int
    layers: int
    heads: int
    ffn: int
    base_vocab_size: int
    max_positions: int
    init_std: float


# Tiny: the real architecture at a 192x192 input (37 image tokens), a few MB in all. Not 768 as the real model:
# Chromium's software WebGPU (SwiftShader, what CI has) takes ~100 s per 768x768 vision encoding even at these
# widths (0.5 s on WASM), so the browser tests could not afford one; the graphs take any input size.
TINY = Florence2Dims(192, (16, 24, 32, 48), (1, 1, 2, 2), (1, 1, 1, 1), 48, 2, 2, 96, 512, 1024, 0.2)
# Florence-2-base: DaViT (128, 256, 512, 1024), depths (1, 1, 9, 1); BART-base-like 6 + 6 layers, d_model 768.
REAL_SIZE = Florence2Dims(768, (128, 256, 512, 1024), (4, 8, 16, 32), (1, 1, 9, 1), 768, 6, 12, 3072, 50265, 1024,
                          0.02)

BOS, PAD, EOS = 0, 1, 2

TASK_PROMPTS_WITHOUT_INPUTS = {
    '<OCR>': 'What is the text in the image?',
    '<OCR_WITH_REGION>': 'What is the text in the image, with regions?',
    '<CAPTION>': 'What does the image describe?',
    '<DETAILED_CAPTION>': 'Describe in detail what is shown in the image.',
    '<MORE_DETAILED_CAPTION>': 'Describe with a paragraph what is shown in the image.',
    '<OD>': 'Locate the objects with category name in the image.',
    '<DENSE_REGION_CAPTION>': 'Locate the objects in the image, with their descriptions.',
    '<REGION_PROPOSAL>': 'Locate the region proposals in the image.',
}
TASK_PROMPTS_WITH_INPUT = {
    '<CAPTION_TO_PHRASE_GROUNDING>': 'Locate the phrases in the caption: {input}',
    '<REFERRING_EXPRESSION_SEGMENTATION>': 'Locate {input} in the image with mask',
    '<REGION_TO_SEGMENTATION>': 'What is the polygon mask of region {input}',
    '<OPEN_VOCABULARY_DETECTION>': 'Locate {input} in the image.',
    '<REGION_TO_CATEGORY>': 'What is the region {input}?',
    '<REGION_TO_DESCRIPTION>': 'What does the region {input} describe?',
    '<REGION_TO_OCR>': 'What text is in the region {input}?',
}
TASKS_ANSWER_POST_PROCESSING_TYPE = {
    '<OCR>': 'pure_text',
    '<OCR_WITH_REGION>': 'ocr',
    '<CAPTION>': 'pure_text',
    '<DETAILED_CAPTION>': 'pure_text',
    '<MORE_DETAILED_CAPTION>': 'pure_text',
    '<OD>': 'description_with_bboxes',
    '<DENSE_REGION_CAPTION>': 'description_with_bboxes',
    '<CAPTION_TO_PHRASE_GROUNDING>': 'phrase_grounding',
    '<REFERRING_EXPRESSION_SEGMENTATION>': 'polygons',
    '<REGION_TO_SEGMENTATION>': 'polygons',
    '<OPEN_VOCABULARY_DETECTION>': 'description_with_bboxes_or_polygons',
    '<REGION_TO_CATEGORY>': 'pure_text',
    '<REGION_TO_DESCRIPTION>': 'pure_text',
    '<REGION_TO_OCR>': 'pure_text',
    '<REGION_PROPOSAL>': 'bboxes',
}


def _text_config(dims: Florence2Dims, vocab_size: int) -> dict:
    return dict(
        vocab_size=vocab_size, d_model=dims.d_model, encoder_layers=dims.layers, decoder_layers=dims.layers,
        encoder_attention_heads=dims.heads, decoder_attention_heads=dims.heads, encoder_ffn_dim=dims.ffn,
        decoder_ffn_dim=dims.ffn, max_position_embeddings=dims.max_positions, activation_function='gelu',
        dropout=0.0, attention_dropout=0.0, activation_dropout=0.0, scale_embedding=False,
        bos_token_id=BOS, pad_token_id=PAD, eos_token_id=EOS, decoder_start_token_id=EOS,
        forced_bos_token_id=BOS, forced_eos_token_id=EOS, is_encoder_decoder=True,
    )


def _vision_config(dims: Florence2Dims) -> dict:
    return dict(
        depths=list(dims.vision_depths), patch_size=[7, 3, 3, 3], patch_stride=[4, 2, 2, 2],
        patch_padding=[3, 1, 1, 1], patch_prenorm=[False, True, True, True], window_size=12,
        drop_path_rate=0.0, projection_dim=dims.d_model, max_temporal_embeddings=100, max_position_embeddings=50,
    )


def build_model(dims: Florence2Dims, vocab: dict[str, int], seed: int):
    from transformers import Florence2Config, Florence2ForConditionalGeneration

    vision = dict(_vision_config(dims), embed_dim=list(dims.vision_dims), num_heads=list(dims.vision_heads),
                  num_groups=list(dims.vision_heads))
    config = Florence2Config(text_config=dict(_text_config(dims, len(vocab)), model_type='bart'),
                             vision_config=vision, image_token_id=len(vocab))
    torch.manual_seed(seed)
    model = Florence2ForConditionalGeneration(config).eval()
    randomize_(model, seed=seed, std=dims.init_std)
    # The LM head is tied to the shared embedding. Keep whole words and the <loc_*> tokens, so that
    # greedy <OD> output is made of labels and <loc_*> boxes that post_process_generation can parse.
    keep = {i for t, i in vocab.items() if is_word_piece(t) or t.startswith('<loc_')} | {EOS}
    damp_rows_(model.lm_head.weight, keep, scale=0.1)
    return model


def write_hub_config(out: Path, dims: Florence2Dims, vocab_size: int) -> None:
    """config.json as in the hub repo (Florence-2's original remote-code format, read by transformers.js)."""
    vision = _vision_config(dims)
    write_json(out / 'config.json', {
        'architectures': ['Florence2ForConditionalGeneration'],
        'model_type': 'florence2',
        'is_encoder_decoder': True,
        'bos_token_id': BOS,
        'pad_token_id': PAD,
        'eos_token_id': EOS,
        'ignore_index': -100,
        'projection_dim': dims.d_model,
        'vocab_size': vocab_size,
        'text_config': dict(_text_config(dims, vocab_size), model_type='florence2_language', no_repeat_ngram_size=3,
                            num_beams=3, early_stopping=True),
        'vision_config': {
            'model_type': 'davit',
            'drop_path_rate': vision['drop_path_rate'],
            'patch_size': vision['patch_size'],
            'patch_stride': vision['patch_stride'],
            'patch_padding': vision['patch_padding'],
            'patch_prenorm': vision['patch_prenorm'],
            'enable_checkpoint': False,
            'dim_embed': list(dims.vision_dims),
            'num_heads': list(dims.vision_heads),
            'num_groups': list(dims.vision_heads),
            'depths': list(dims.vision_depths),
            'window_size': vision['window_size'],
            'projection_dim': dims.d_model,
            'visual_temporal_embedding': {'type': 'COSINE', 'max_temporal_embeddings': 100},
            'image_pos_embed': {'type': 'learned_abs_2d', 'max_pos_embeddings': 50},
            'image_feature_source': ['spatial_avg_pool', 'temporal_avg_pool'],
        },
        'torch_dtype': 'float32',
    })


def write_generation_config(out: Path) -> None:
    write_json(out / 'generation_config.json', {
        'bos_token_id': BOS,
        'decoder_start_token_id': EOS,
        'early_stopping': True,
        'eos_token_id': EOS,
        'forced_bos_token_id': BOS,
        'forced_eos_token_id': EOS,
        'no_repeat_ngram_size': 3,
        'num_beams': 3,
        'pad_token_id': PAD,
    })


def write_preprocessor(out: Path, dims: Florence2Dims) -> None:
    tokens = (dims.image_size // 32) ** 2 + 1
    write_json(out / 'preprocessor_config.json', {
        'crop_size': {'height': dims.image_size, 'width': dims.image_size},
        'do_center_crop': False,
        'do_convert_rgb': None,
        'do_normalize': True,
        'do_rescale': True,
        'do_resize': True,
        'image_mean': [0.485, 0.456, 0.406],
        'image_processor_type': 'CLIPImageProcessor',
        'image_seq_length': tokens,
        'image_std': [0.229, 0.224, 0.225],
        'processor_class': 'Florence2Processor',
        'resample': 3,
        'rescale_factor': 1 / 255,
        'size': {'height': dims.image_size, 'width': dims.image_size},
        'tasks_answer_post_processing_type': TASKS_ANSWER_POST_PROCESSING_TYPE,
        'task_prompts_without_inputs': TASK_PROMPTS_WITHOUT_INPUTS,
        'task_prompts_with_input': TASK_PROMPTS_WITH_INPUT,
    })


def generate(out: Path, dims: Florence2Dims, seed: int = 0, opset: int | None = None) -> None:
    import json

    reset_dir(out)
    prompts = list(TASK_PROMPTS_WITHOUT_INPUTS.values()) + list(TASK_PROMPTS_WITH_INPUT.values())
    vocab_size = write_florence2_tokenizer(out, dims.base_vocab_size, prompts, model_max_length=dims.max_positions)
    vocab = json.loads((out / 'tokenizer.json').read_text())['model']['vocab']
    vocab.update({t['content']: t['id'] for t in json.loads((out / 'tokenizer.json').read_text())['added_tokens']})
    if len(vocab) != vocab_size:
        raise RuntimeError(f'tokenizer.json has {len(vocab)} ids, the tokenizer {vocab_size}')
    model = build_model(dims, vocab, seed)
    write_hub_config(out, dims, vocab_size)
    write_generation_config(out)
    write_preprocessor(out, dims)
    export_all(model, out / 'onnx', opset=opset or 18)
    print(f'[florence-2] wrote {out}\n{describe_folder(out)}', flush=True)
