"""Exports Florence-2 as the four graphs transformers.js's Florence2ForConditionalGeneration runs:

  embed_tokens.onnx          input_ids -> inputs_embeds
  vision_encoder.onnx        pixel_values -> image_features
  encoder_model.onnx         attention_mask, inputs_embeds -> last_hidden_state
  decoder_model_merged.onnx  encoder_attention_mask, encoder_hidden_states, inputs_embeds,
                             past_key_values.{i}.{decoder,encoder}.{key,value}, use_cache_branch
                             -> logits, present.{i}.{decoder,encoder}.{key,value}

optimum has no Florence-2 exporter, so each part is a small wrapper traced with the TorchScript exporter inside
optimum's ModelPatcher (its traceable masks, SDPA and cache patches), with optimum's seq2seq names and dynamic
axes, and the two decoders are fused by optimum's merge_decoders (strict=False adds the constant encoder outputs
of the with-past branch), as for the hub's seq2seq models. Every graph is checked against PyTorch with shapes
other than the traced ones.
"""
import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import onnx
import onnxruntime as ort
import torch

ATOL = 1e-4


class EmbedTokens(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.embed_tokens = model.get_input_embeddings()

    def forward(self, input_ids):
        return self.embed_tokens(input_ids)


class VisionEncoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.vision_tower = model.model.vision_tower
        self.multi_modal_projector = model.model.multi_modal_projector

    def forward(self, pixel_values):
        return self.multi_modal_projector(self.vision_tower(pixel_values))


class Encoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.encoder = model.model.language_model.encoder

    def forward(self, attention_mask, inputs_embeds):
        return self.encoder(inputs_embeds=inputs_embeds, attention_mask=attention_mask, return_dict=True)[0]


class Decoder(torch.nn.Module):
    """The BART decoder plus LM head; with_past takes the flattened cache (4 tensors per layer) as inputs and,
    like optimum's decoder_with_past, returns only the self-attention part of the new cache."""

    def __init__(self, model, with_past: bool):
        super().__init__()
        self.decoder = model.model.language_model.decoder
        self.lm_head = model.lm_head
        self.with_past = with_past

    def forward(self, encoder_attention_mask, encoder_hidden_states, inputs_embeds, *past):
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache

        if past:
            legacy = tuple(tuple(past[i:i + 4]) for i in range(0, len(past), 4))
            cache = EncoderDecoderCache.from_legacy_cache(legacy)
        else:
            cache = EncoderDecoderCache(DynamicCache(), DynamicCache())
        out = self.decoder(inputs_embeds=inputs_embeds, encoder_hidden_states=encoder_hidden_states,
                           encoder_attention_mask=encoder_attention_mask, past_key_values=cache, use_cache=True,
                           return_dict=True)
        flat = [self.lm_head(out.last_hidden_state)]
        for layer in out.past_key_values.to_legacy_cache():
            flat.extend(layer[:2] if self.with_past else layer)
        return tuple(flat)


def _past_names(prefix: str, layers: int, with_encoder: bool) -> list[str]:
    parts = ['decoder.key', 'decoder.value'] + (['encoder.key', 'encoder.value'] if with_encoder else [])
    return [f'{prefix}.{i}.{p}' for i in range(layers) for p in parts]


def _axes(name: str) -> dict[int, str]:
    if name.startswith('past_key_values') and '.decoder.' in name:
        return {0: 'batch_size', 2: 'past_decoder_sequence_length'}
    if name.startswith('present') and '.decoder.' in name:
        return {0: 'batch_size', 2: 'past_decoder_sequence_length + decoder_sequence_length'}
    if '.encoder.' in name:
        return {0: 'batch_size', 2: 'encoder_sequence_length'}
    return {
        'input_ids': {0: 'batch_size', 1: 'sequence_length'},
        'inputs_embeds': {0: 'batch_size', 1: 'sequence_length'},
        'pixel_values': {0: 'batch_size', 2: 'height', 3: 'width'},
        'image_features': {0: 'batch_size', 1: 'image_sequence_length'},
        'attention_mask': {0: 'batch_size', 1: 'encoder_sequence_length'},
        'last_hidden_state': {0: 'batch_size', 1: 'encoder_sequence_length'},
        'encoder_attention_mask': {0: 'batch_size', 1: 'encoder_sequence_length'},
        'encoder_hidden_states': {0: 'batch_size', 1: 'encoder_sequence_length'},
        'logits': {0: 'batch_size', 1: 'decoder_sequence_length'},
    }[name]


def _export(module, args: tuple, inputs: list[str], outputs: list[str], path: Path, opset: int,
            axes_override: dict[str, dict[int, str]] | None = None) -> None:
    from optimum.exporters.onnx.model_patcher import ModelPatcher

    axes = {n: _axes(n) for n in inputs + outputs}
    axes.update(axes_override or {})
    patcher_config = SimpleNamespace(PATCHING_SPECS=None, use_past=True, outputs={n: {} for n in outputs},
                                     torch_to_onnx_output_map={})
    with torch.no_grad(), ModelPatcher(patcher_config, module):
        torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=opset, do_constant_folding=True, dynamo=False)


def _check(path: Path, module, feeds: dict[str, torch.Tensor]) -> None:
    """Runs the graph in ONNX Runtime on inputs shaped unlike the traced ones and compares it with PyTorch."""
    session = ort.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    names = [i.name for i in session.get_inputs()]
    got = session.run(None, {n: feeds[n].numpy() for n in names})
    with torch.no_grad():
        want = module(*feeds.values())
    want = want if isinstance(want, tuple) else (want,)
    for i, (g, w) in enumerate(zip(got, want)):
        err = float(np.max(np.abs(g - w.numpy()))) if g.size else 0.0
        if g.shape != tuple(w.shape) or err > ATOL:
            raise RuntimeError(f'{path.name} output {i}: shape {g.shape} vs {tuple(w.shape)}, max |diff| {err}')


def _static_cache_dims(path: Path, heads: int, head_dim: int) -> None:
    """The tracer leaves the head and head-size axes of the cross-attention cache outputs unnamed-dynamic; the merged
    graph takes its output shapes from this decoder, so write the static sizes (as the inputs have them)."""
    model = onnx.load(str(path))
    for output in model.graph.output:
        if output.name.startswith('present.'):
            dims = output.type.tensor_type.shape.dim
            dims[1].Clear()
            dims[1].dim_value = heads
            dims[3].Clear()
            dims[3].dim_value = head_dim
    onnx.save(model, str(path))


def export_all(model, out: Path, opset: int) -> None:
    from optimum.onnx.graph_transformations import merge_decoders

    text = model.config.text_config
    layers, d, heads = text.decoder_layers, text.d_model, text.decoder_attention_heads
    head_dim = d // heads
    gen = torch.Generator().manual_seed(1234)

    def embeds(b, s):
        return torch.randn(b, s, d, generator=gen)

    def mask(b, s):
        m = torch.ones(b, s, dtype=torch.int64)
        m[0, -1] = 0  # one padded position, as in a batch of prompts of different lengths
        return m

    def past(b, dec, enc):
        return [torch.randn(b, heads, dec if (k // 2) % 2 == 0 else enc, head_dim, generator=gen)
                for k in range(4 * layers)]

    embed = EmbedTokens(model).eval()
    ids = torch.randint(0, text.vocab_size, (2, 5), generator=gen)
    _export(embed, (ids,), ['input_ids'], ['inputs_embeds'], out / 'embed_tokens.onnx', opset)
    _check(out / 'embed_tokens.onnx', embed, {'input_ids': torch.randint(0, text.vocab_size, (1, 9), generator=gen)})

    vision = VisionEncoder(model).eval()
    size = 768
    _export(vision, (torch.randn(1, 3, size, size, generator=gen),), ['pixel_values'], ['image_features'],
            out / 'vision_encoder.onnx', opset)
    _check(out / 'vision_encoder.onnx', vision, {'pixel_values': torch.randn(2, 3, size, size, generator=gen)})

    encoder = Encoder(model).eval()
    _export(encoder, (mask(2, 12), embeds(2, 12)), ['attention_mask', 'inputs_embeds'], ['last_hidden_state'],
            out / 'encoder_model.onnx', opset,
            {'inputs_embeds': {0: 'batch_size', 1: 'encoder_sequence_length'}})
    _check(out / 'encoder_model.onnx', encoder, {'attention_mask': mask(1, 7), 'inputs_embeds': embeds(1, 7)})

    dec_inputs = ['encoder_attention_mask', 'encoder_hidden_states', 'inputs_embeds']
    dec_axes = {'inputs_embeds': {0: 'batch_size', 1: 'decoder_sequence_length'}}
    with tempfile.TemporaryDirectory(prefix='florence2-') as tmp:
        plain, with_past = Path(tmp) / 'decoder_model.onnx', Path(tmp) / 'decoder_with_past_model.onnx'
        decoder = Decoder(model, with_past=False).eval()
        _export(decoder, (mask(2, 12), embeds(2, 12), embeds(2, 3)), dec_inputs,
                ['logits', *_past_names('present', layers, True)], plain, opset, dec_axes)
        for steps in (1, 4):  # transformers.js's first step feeds one token; training feeds many
            _check(plain, decoder, {'encoder_attention_mask': mask(1, 7), 'encoder_hidden_states': embeds(1, 7),
                                    'inputs_embeds': embeds(1, steps)})

        decoder_wp = Decoder(model, with_past=True).eval()
        _export(decoder_wp, (mask(2, 12), embeds(2, 12), embeds(2, 1), *past(2, 3, 12)),
                dec_inputs + _past_names('past_key_values', layers, True),
                ['logits', *_past_names('present', layers, False)], with_past, opset, dec_axes)
        feeds = {'encoder_attention_mask': mask(1, 7), 'encoder_hidden_states': embeds(1, 7),
                 'inputs_embeds': embeds(1, 1)}
        feeds.update(zip(_past_names('past_key_values', layers, True), past(1, 5, 7)))
        _check(with_past, decoder_wp, feeds)

        _static_cache_dims(plain, heads, head_dim)
        merge_decoders(plain, with_past, strict=False, save_path=str(out / 'decoder_model_merged.onnx'))
    onnx.checker.check_model(str(out / 'decoder_model_merged.onnx'))
