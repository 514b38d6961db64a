"""The training loop of tools/train_student.py: data, model, auxiliary heads, schedule, checkpoints, export."""
import json
import math
import shutil
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from modelgen import vit_gpt2
from modelgen.files import describe_folder, reset_dir
from modelgen.tokenizers_bpe import write_gpt2_tokenizer
from .augment import AugmentConfig, augment
from .card import from_bench, write_card
from .data import MAX_COUNT, Split, load_split, mirror_caption, read_json
from .evaluate import Synonyms, greedy_captions, rate_naming, scores, truths_of


def log(msg: str) -> None:
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', flush=True)


def parse_curriculum(spec: str) -> list[tuple[float, int]]:
    stages = []
    for part in filter(None, spec.split(',')):
        frac, cap = part.split(':')
        stages.append((float(frac), int(cap)))
    return sorted(stages)


def lr_factor(progress: float, warmup: float, floor: float) -> float:
    if progress < warmup:
        return max(0.02, progress / warmup)
    t = min(1.0, (progress - warmup) / max(1e-9, 1.0 - warmup))
    return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * t))


def bias_pairs(manifest: dict) -> list:
    """The planted (A, B) pairs of a scenes.json: `bias` as the generator writes it ([{a: {id, name}, b: ...}])."""
    return manifest.get('bias', manifest.get('bias_pairs', []))


def atomic_save(obj: dict, path: Path) -> None:
    tmp = path.with_suffix('.tmp')
    torch.save(obj, tmp)
    tmp.replace(path)


class Trainer:
    def __init__(self, args, command: str, synonyms: Path, test_splits: list[str], max_bytes: int):
        self.args = args
        self.command = command
        self.test_splits = test_splits
        self.max_bytes = max_bytes
        self.syn = Synonyms(synonyms)
        self.work: Path = args.work.resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.grid = args.image_size // args.patch
        self.record_path = self.work / 'run.json'
        keep = args.resume or args.export_only or args.card_only
        self.record = read_json(self.record_path) if keep and self.record_path.exists() else {}
        manifest = args.data / 'scenes.json'
        self.scenes = read_json(manifest) if manifest.exists() else {}

    # ---------------------------------------------------------------- setup
    def _dims(self) -> vit_gpt2.VitGpt2Dims:
        a = self.args
        return vit_gpt2.VitGpt2Dims(
            image_size=a.image_size, patch_size=a.patch, encoder_hidden=a.hidden, encoder_layers=a.enc_layers,
            encoder_heads=a.heads, encoder_intermediate=a.enc_inner, decoder_hidden=a.hidden,
            decoder_layers=a.dec_layers, decoder_heads=a.heads, vocab_size=a.vocab, n_positions=64, init_std=0.02,
            decoder_inner=a.dec_inner,
        )

    def _build_model(self, eot: int):
        from transformers import VisionEncoderDecoderModel

        config = vit_gpt2.make_config(self._dims(), eot)
        for key in ('attn_pdrop', 'resid_pdrop', 'embd_pdrop', 'summary_first_dropout'):
            setattr(config.decoder, key, 0.0)
        torch.manual_seed(self.args.seed)
        model = VisionEncoderDecoderModel(config)
        model.generation_config.decoder_start_token_id = eot
        model.generation_config.bos_token_id = eot
        model.generation_config.eos_token_id = eot
        model.generation_config.pad_token_id = eot
        return model

    def _tokenizer(self, captions: list[str] | None):
        from tokenizers import Tokenizer

        tok_dir = self.work / 'tokenizer'
        if captions is not None:
            if tok_dir.exists():
                shutil.rmtree(tok_dir)
            tok_dir.mkdir(parents=True)
            write_gpt2_tokenizer(tok_dir, self.args.vocab, model_max_length=64, training_lines=captions)
        tok = Tokenizer.from_file(str(tok_dir / 'tokenizer.json'))
        eot = tok.token_to_id('<|endoftext|>')
        if eot != self.args.vocab - 1:
            raise RuntimeError(f'<|endoftext|> is {eot}, expected {self.args.vocab - 1}')
        return tok, eot

    @staticmethod
    def _model_bytes(model) -> tuple[int, int, int]:
        enc = sum(p.numel() for p in model.encoder.parameters())
        dec = sum(p.numel() for p in model.decoder.parameters())
        # decoder_model.onnx and decoder_model_merged.onnx each hold the decoder's weights.
        return enc, dec, 4 * (enc + 2 * dec)

    # ---------------------------------------------------------------- training
    def train(self) -> None:
        a = self.args
        t0 = time.time()
        log(f'loading {a.data / "train"} at {a.image_size} px ...')
        train = load_split(a.data / 'train', a.image_size, 2 * self.grid, limit=a.limit)
        log(f'{len(train.file_names)} scenes, categories {train.categories} ({time.time() - t0:.0f} s)')
        gen = torch.Generator().manual_seed(a.seed)
        order = torch.randperm(len(train.file_names), generator=gen)
        n_val = a.val if len(order) >= 4 * a.val else len(order) // 8
        val_idx, train_idx = order[:n_val].sort().values, order[n_val:].sort().values

        captions = [c for i in train_idx.tolist() for c in train.captions[i]]
        tok, eot = self._tokenizer(None if a.resume else captions + [mirror_caption(c) for c in captions])
        encoded = [[(tok.encode(c).ids, tok.encode(mirror_caption(c)).ids) for c in caps] for caps in train.captions]
        lengths = [len(ids) for caps in encoded for ids, _ in caps]
        too_long = sum(1 for n in lengths if n + 1 > a.max_new_tokens)
        log(f'caption tokens: mean {sum(lengths) / len(lengths):.1f}, max {max(lengths)}; '
            f'{too_long} of {len(lengths)} need more than {a.max_new_tokens} new tokens')
        # A caption the studio's greedy decoding would cut off is not taught when the scene has one that fits
        # (the shortest is kept otherwise), so the student learns phrasings that end within the limit.
        fits = lambda caps: [p for p in caps if len(p[0]) + 1 <= a.max_new_tokens]  # noqa: E731
        encoded = [fits(caps) or [min(caps, key=lambda p: len(p[0]))] for caps in encoded]
        kept = [len(ids) for caps in encoded for ids, _ in caps]
        log(f'taught captions: {len(kept)} (max {max(kept)} tokens)')

        model = self._build_model(eot)
        enc_params, dec_params, est_bytes = self._model_bytes(model)
        log(f'model: encoder {enc_params:,} + decoder {dec_params:,} parameters, about {est_bytes / 1e6:.1f} MB of ONNX')
        if est_bytes > self.max_bytes * 0.97:
            raise SystemExit(f'the model would take about {est_bytes / 1e6:.1f} MB; the limit is {self.max_bytes / 1e6} MB')
        k = len(train.categories)
        heads = torch.nn.ModuleDict({
            'patch': torch.nn.Linear(a.hidden, k),
            'count': torch.nn.Linear(a.hidden, k * (MAX_COUNT + 1)),
        })
        params = list(model.named_parameters()) + [(f'aux.{n}', p) for n, p in heads.named_parameters()]
        no_decay = lambda n, p: p.dim() < 2 or 'embeddings' in n or '.wte.' in n or '.wpe.' in n  # noqa: E731
        opt = torch.optim.AdamW([
            {'params': [p for n, p in params if not no_decay(n, p)], 'weight_decay': a.wd},
            {'params': [p for n, p in params if no_decay(n, p)], 'weight_decay': 0.0},
        ], lr=a.lr, betas=(0.9, 0.98))

        state = {'step': 0, 'elapsed': 0.0, 'images_seen': 0, 'best': -math.inf, 'best_step': 0, 'history': []}
        last = self.work / 'last.pt'
        if a.resume:
            ckpt = torch.load(last, weights_only=False)
            model.load_state_dict(ckpt['model'])
            heads.load_state_dict(ckpt['heads'])
            opt.load_state_dict(ckpt['opt'])
            gen.set_state(ckpt['gen'])
            state = ckpt['state']
            log(f'resumed at step {state["step"]}, {state["elapsed"] / 60:.1f} min in')

        n_objects = train.counts.sum(1)
        stages = parse_curriculum(a.curriculum)
        aug = AugmentConfig(max_zoom=a.max_zoom)
        budget = a.minutes * 60.0
        self.record.update({
            'command': self.command, 'args': {**{k2: (str(v) if isinstance(v, Path) else v) for k2, v in vars(a).items()}},
            'categories': train.categories, 'train_images': len(train_idx), 'val_images': n_val,
            'scenes': self.scenes, 'caption_tokens': {'mean': sum(lengths) / len(lengths), 'max': max(lengths),
                                                      'over_limit': too_long, 'all': len(lengths),
                                                      'taught': len(kept), 'taught_max': max(kept)},
        })
        val = Split(train.name + '-val', [train.file_names[i] for i in val_idx], [train.image_ids[i] for i in val_idx],
                    train.pixels[val_idx], train.coverage[val_idx], train.counts[val_idx],
                    [train.captions[i] for i in val_idx], train.categories)

        start = time.time() - state['elapsed']
        last_ckpt = last_eval = time.time()
        window_t, window_steps = time.time(), 0
        model.train()
        while True:
            elapsed = time.time() - start
            progress = elapsed / budget
            if progress >= 1.0:
                break
            cap = next((c for frac, c in stages if progress < frac), None)
            pool = train_idx if cap is None else train_idx[n_objects[train_idx] <= cap]
            if len(pool) < a.batch:
                pool = train_idx
            batch = pool[torch.randint(len(pool), (a.batch,), generator=gen)]
            x, cov, flipped = augment(train.pixels[batch], train.coverage[batch], self.grid, aug, gen)
            seqs = []
            for j, i in enumerate(batch.tolist()):
                pair = encoded[i][int(torch.randint(len(encoded[i]), (1,), generator=gen))]
                seqs.append(pair[1] if flipped[j] else pair[0])
            length = max(len(s) for s in seqs) + 1
            inp = torch.full((a.batch, length), eot, dtype=torch.long)
            labels = torch.full((a.batch, length), -100, dtype=torch.long)
            for j, s in enumerate(seqs):
                inp[j, 1:len(s) + 1] = torch.tensor(s)
                labels[j, :len(s)] = torch.tensor(s)
                labels[j, len(s)] = eot

            for g in opt.param_groups:
                g['lr'] = a.lr * lr_factor(progress, a.warmup, a.lr_floor)
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=a.bf16):
                out = model(pixel_values=x, decoder_input_ids=inp)
                hidden = out.encoder_last_hidden_state
                patch_logits = heads['patch'](hidden[:, 1:]).float()
                count_logits = heads['count'](hidden[:, 0]).float().view(a.batch, k, MAX_COUNT + 1)
            logits = out.logits.float()
            ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
            patch_target = cov.flatten(2).transpose(1, 2)
            patch_loss = F.binary_cross_entropy_with_logits(patch_logits, patch_target) * k
            count_loss = F.cross_entropy(count_logits.reshape(-1, MAX_COUNT + 1),
                                         train.counts[batch].clamp(max=MAX_COUNT).reshape(-1))
            loss = ce + a.aux_patch * patch_loss + a.aux_count * count_loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
            opt.step()
            state['step'] += 1
            state['images_seen'] += a.batch
            window_steps += 1

            if state['step'] % a.log_every == 0:
                now = time.time()
                rate = window_steps / (now - window_t)
                window_t, window_steps = now, 0
                log(f'step {state["step"]} {progress:.1%} lr {opt.param_groups[0]["lr"]:.2e} caption {ce.item():.3f} '
                    f'patch {patch_loss.item():.3f} count {count_loss.item():.3f} | {rate:.2f} steps/s, '
                    f'{rate * a.batch:.1f} img/s, cap {cap}')
            state['elapsed'] = time.time() - start
            if time.time() - last_eval >= a.eval_every * 60:
                self._validate(model, tok, eot, val, state)
                model.train()
                last_eval = time.time()
            if time.time() - last_ckpt >= a.ckpt_every * 60:
                atomic_save({'model': model.state_dict(), 'heads': heads.state_dict(), 'opt': opt.state_dict(),
                             'gen': gen.get_state(), 'state': state}, last)
                last_ckpt = time.time()

        state['elapsed'] = time.time() - start
        self._validate(model, tok, eot, val, state)
        atomic_save({'model': model.state_dict(), 'heads': heads.state_dict(), 'opt': opt.state_dict(),
                     'gen': gen.get_state(), 'state': state}, last)
        self.record['training'] = {
            'steps': state['step'], 'images_seen': state['images_seen'],
            'epochs': state['images_seen'] / max(1, len(train_idx)), 'train_minutes': state['elapsed'] / 60,
            'steps_per_s': state['step'] / max(1e-9, state['elapsed']), 'best_step': state['best_step'],
            'history': state['history'], 'load_and_train_minutes': (time.time() - t0) / 60,
        }
        self.record['model'] = self._model_record(model, 0)
        self._save_record()

    def _validate(self, model, tok, eot: int, val: Split, state: dict) -> None:
        t = time.time()
        caps = greedy_captions(model, tok, val.pixels, eot, self.args.max_new_tokens)
        s = scores(caps, truths_of(val, self.syn), self.syn)
        score = s['recall'] - s['chair_i']
        state['history'].append({'step': state['step'], 'minutes': state['elapsed'] / 60, **s})
        improved = score > state['best']
        if improved:
            state['best'], state['best_step'] = score, state['step']
            atomic_save({'model': model.state_dict(), 'step': state['step'], 'val': s}, self.work / 'best.pt')
        log(f'val @ step {state["step"]}: recall {s["recall"]:.3f} CHAIR-i {s["chair_i"]:.3f} '
            f'{"(best) " if improved else ""}e.g. "{caps[0]}" | "{caps[1]}" ({time.time() - t:.0f} s)')

    def _model_record(self, model, folder_bytes: int) -> dict:
        a = self.args
        enc, dec, _ = self._model_bytes(model)
        return {'image_size': a.image_size, 'patch_size': a.patch, 'hidden': a.hidden, 'heads': a.heads,
                'encoder_layers': a.enc_layers, 'encoder_inner': a.enc_inner, 'decoder_layers': a.dec_layers,
                'decoder_inner': a.dec_inner, 'vocab_size': a.vocab, 'params_encoder': enc, 'params_decoder': dec,
                'folder_bytes': folder_bytes}

    def _save_record(self) -> None:
        self.record_path.write_text(json.dumps(self.record, indent=2) + '\n')

    # ---------------------------------------------------------------- export
    def export_and_evaluate(self) -> None:
        a = self.args
        tok, eot = self._tokenizer(None)
        model = self._build_model(eot)
        best = torch.load(self.work / 'best.pt', weights_only=False)
        model.load_state_dict(best['model'])
        model.eval()
        out = a.out.resolve()
        log(f'exporting the checkpoint of step {best["step"]} to {out} ...')
        reset_dir(out)
        for f in sorted((self.work / 'tokenizer').iterdir()):
            shutil.copyfile(f, out / f.name)
        model.config.save_pretrained(str(out))
        vit_gpt2.write_generation_config(out, eot)
        vit_gpt2.write_preprocessor(out, a.image_size)
        vit_gpt2.export_onnx(model, out, opset=None)
        size = sum(f.stat().st_size for f in out.rglob('*') if f.is_file())
        log(f'wrote {out} ({size / 1e6:.2f} MB)\n{describe_folder(out)}')
        if size > self.max_bytes:
            raise SystemExit(f'{out} is {size / 1e6:.2f} MB, over the {self.max_bytes / 1e6} MB limit')
        self.record['model'] = self._model_record(model, size)
        self.record.setdefault('training', {})['best_step'] = best['step']
        self.record['figures'], self.record['bias'] = self._evaluate_tests(model, tok, eot)
        self.record['figures']['val'] = best['val']
        self._save_record()
        self.rewrite_card()

    def rewrite_card(self) -> None:
        """The card from run.json, with the studio figures of --bench (a `npm run bench -- student` JSON) if given."""
        a = self.args
        if a.bench is not None:
            text = a.bench.read_text(encoding='utf-8')
            self.record['studio_figures'] = from_bench(json.loads(text[text.index('{'):]), a.bench_command)
            self._save_record()
        write_card(a.out.resolve(), self.record)
        log(f'model card: {a.out.resolve() / "README.md"}')

    def _evaluate_tests(self, model, tok, eot: int) -> tuple[dict, list[dict]]:
        a = self.args
        figures, captions = {}, {}
        categories = self.record.get('categories')
        for name in self.test_splits:
            folder = a.data / name
            if not (folder / 'instances.json').exists():
                continue
            split = load_split(folder, a.image_size, 2 * self.grid, categories=categories)
            caps = greedy_captions(model, tok, split.pixels, eot, a.max_new_tokens)
            captions[name] = caps
            figures[name] = scores(caps, truths_of(split, self.syn), self.syn)
            log(f'{name}: {figures[name]} e.g. "{caps[0]}"')
        (self.work / 'test-captions.json').write_text(json.dumps(captions, indent=1) + '\n')
        bias = []
        for pair in bias_pairs(self.scenes):
            names = self._pair_names(pair)
            if names and 'bias' in captions and 'control' in captions:
                b = self.syn.category(names[1])
                bias.append({'a': names[0], 'b': names[1], 'bias_rate': rate_naming(captions['bias'], b, self.syn),
                             'control_rate': rate_naming(captions['control'], b, self.syn)})
                log(f'bias {bias[-1]}')
        return figures, bias

    def _pair_names(self, pair) -> tuple[str, str] | None:
        if isinstance(pair, dict):
            a, b = pair.get('a'), pair.get('b')
        elif isinstance(pair, (list, tuple)) and len(pair) == 2:
            a, b = pair
        else:
            return None
        ids = {c.get('id'): c.get('name') for c in self.scenes.get('categories', []) if isinstance(c, dict)}
        name = lambda v: (v.get('name') if isinstance(v, dict) else ids.get(v, v))  # noqa: E731
        return str(name(a)), str(name(b))
