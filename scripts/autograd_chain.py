"""How autograd gets the lab's numbers: the graph behind ``loss.backward()``, node by node.

Builds the PyTorch twin's network (``torch_reference.TorchMLP``) with the lab's weights, computes the
lab's loss as the twin does, and prints the chain of autograd nodes from J down to the weights: which
forward operation each node undoes, and the gradient it passes on during ``loss.backward()``. The
gradient a ``SigmoidBackward0`` passes on is ∂J/∂z⁽ˡ⁾ = δ⁽ˡ⁾: the value the twin keeps with
``z.retain_grad()``.

    python scripts/autograd_chain.py
"""
from __future__ import annotations

import argparse

import numpy as np
import torch

from manual_mlp import lab
from manual_mlp.validation import sup
from torch_reference.twin import HalfSSELoss, TorchMLP


def labels(loss: torch.Tensor, zs: list[torch.Tensor], activations: list[torch.Tensor]) -> dict:
    """Each autograd node → (what it is the backward of, names of the gradients it passes on, in the order of
    its inputs)."""
    L = len(zs)
    mse = loss.grad_fn.next_functions[0][0]
    out = {loss.grad_fn: ("backward of J = ½ · S", ["∂J/∂S"]),
           mse: (f"backward of S = Σ (a{sup(L)} − y)²", [f"∂J/∂a{sup(L)} = a{sup(L)} − y"])}
    for l in range(1, L + 1):
        prev = "X" if l == 1 else f"a{sup(l - 1)}"
        out[activations[l].grad_fn] = (f"backward of a{sup(l)} = σ(z{sup(l)})",
                                       [f"∂J/∂z{sup(l)} = δ{sup(l)}  (kept as z{sup(l)}.grad)"])
        out[zs[l - 1].grad_fn] = (f"backward of z{sup(l)} = {prev}·θ{sup(l)}ᵀ  (nn.Linear)",
                                  [f"∂J/∂{prev} = δ{sup(l)}θ{sup(l)}", f"∂J/∂θ{sup(l)}ᵀ = {prev}ᵀδ{sup(l)}"])
        transpose = zs[l - 1].grad_fn.next_functions[1][0]
        out[transpose] = (f"backward of θ{sup(l)}ᵀ", [f"∂J/∂θ{sup(l)} = δ{sup(l)}ᵀ{prev}"])
        out[transpose.next_functions[0][0]] = (f"the leaf θ{sup(l)} (linear.weight)",
                                               [f"adds ∂J/∂θ{sup(l)} into θ{sup(l)}.grad"])
    return out


def chain(node, depth: int = 0):
    """(node, depth) from the loss down, depth first."""
    yield node, depth
    for child, _ in node.next_functions:
        if child is not None:
            yield from chain(child, depth + 1)


def flat(t: torch.Tensor) -> str:
    return np.array2string(t.detach().numpy(), precision=8, separator=" ", max_line_width=10_000).replace("\n", "")


def main() -> None:
    model = TorchMLP(lab.lab_thetas())
    zs, activations = model(torch.tensor(lab.X))
    loss = HalfSSELoss()(activations[-1], torch.tensor(lab.Y))
    nodes = list(chain(loss.grad_fn))
    passed = {}
    for node, _ in nodes:   # each node's hook sees the gradients it passes on (grad_inputs) during backward()
        node.register_hook(lambda grad_inputs, grad_outputs, node=node: passed.setdefault(node, grad_inputs))
    loss.backward()
    names = labels(loss, zs, activations)
    for node, depth in nodes:
        what, gradients = names[node]
        indent = "  " * depth
        print(f"{indent}{node.name().split('::')[-1]}   {what}")
        grads = passed.get(node, ())
        if not grads:   # AccumulateGrad: the end of the chain
            print(f"{indent}    {gradients[0]}")
        for name, value in zip(gradients, grads):
            if value is not None:   # None: an input that needs no gradient (X, y, the constant ½)
                print(f"{indent}    passes {name} = {flat(value)}")


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    main()
