"""Writes the small ONNX fixtures that test src/lib/onnx (codec round-trips, op coverage of the autodiff).

  python3 tools/make_onnx_fixtures.py   # writes test/fixtures/onnx/*.onnx (deterministic: fixed seeds)

- gpt2-xattn-tiny.onnx: a 2-layer GPT-2 with cross-attention (GPT2LMHeadModel(add_cross_attention=True)),
  random weights, exported by torch.onnx (TorchScript exporter, opset 17) the way decoder_model.onnx is:
  inputs input_ids [batch, seq] and encoder_hidden_states [batch, enc_seq, 16], output logits.
- subgraph-and-unknowns.onnx: an If with two subgraphs, plus fields the codec does not model (sparse initializer,
  quantization annotation, training info), which must survive decode -> encode unchanged.
"""
import os
import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'onnx')


def gpt2_xattn():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    cfg = GPT2Config(vocab_size=64, n_positions=16, n_embd=16, n_layer=2, n_head=2, add_cross_attention=True)
    cfg._attn_implementation = 'eager'
    model = GPT2LMHeadModel(cfg).eval()
    # Distinct random values everywhere: the TorchScript exporter merges identical initializers (all-zero biases,
    # all-one LayerNorm scales), which would hide per-parameter gradients.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.2)

    class Wrapper(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, encoder_hidden_states):
            # An explicit all-ones mask keeps transformers' packed-sequence detection (aten::diff) out of the trace.
            out = self.m(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                         encoder_hidden_states=encoder_hidden_states, use_cache=False)
            return out.logits

    ids = torch.randint(0, 64, (2, 5))
    enc = torch.randn(2, 7, 16)
    path = os.path.join(OUT, 'gpt2-xattn-tiny.onnx')
    # eval() on the wrapper too: export restores the wrapper's (default: training) mode afterwards, which would
    # switch dropout on for the reference gradients below.
    wrapper = Wrapper(model).eval()
    torch.onnx.export(wrapper, (ids, enc), path, input_names=['input_ids', 'encoder_hidden_states'],
                      output_names=['logits'], opset_version=17, dynamo=False,
                      dynamic_axes={'input_ids': {0: 'batch', 1: 'seq'},
                                    'encoder_hidden_states': {0: 'batch', 1: 'enc_seq'},
                                    'logits': {0: 'batch', 1: 'seq'}})
    write_reference_gradients(wrapper, model)


def write_reference_gradients(wrapper, model):
    """PyTorch autograd of loss = Σ logits ⊙ W for fixed inputs: the whole-graph oracle for our autodiff.

    Inputs and W are closed-form so the TypeScript test rebuilds them without reading arrays:
    input_ids = (7·i + 3) mod 64 over [2, 5], encoder_hidden_states[i] = cos(i) over [2, 7, 16],
    W[i] = sin(0.37·i) over [2, 5, 64]. Gradients are float32 little-endian, base64, keyed by parameter name
    (ONNX initializer names are 'm.' + these).
    """
    import base64
    import json

    ids = (torch.arange(10) * 7 + 3).remainder(64).reshape(2, 5)
    enc = torch.cos(torch.arange(2 * 7 * 16, dtype=torch.float64)).float().reshape(2, 7, 16)
    w = torch.sin(torch.arange(2 * 5 * 64, dtype=torch.float64) * 0.37).float().reshape(2, 5, 64)
    model.zero_grad()
    loss = (wrapper(ids, enc) * w).sum()
    loss.backward()
    b64 = lambda t: base64.b64encode(t.detach().float().contiguous().numpy().astype('<f4').tobytes()).decode()
    out = {'loss': loss.item(), 'gradients': {n: {'dims': list(p.shape), 'float32': b64(p.grad)}
                                              for n, p in model.named_parameters()}}
    with open(os.path.join(OUT, 'gpt2-xattn-tiny.grads.json'), 'w') as f:
        json.dump(out, f)


def subgraph_and_unknowns():
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 3])
    flag = helper.make_tensor_value_info('flag', TensorProto.BOOL, [])
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, [2, 3])
    then_g = helper.make_graph([helper.make_node('Mul', ['x', 'w'], ['t_out'])], 'then',
                               [], [helper.make_tensor_value_info('t_out', TensorProto.FLOAT, [2, 3])])
    else_g = helper.make_graph([helper.make_node('Neg', ['x'], ['e_out'])], 'else',
                               [], [helper.make_tensor_value_info('e_out', TensorProto.FLOAT, [2, 3])])
    nodes = [helper.make_node('If', ['flag'], ['y'], name='branch', then_branch=then_g, else_branch=else_g)]
    w = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5, 'w')
    sparse = helper.make_sparse_tensor(numpy_helper.from_array(np.array([1.5], np.float32), 'sp'),
                                       numpy_helper.from_array(np.array([4], np.int64), 'sp_idx'), [2, 3])
    graph = helper.make_graph(nodes, 'g', [x, flag], [y], [w], sparse_initializer=[sparse])
    qa = onnx.TensorAnnotation(tensor_name='w')
    qa.quant_parameter_tensor_names.add(key='SCALE_TENSOR', value='w')
    graph.quantization_annotation.append(qa)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='capgrad-fixture')
    model.ir_version = 8
    model.training_info.add().algorithm.name = 'unused'
    helper.set_model_props(model, {'purpose': 'codec round-trip'})
    onnx.save(model, os.path.join(OUT, 'subgraph-and-unknowns.onnx'))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    gpt2_xattn()
    subgraph_and_unknowns()
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)))
