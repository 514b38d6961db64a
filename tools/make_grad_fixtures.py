#!/usr/bin/env python3
"""PyTorch autograd oracle for the training graphs in src/lib/train/graph (docs/architecture.md decision 9).

Builds small GPT-2 decoders with cross-attention (transformers' GPT2LMHeadModel, add_cross_attention=True),
exports each with torch.onnx.export(dynamo=False) under the names optimum uses (input_ids,
encoder_hidden_states -> logits), and writes for fixed inputs: PyTorch's loss, the gradients of every weight
of the exported graph, LoRA adapter gradients, a few optimizer steps (RAdam, AdamW) and single optimizer
updates, each in float64 and float32.

Loss (the exact formula the TypeScript loss graph implements), for logits z[b,t,:], targets y[b,t],
padding mask m[b,t] in {0,1} and per-sample weights w[b] >= 0:
    ce[b,t] = logsumexp(z[b,t,:]) - z[b,t,y[b,t]]
    loss    = sum_{b,t} w[b] * m[b,t] * ce[b,t] / sum_{b,t} m[b,t]
With all weights 1 this is the mean over real tokens. The denominator does not contain the weights, so a
weight scales its sample's contribution (a sample weighted 0.5 counts half), and scaling all weights by c
scales the loss and its gradients by c.

LoRA on a projection y = x @ W (+ b), W of shape [in, out] as the graph multiplies it (Gemm's B after
transB, MatMul's second input): y += (alpha / r) * (x @ A) @ B with A [in, r], B [r, out].

Layout written to test/fixtures/grad/: <config>.onnx (the exported decoder, float32), <config>.bin (all arrays,
little-endian, concatenated) and manifest.json (per config: model config, opset, arrays with dtype, shape,
byte offset). Gradient arrays are keyed by the name of the tensor in the ONNX graph (an initializer, or the
output of an Identity that the exporter used to share equal initializers), in the graph's layout.

Run: python3 tools/make_grad_fixtures.py  (about a minute on two cores; deterministic).
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
import transformers.masking_utils as masking_utils
from onnx import numpy_helper
from transformers import GPT2Config, GPT2LMHeadModel

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "grad"

# transformers 5 looks for packed sequences with torch.diff, which the TorchScript exporter cannot export;
# there is one sequence per row here, which is what returning None means.
masking_utils.find_packed_sequence_indices = lambda position_ids: None

# Batch: 3 samples of 7 target tokens with 7, 5 and 3 real ones; encoder states of 5 positions.
BATCH, TARGET_LEN, ENCODER_LEN = 3, 7, 5
REAL_LENGTHS = [7, 5, 3]
SAMPLE_WEIGHTS = [1.0, 0.5, 2.0]
PAD_ID = 0

CONFIGS = [
    # Randomized weights (no two initializers equal), opset 14: LayerNorm decomposed, Conv1D as Gemm,
    # lm_head tied to wte (exported as a separate transposed initializer).
    dict(name="gpt2-a", vocab=96, positions=32, embd=32, layers=2, heads=4, opset=14, init="random",
         grads=["full", "lora"], optimizer_steps=True),
    # Default Hugging Face init (layer norms 1/0, biases 0): the exporter shares equal initializers through
    # Identity nodes. opset 17: LayerNormalization.
    dict(name="gpt2-b", vocab=80, positions=24, embd=24, layers=3, heads=2, opset=17, init="default",
         grads=["full"], optimizer_steps=False),
    # Vocabulary and positions like the tiny student in public/models/tiny-random/vit-gpt2.
    dict(name="gpt2-student-like", vocab=None, positions=None, embd=32, layers=2, heads=4, opset=14,
         init="random", grads=["lora", "lastBlock"], optimizer_steps=False),
]

LORA_RANK, LORA_ALPHA = 2, 4.0
# The projections LoRA wraps in the fixtures: every Conv1D of every block.
LORA_MODULE_SUFFIXES = ("attn.c_attn", "attn.c_proj", "crossattention.q_attn", "crossattention.c_attn",
                        "crossattention.c_proj", "mlp.c_fc", "mlp.c_proj")

OPTIMIZER_HYPER = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, max_grad_norm=1.0)
TRAJECTORY_STEPS = 8


def student_sizes() -> tuple[int, int]:
    """Vocabulary and positions of the tiny student's decoder, when its generator has run; else defaults."""
    config_path = ROOT / "public" / "models" / "tiny-random" / "vit-gpt2" / "config.json"
    if config_path.exists():
        decoder = json.loads(config_path.read_text())["decoder"]
        return int(decoder["vocab_size"]), int(decoder.get("n_positions", decoder.get("max_position_embeddings")))
    return 1000, 64


class ExportableGPT2(GPT2LMHeadModel):
    """GPT2LMHeadModel whose forward takes the two inputs optimum's decoder export has and returns logits."""

    def forward(self, input_ids, encoder_hidden_states):  # type: ignore[override]
        return super().forward(input_ids=input_ids, encoder_hidden_states=encoder_hidden_states,
                               use_cache=False).logits


def build_model(spec: dict) -> ExportableGPT2:
    config = GPT2Config(vocab_size=spec["vocab"], n_positions=spec["positions"], n_embd=spec["embd"],
                        n_layer=spec["layers"], n_head=spec["heads"], add_cross_attention=True,
                        activation_function="gelu_new", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        bos_token_id=spec["vocab"] - 1, eos_token_id=spec["vocab"] - 1,
                        attn_implementation="eager")
    torch.manual_seed(1234)
    model = ExportableGPT2(config).eval()
    if spec["init"] == "random":
        generator = torch.Generator().manual_seed(99)
        with torch.no_grad():
            for name, param in model.named_parameters():
                noise = torch.randn(param.shape, generator=generator)
                if name.endswith(("ln_1.weight", "ln_2.weight", "ln_cross_attn.weight", "ln_f.weight")):
                    param.copy_(1.0 + 0.1 * noise)
                elif name.endswith("bias"):
                    param.copy_(0.1 * noise)
                elif name.endswith("wte.weight"):
                    param.copy_(0.5 * noise)
                else:
                    param.copy_(noise / math.sqrt(param.shape[0]))
    return model


def make_inputs(spec: dict) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    vocab = spec["vocab"]
    labels = rng.integers(1, vocab, size=(BATCH, TARGET_LEN), dtype=np.int64)
    mask = np.zeros((BATCH, TARGET_LEN), dtype=np.float32)
    for b, length in enumerate(REAL_LENGTHS):
        mask[b, :length] = 1.0
    labels[mask == 0] = PAD_ID
    # Teacher forcing: the decoder reads BOS then the targets shifted right; padding stays padding.
    input_ids = np.concatenate([np.full((BATCH, 1), vocab - 1, dtype=np.int64), labels[:, :-1]], axis=1)
    input_ids[mask == 0] = PAD_ID
    encoder = rng.standard_normal((BATCH, ENCODER_LEN, spec["embd"])).astype(np.float32)
    return dict(input_ids=input_ids, encoder_hidden_states=encoder, labels=labels, label_mask=mask,
                sample_weights=np.array(SAMPLE_WEIGHTS, dtype=np.float32))


def export(model: ExportableGPT2, spec: dict, inputs: dict[str, np.ndarray], path: Path) -> None:
    ids = torch.from_numpy(inputs["input_ids"])
    encoder = torch.from_numpy(inputs["encoder_hidden_states"])
    torch.onnx.export(
        model, (ids, encoder), str(path), dynamo=False, opset_version=spec["opset"], do_constant_folding=True,
        input_names=["input_ids", "encoder_hidden_states"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                      "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                      "logits": {0: "batch_size", 1: "sequence_length"}})


def loss_fn(logits: torch.Tensor, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
    lse = torch.logsumexp(logits, dim=-1)
    picked = torch.gather(logits, -1, inputs["labels"].unsqueeze(-1)).squeeze(-1)
    mask = inputs["label_mask"]
    weighted = inputs["sample_weights"].unsqueeze(-1) * mask * (lse - picked)
    return weighted.sum() / mask.sum()


def graph_weights(model_path: Path, model: ExportableGPT2) -> dict[str, tuple[str, bool]]:
    """Maps each float weight of the ONNX graph (initializer, or Identity of one) to (torch name, transposed).

    Named initializers keep the parameter's name; anonymous ones (the transposed lm_head) are found by value.
    """
    graph = onnx.load(str(model_path)).graph
    params = dict(model.named_parameters(remove_duplicate=False))
    values = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    aliases = {node.output[0]: node.input[0] for node in graph.node
               if node.op_type == "Identity" and node.input[0] in values}
    mapping: dict[str, tuple[str, bool]] = {}
    for name in list(values) + list(aliases):
        value = values[aliases.get(name, name)]
        if value.dtype != np.float32 or value.size <= 1:
            continue
        if name in params:
            mapping[name] = (name, False)
    taken = set(mapping)
    for name in list(values) + list(aliases):
        value = values[aliases.get(name, name)]
        if name in mapping or value.dtype != np.float32 or value.size <= 1:
            continue
        for torch_name, param in params.items():
            if torch_name in taken:
                continue
            data = param.detach().numpy()
            if data.shape == value.shape and np.array_equal(data, value):
                mapping[name] = (torch_name, False)
            elif data.ndim == 2 and data.T.shape == value.shape and np.array_equal(data.T, value):
                mapping[name] = (torch_name, True)
            else:
                continue
            taken.add(torch_name)
            break
        else:
            raise SystemExit(f"no parameter matches graph weight {name}")
    return mapping


def run_with_leaves(model, leaves: dict[str, torch.Tensor], mapping, inputs, dtype, lora=None):
    """Forward + loss where every graph weight is its own leaf (so tied weights get one gradient per use)."""
    state = {}
    for graph_name, leaf in leaves.items():
        torch_name, transposed = mapping[graph_name]
        state[torch_name] = leaf.T if transposed else leaf
    tensors = {k: (torch.from_numpy(v).to(dtype) if v.dtype == np.float32 else torch.from_numpy(v))
               for k, v in inputs.items()}
    hooks = install_lora(model, lora, dtype) if lora else []
    try:
        logits = torch.func.functional_call(
            model, state, (tensors["input_ids"], tensors["encoder_hidden_states"].to(dtype)), tie_weights=False)
    finally:
        for hook in hooks:
            hook.remove()
    return loss_fn(logits, tensors)


def install_lora(model, lora: dict[str, tuple[torch.Tensor, torch.Tensor]], dtype):
    scale = LORA_ALPHA / LORA_RANK
    hooks = []
    for module_name, module in model.named_modules():
        key = module_name + ".weight"
        if key in lora:
            a, b = lora[key]
            hooks.append(module.register_forward_hook(
                lambda _m, args, out, a=a, b=b: out + scale * ((args[0] @ a) @ b)))
    return hooks


def leaf_dict(mapping, model, dtype) -> dict[str, torch.Tensor]:
    params = dict(model.named_parameters(remove_duplicate=False))
    leaves = {}
    for graph_name, (torch_name, transposed) in mapping.items():
        value = params[torch_name].detach()
        leaves[graph_name] = (value.T if transposed else value).clone().to(dtype).requires_grad_(True)
    return leaves


class Arrays:
    """Concatenates arrays into one little-endian blob and remembers where each is."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.offset = 0
        self.index: dict[str, dict] = {}

    def add(self, key: str, array: np.ndarray) -> None:
        array = np.ascontiguousarray(array)
        dtype = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64",
                 np.dtype(np.int64): "int64"}[array.dtype]
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        pad = (-self.offset) % 8
        self.chunks.append(b"\0" * pad)
        self.offset += pad
        self.index[key] = dict(dtype=dtype, shape=list(array.shape), offset=self.offset)
        self.chunks.append(data)
        self.offset += len(data)

    def blob(self) -> bytes:
        return b"".join(self.chunks)


def lora_init(mapping, model, generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Seeded, non-zero A and B for every LoRA target (B is non-zero so that A's gradient is too)."""
    params = dict(model.named_parameters())
    adapters = {}
    for graph_name, (torch_name, transposed) in mapping.items():
        if transposed or not torch_name.removesuffix(".weight").endswith(LORA_MODULE_SUFFIXES):
            continue
        fan_in, fan_out = params[torch_name].shape
        a = torch.randn((fan_in, LORA_RANK), generator=generator) / math.sqrt(fan_in)
        b = 0.5 * torch.randn((LORA_RANK, fan_out), generator=generator)
        adapters[graph_name] = (a.numpy(), b.numpy())
    return adapters


def gradient_entries(spec, model, mapping, inputs, arrays: Arrays) -> dict:
    out: dict = {}
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        leaves = leaf_dict(mapping, model, dtype)
        loss = run_with_leaves(model, leaves, mapping, inputs, dtype)
        out[f"loss_{tag}"] = float(loss)
        if "full" in spec["grads"] or "lastBlock" in spec["grads"]:
            grads = torch.autograd.grad(loss, list(leaves.values()))
            # "lastBlock": the last block's weights and the final layer norm (the 'last k blocks' preset).
            last = (f"transformer.h.{spec['layers'] - 1}.", "transformer.ln_f.")
            names = [n for n in leaves if "full" in spec["grads"] or n.startswith(last)]
            for name, grad in zip(leaves, grads):
                if name in names:
                    arrays.add(f"grad.{tag}.{name}", grad.numpy())
            out["weights"] = names
    return out


def lora_entries(spec, model, mapping, inputs, arrays: Arrays) -> dict:
    adapters = lora_init(mapping, model, torch.Generator().manual_seed(5))
    for name, (a, b) in adapters.items():
        arrays.add(f"lora.A.{name}", a)
        arrays.add(f"lora.B.{name}", b)
    out: dict = dict(rank=LORA_RANK, alpha=LORA_ALPHA, targets=list(adapters))
    for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
        leaves = {k: v.detach() for k, v in leaf_dict(mapping, model, dtype).items()}
        lora = {k: (torch.from_numpy(a).to(dtype).requires_grad_(True), torch.from_numpy(b).to(dtype).requires_grad_(True))
                for k, (a, b) in adapters.items()}
        loss = run_with_leaves(model, leaves, mapping, inputs, dtype, lora=lora)
        out[f"loss_{tag}"] = float(loss)
        flat = [t for pair in lora.values() for t in pair]
        grads = torch.autograd.grad(loss, flat)
        for i, name in enumerate(lora):
            arrays.add(f"lora.gradA.{tag}.{name}", grads[2 * i].numpy())
            arrays.add(f"lora.gradB.{tag}.{name}", grads[2 * i + 1].numpy())
    return out


def make_optimizer(kind: str, params, dtype_hyper=OPTIMIZER_HYPER):
    h = dtype_hyper
    if kind == "radam":
        return torch.optim.RAdam(params, lr=h["lr"], betas=h["betas"], eps=h["eps"],
                                 weight_decay=h["weight_decay"], foreach=False)
    return torch.optim.AdamW(params, lr=h["lr"], betas=h["betas"], eps=h["eps"],
                             weight_decay=h["weight_decay"], foreach=False)


def trajectory_entries(model, mapping, inputs, arrays: Arrays) -> dict:
    """TRAJECTORY_STEPS training steps of the LoRA adapters on one fixed batch, float32, per optimizer."""
    adapters = lora_init(mapping, model, torch.Generator().manual_seed(5))
    out: dict = {}
    for kind in ("radam", "adamw"):
        leaves = {k: v.detach() for k, v in leaf_dict(mapping, model, torch.float32).items()}
        lora = {k: (torch.from_numpy(a.copy()).requires_grad_(True), torch.from_numpy(b.copy()).requires_grad_(True))
                for k, (a, b) in adapters.items()}
        flat = [t for pair in lora.values() for t in pair]
        optimizer = make_optimizer(kind, flat)
        losses, norms = [], []
        for _ in range(TRAJECTORY_STEPS):
            optimizer.zero_grad()
            loss = run_with_leaves(model, leaves, mapping, inputs, torch.float32, lora=lora)
            loss.backward()
            norms.append(float(torch.nn.utils.clip_grad_norm_(flat, OPTIMIZER_HYPER["max_grad_norm"])))
            optimizer.step()
            losses.append(float(loss))
        for name, (a, b) in lora.items():
            arrays.add(f"trajectory.{kind}.A.{name}", a.detach().numpy())
            arrays.add(f"trajectory.{kind}.B.{name}", b.detach().numpy())
        out[kind] = dict(losses=losses, grad_norms=norms)
    return out


def single_step_entries(arrays: Arrays) -> dict:
    """One optimizer update on random tensors, from a fresh state (step 1) and from a stored state at step 11
    (so the update is step 12: RAdam's rectified branch), with clipping active. float64 and float32."""
    rng = np.random.default_rng(3)
    shapes = {"w0": (4, 3), "w1": (5,), "w2": (2, 2, 2)}
    params = {k: rng.standard_normal(s).astype(np.float32) for k, s in shapes.items()}
    grads = {k: (3.0 * rng.standard_normal(s)).astype(np.float32) for k, s in shapes.items()}
    exp_avg = {k: (0.1 * rng.standard_normal(s)).astype(np.float32) for k, s in shapes.items()}
    exp_avg_sq = {k: (0.05 * rng.random(s)).astype(np.float32) for k, s in shapes.items()}
    for k in shapes:
        arrays.add(f"single.param.{k}", params[k])
        arrays.add(f"single.grad.{k}", grads[k])
        arrays.add(f"single.exp_avg.{k}", exp_avg[k])
        arrays.add(f"single.exp_avg_sq.{k}", exp_avg_sq[k])
    cases = []
    for kind in ("radam", "adamw"):
        for prior_step in (0, 11):
            for dtype, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
                # Copies: torch.from_numpy shares memory, and clipping and the step work in place.
                tensors = {k: torch.from_numpy(v).to(dtype).clone().requires_grad_(True) for k, v in params.items()}
                for k, t in tensors.items():
                    t.grad = torch.from_numpy(grads[k]).to(dtype).clone()
                optimizer = make_optimizer(kind, list(tensors.values()))
                if prior_step:
                    for k, t in tensors.items():
                        optimizer.state[t] = dict(step=torch.tensor(float(prior_step)),
                                                  exp_avg=torch.from_numpy(exp_avg[k]).to(dtype).clone(),
                                                  exp_avg_sq=torch.from_numpy(exp_avg_sq[k]).to(dtype).clone())
                norm = float(torch.nn.utils.clip_grad_norm_(list(tensors.values()), OPTIMIZER_HYPER["max_grad_norm"]))
                optimizer.step()
                case = f"{kind}.{prior_step}.{tag}"
                for k, t in tensors.items():
                    arrays.add(f"single.out.{case}.param.{k}", t.detach().numpy())
                    arrays.add(f"single.out.{case}.exp_avg.{k}", optimizer.state[t]["exp_avg"].numpy())
                    arrays.add(f"single.out.{case}.exp_avg_sq.{k}", optimizer.state[t]["exp_avg_sq"].numpy())
                cases.append(dict(case=case, optimizer=kind, prior_step=prior_step, dtype=tag, grad_norm=norm))
    return dict(names=list(shapes), cases=cases)


def check_export(path: Path, model, inputs) -> float:
    """The exported graph must compute the model's logits (float32, ONNX Runtime CPU)."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (logits,) = session.run(["logits"], {"input_ids": inputs["input_ids"],
                                         "encoder_hidden_states": inputs["encoder_hidden_states"]})
    with torch.no_grad():
        expected = model(torch.from_numpy(inputs["input_ids"]), torch.from_numpy(inputs["encoder_hidden_states"]))
    return float(np.abs(logits - expected.numpy()).max())


def main() -> None:
    torch.set_num_threads(2)
    OUT.mkdir(parents=True, exist_ok=True)
    manifest: dict = dict(
        generator="tools/make_grad_fixtures.py",
        torch=torch.__version__,
        loss="sum(w[b] * m[b,t] * (logsumexp(z[b,t]) - z[b,t,y[b,t]])) / sum(m[b,t])",
        lora="y += (alpha / rank) * (x @ A) @ B",
        optimizer=dict(OPTIMIZER_HYPER, betas=list(OPTIMIZER_HYPER["betas"]),
                       clipping="torch.nn.utils.clip_grad_norm_ before the step"),
        pad_id=PAD_ID,
        configs={},
    )
    student_vocab, student_positions = student_sizes()
    for spec in CONFIGS:
        spec = dict(spec)
        spec["vocab"] = spec["vocab"] or student_vocab
        spec["positions"] = spec["positions"] or student_positions
        name = spec["name"]
        model = build_model(spec)
        inputs = make_inputs(spec)
        onnx_path = OUT / f"{name}.onnx"
        export(model, spec, inputs, onnx_path)
        export_error = check_export(onnx_path, model, inputs)
        mapping = graph_weights(onnx_path, model)
        arrays = Arrays()
        for key, value in inputs.items():
            arrays.add(f"input.{key}", value)
        entry: dict = dict(spec=spec, export_max_abs_logit_error=export_error,
                           weight_sources={k: dict(torch=t, transposed=tr) for k, (t, tr) in mapping.items()})
        entry["gradients"] = gradient_entries(spec, model, mapping, inputs, arrays)
        if "lora" in spec["grads"]:
            entry["lora"] = lora_entries(spec, model, mapping, inputs, arrays)
        if spec["optimizer_steps"]:
            entry["trajectory"] = trajectory_entries(model, mapping, inputs, arrays)
            entry["single_step"] = single_step_entries(arrays)
        entry["arrays"] = arrays.index
        (OUT / f"{name}.bin").write_bytes(arrays.blob())
        manifest["configs"][name] = entry
        size = (OUT / f"{name}.bin").stat().st_size + onnx_path.stat().st_size
        print(f"{name}: loss f64 {entry['gradients']['loss_f64']:.6f}, export error {export_error:.2e}, "
              f"{size / 1e6:.2f} MB", file=sys.stderr)
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"fixtures: {total / 1e6:.2f} MB in {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
