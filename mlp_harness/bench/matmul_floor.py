"""The floor of a training step: the matmuls it must do, timed alone.

A step of an L-layer network multiplies, for l = 1…L (a⁽⁰⁾ = X):

* forward: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾·θ⁽ˡ⁾ᵀ, (N×n_{l−1})·(n_{l−1}×n_l);
* backward, for l ≥ 2 only: δ⁽ˡ⁾·θ⁽ˡ⁾, (N×n_l)·(n_l×n_{l−1}), towards δ⁽ˡ⁻¹⁾
  (δ⁽¹⁾ is never carried further back);
* gradient: ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀ·a⁽ˡ⁻¹⁾, (n_l×N)·(N×n_{l−1}).

An (m×k)·(k×n) product counts 2·m·k·n flops. θᵀ and δᵀ are views, as in the
twins, so each library's BLAS sees the same transposed layouts; outputs are
preallocated, so nothing but BLAS is timed.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from torch_reference.device import tf32_mode

Array = np.ndarray


def matmul_operands(sizes: tuple[int, ...], N: int, dtype: str) -> list[tuple[Array, Array]]:
    """The (left, right) operands of every matmul of a step, in the twin's layouts (θᵀ and δᵀ are views)."""
    rng = np.random.default_rng(2)
    pairs = []
    for l in range(1, len(sizes)):
        a_prev = rng.uniform(size=(N, sizes[l - 1])).astype(dtype)
        theta = rng.uniform(-0.1, 0.1, size=(sizes[l], sizes[l - 1])).astype(dtype)
        delta = rng.normal(size=(N, sizes[l])).astype(dtype)
        pairs.append((a_prev, theta.T))           # z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ
        if l >= 2:
            pairs.append((delta, theta))          # δ⁽ˡ⁾θ⁽ˡ⁾, towards δ⁽ˡ⁻¹⁾
        pairs.append((delta.T, a_prev))           # ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾
    return pairs


def matmul_flops(pairs: list[tuple[Array, Array]]) -> int:
    return sum(2 * left.shape[0] * left.shape[1] * right.shape[1] for left, right in pairs)


def numpy_matmuls(pairs: list[tuple[Array, Array]]) -> Callable[[], None]:
    """All of a step's matmuls through NumPy, into preallocated outputs: nothing but BLAS."""
    outs = [np.empty((left.shape[0], right.shape[1]), left.dtype) for left, right in pairs]

    def run() -> None:
        for (left, right), out in zip(pairs, outs):
            np.matmul(left, right, out=out)
    return run


def torch_matmuls(pairs: list[tuple[Array, Array]], device: torch.device, allow_tf32: bool) -> Callable[[], None]:
    """The same matmuls through torch on ``device`` (same strides: ``.to`` keeps them), waiting for a GPU to finish."""
    tensors = [(torch.from_numpy(left).to(device), torch.from_numpy(right).to(device)) for left, right in pairs]
    outs = [torch.empty((left.shape[0], right.shape[1]), dtype=left.dtype, device=device) for left, right in tensors]
    cuda = device.type == "cuda"

    def run() -> None:
        with tf32_mode(allow_tf32):
            for (left, right), out in zip(tensors, outs):
                torch.mm(left, right, out=out)
        if cuda:
            torch.cuda.synchronize(device)
    return run
