"""The model card (README.md) of the trained student, rendered from the run's record (run.json)."""
from pathlib import Path

SPLIT_ORDER = ['simple', 'complex', 'bias', 'control', 'heldout', 'val']


def _name(v) -> str:
    return str(v.get('name')) if isinstance(v, dict) else str(v)


def _fmt(x: float) -> str:
    return f'{x:.3f}'


def _figures_table(figures: dict) -> list[str]:
    with_counts = any(f.get('count_accuracy') is not None for f in figures.values())
    lines = ['| split | images | recall | CHAIR-i | CHAIR-s | object words / caption |' + (' count accuracy |' if with_counts else ''),
             '|---|---:|---:|---:|---:|---:|' + ('---:|' if with_counts else '')]
    for name in SPLIT_ORDER + sorted(set(figures) - set(SPLIT_ORDER)):
        f = figures.get(name)
        if f is None:
            continue
        row = (f"| {name} | {f['images']} | {_fmt(f['recall'])} | {_fmt(f['chair_i'])} | {_fmt(f['chair_s'])} "
               f"| {f['mentions_per_caption']:.2f} |")
        if with_counts:
            acc = f.get('count_accuracy')
            row += f" {'-' if acc is None else _fmt(acc)} ({f.get('counts_stated', 0)} stated) |"
        lines.append(row)
    return lines


def from_bench(bench: dict, command: str) -> dict:
    """The studio figures of a `npm run bench -- student` JSON, in the card's units."""
    splits = {}
    for name, f in bench['splits'].items():
        counts = f.get('counts', {})
        splits[name] = {'images': f['images'], 'recall': f['recall'], 'chair_i': f['chairI'], 'chair_s': f['chairS'],
                        'mentions_per_caption': f['mentions'] / max(1, f['images']),
                        'count_accuracy': counts.get('accuracy'), 'counts_stated': counts.get('stated', 0)}
    bias = [{'a': b['a'], 'b': b['b'], 'bias_rate': b['biasRate'], 'control_rate': b['controlRate']}
            for b in bench.get('bias', [])]
    g = bench.get('generation', {})
    how = (f"`{command}`: StudentService on onnxruntime-node's {bench.get('device', 'cpu')} EP, {g.get('strategy')},"
           f" at most {g.get('maxNewTokens')} new tokens, batch {g.get('batchSize')}; the studio's CHAIR matcher")
    return {'how': how, 'splits': splits, 'bias': bias}


def _bias_lines(bias: list[dict]) -> list[str]:
    lines = []
    for b in bias:
        ratio = 'inf' if b['control_rate'] == 0 else f"{b['bias_rate'] / b['control_rate']:.1f}x"
        lines.append(f"- A = {b['a']}, B = {b['b']}: B named in {b['bias_rate']:.1%} of `bias` captions (A without B) "
                     f"and {b['control_rate']:.1%} of `control` captions (neither): {ratio}.")
    return lines


def render(run: dict) -> str:
    a, t, m = run['args'], run['training'], run['model']
    scenes = run.get('scenes', {})
    lines = [
        '# capgrad/vit-gpt2-scenes',
        '',
        'A small ViT-GPT2 image captioner (transformers `VisionEncoderDecoderModel`: ViT encoder, GPT-2 decoder with',
        'cross-attention, its own byte-level BPE tokenizer) trained from scratch by this project on **composed scenes**:',
        'real COCO object cut-outs pasted on real backgrounds, captioned by a small grammar. It knows only that world:',
        f"the categories {', '.join(run['categories'])}, their counts, left/right and on/under relations. Files and",
        'layout are those of `Xenova/vit-gpt2-image-captioning` (what transformers.js 4.3.1 loads): `onnx/encoder_model.onnx`,',
        '`onnx/decoder_model.onnx` (the in-tab training source), `onnx/decoder_model_merged.onnx` (captioning), configs',
        'and tokenizer files. fp32 only.',
        '',
        '## Data',
        '',
        f"- Scenes folder: `{a['data']}` (`train` split; {run['train_images']} scenes, {run['val_images']} of them held",
        '  back as a validation slice for checkpoint choice). No test split was used for training or checkpoint choice.',
    ]
    if scenes:
        pairs = ', '.join(f"{_name(p.get('a'))} -> {_name(p.get('b'))}" for p in scenes.get('bias', [])
                          if isinstance(p, dict))
        splits = ', '.join(f"{k} {v.get('count')}" for k, v in scenes.get('splits', {}).items() if isinstance(v, dict))
        lines.append(f"- Scenes manifest (scenes.json): generator {scenes.get('generator', '?')}, seed "
                     f"{scenes.get('seed', '?')}, {scenes.get('imageSize', '?')} px, planted bias {pairs or 'none'};"
                     f" splits: {splits}.")
    if a.get('scenes_command'):
        lines.append(f"- Made with: `{a['scenes_command']}`")
    lines += [
        '',
        '## Recipe',
        '',
        f"- Command: `{run['command']}`",
        f"- Model: ViT {m['image_size']} px, patch {m['patch_size']}, hidden {m['hidden']}, {m['encoder_layers']} layers,"
        f" {m['heads']} heads, MLP {m['encoder_inner']}; GPT-2 {m['decoder_layers']} layers, MLP {m['decoder_inner']},"
        f" vocabulary {m['vocab_size']} (BPE learnt on the training captions). {m['params_encoder']:,} encoder +"
        f" {m['params_decoder']:,} decoder parameters; {m['folder_bytes'] / 1e6:.1f} MB on disk.",
        f"- Training: {t['steps']:,} steps of {a['batch']} scenes ({t['images_seen']:,} scenes seen,"
        f" {t['epochs']:.1f} epochs) in {t['train_minutes']:.1f} min on {a['threads']} CPU thread{'s' if a['threads'] != 1 else ''} ({t['steps_per_s']:.2f} steps/s);"
        f" AdamW lr {a['lr']} (warmup {a['warmup']:.0%} of the time budget, cosine to {a['lr_floor']:.0%}),"
        f" weight decay {a['wd']}, {'bfloat16 autocast, ' if a.get('bf16') else ''}no label smoothing, no dropout; curriculum (max objects per scene by fraction of"
        f" the budget) {a['curriculum']}.",
        f"- Captions: every reference caption of a scene ({run['caption_tokens']['all']:,} in all), except those that"
        f" need more than {a['max_new_tokens']} tokens when the scene has one that fits"
        f" ({run['caption_tokens']['taught']:,} taught); one drawn per scene per step.",
        f"- Augmentation: zoom-in crop up to {a['max_zoom']}x, horizontal flip with left/right swapped in the caption,"
        ' brightness / contrast / saturation / channel-gain jitter, mild noise.',
        f"- Auxiliary training losses (heads not exported): per-patch category coverage from the scenes' polygons"
        f" (weight {a['aux_patch']}), per-category counts from the CLS token (weight {a['aux_count']}).",
        f"- Checkpoint exported: the best validation score (recall - CHAIR-i) at step {t['best_step']:,}.",
        f"- Seeds: training {a['seed']} (init, batch order, augmentation); scenes as above.",
        '',
        '## Figures',
        '',
        f"Greedy decoding, at most {a['max_new_tokens']} new tokens (the studio's defaults).",
    ]
    studio = run.get('studio_figures')
    if studio:
        lines += ['', f"Through the studio's captioning path ({studio['how']}):", '']
        lines += _figures_table(studio['splits'])
        if studio.get('bias'):
            lines += [''] + _bias_lines(studio['bias'])
    lines += ['', 'Quick evaluator in Python, at the end of training (tools/studentgen/evaluate.py: PyTorch weights,'
              " PIL resize, an approximation of the studio's CHAIR matcher)"
              + (':' if studio else '; the studio figures (`npm run bench -- student`) are not in this card yet:'), '']
    lines += _figures_table(run['figures'])
    if run.get('bias'):
        lines += [''] + _bias_lines(run['bias'])
    lines += ['', 'Recall: per image, the annotated categories the caption names / the annotated categories (mean over',
              'images). CHAIR-i: object words naming a category not in the scene / all object words.']
    if run.get('notes'):
        lines += ['', '## Notes', ''] + [f'- {n}' for n in run['notes']]
    return '\n'.join(lines) + '\n'


def write_card(out: Path, run: dict) -> None:
    (out / 'README.md').write_text(render(run), encoding='utf-8')
