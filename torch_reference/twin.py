"""The PyTorch twin: torch.nn layers, torch's loss, autograd, torch.optim.

Nothing here re-derives a formula: the forward pass is ``nn.Linear`` and
torch's activation modules, the loss is torch's, every gradient comes from
``loss.backward()``, and δ⁽ˡ⁾ is read off autograd as ∂J/∂z⁽ˡ⁾ (the gradient
that reaches each Linear layer's output). Records are NumPy arrays so they
compare directly with :class:`manual_mlp.StepRecord`.
"""
from __future__ import annotations

from contextlib import nullcontext
from typing import Callable

import numpy as np
import torch
from torch import nn

from manual_mlp.optimizers import OptimizerSettings
from manual_mlp.record import StepRecord

from .device import check_device, tf32_mode
from .lockstep import Lockstep
from .optim import FunctionalOptimizer

Array = np.ndarray

TORCH_DTYPES = {np.dtype(np.float64): torch.float64, np.dtype(np.float32): torch.float32}

#: torch's own modules for each activation name of manual_mlp
ACTIVATION_MODULES = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,      # negative_slope=0.01 by default, as manual_mlp
    "identity": nn.Identity,
    "softmax": lambda: nn.Softmax(dim=1),
}


def activation_module(name: str) -> nn.Module:
    try:
        return ACTIVATION_MODULES[name]()
    except KeyError:
        raise ValueError(f"the torch twin has no activation {name!r}") from None


class HalfSSELoss(nn.Module):
    """The lab's J = ½ Σ (y − a)²: torch's own MSE with a sum reduction, halved."""

    def forward(self, a: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return 0.5 * nn.functional.mse_loss(a, y, reduction="sum")


#: torch's loss for each loss name, and whether it reads the logits z⁽ᴸ⁾ rather than a⁽ᴸ⁾
LOSS_MODULES = {
    "half_sse": (HalfSSELoss, False),
    "mse": (nn.MSELoss, False),
    "bce": (nn.BCELoss, False),
    "cross_entropy": (nn.CrossEntropyLoss, True),
}


def make_torch_optimizer(settings: OptimizerSettings, parameters) -> FunctionalOptimizer:
    """torch.optim's own update for the same settings (weight decay defaults resolved identically), through
    its functional API so that the compiler stack is never imported (see :mod:`torch_reference.optim`)."""
    return FunctionalOptimizer(settings, parameters)


def load_weights(linears: nn.ModuleList, thetas: list[Array], biases: list[Array] | None) -> None:
    """Copy θ⁽ˡ⁾ into ``linears[l-1].weight`` and b⁽ˡ⁾ into ``.bias``.

    Layout: ``nn.Linear(n_in, n_out).weight`` is (n_out, n_in), exactly the lab's
    θ⁽ˡ⁾, and Linear computes x·Wᵀ + b = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ + b⁽ˡ⁾: no transpose anywhere.
    """
    assert len(linears) == len(thetas), f"{len(linears)} Linear layers but {len(thetas)} weight matrices"
    with torch.no_grad():
        for l, (linear, theta) in enumerate(zip(linears, thetas), start=1):
            assert tuple(linear.weight.shape) == theta.shape, f"layer {l}: weight {tuple(linear.weight.shape)} vs θ {theta.shape}"
            copy_into(linear.weight, theta)
            if biases is not None:
                assert tuple(linear.bias.shape) == biases[l - 1].shape, f"layer {l}: bias shape mismatch"
                copy_into(linear.bias, biases[l - 1])


def copy_into(tensor: torch.Tensor, value: Array) -> None:
    """``tensor[...] = value``, outside autograd. On the CPU NumPy writes into the tensor's memory: torch's
    ``copy_`` would wake its OpenMP threads between the twins' steps, where NumPy's BLAS threads may still
    spin (see :mod:`torch_reference.lockstep`)."""
    with torch.no_grad():
        if tensor.device.type == "cpu":
            np.copyto(tensor.numpy(), value, casting="same_kind")   # float64 into float32, as copy_ would
        else:
            tensor.copy_(torch.from_numpy(np.ascontiguousarray(value)))


class TorchMLP(nn.Module):
    """Linear → activation, L times; ``forward`` also returns every z⁽ˡ⁾ and a⁽ˡ⁾."""

    def __init__(self, thetas: list[Array], biases: list[Array] | None = None, activation: str = "sigmoid",
                 output_activation: str = "sigmoid", device: str | torch.device = "cpu"):
        super().__init__()
        dtype = TORCH_DTYPES[np.dtype(thetas[0].dtype)]
        self.linears = nn.ModuleList(
            nn.Linear(theta.shape[1], theta.shape[0], bias=biases is not None, dtype=dtype, device="cpu")
            for theta in thetas)
        L = len(thetas)
        self.nonlinearities = nn.ModuleList(
            activation_module(output_activation if l == L else activation) for l in range(1, L + 1))
        load_weights(self.linears, thetas, biases)
        self.to(device)

    def forward(self, x: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        zs, activations = [], [x]
        for linear, f in zip(self.linears, self.nonlinearities):
            z = linear(activations[-1])
            z.retain_grad()  # δ⁽ˡ⁾ = ∂J/∂z⁽ˡ⁾, kept by autograd for us to read
            zs.append(z)
            activations.append(f(z))
        return zs, activations


def to_numpy(t: torch.Tensor) -> Array:
    """A NumPy copy of ``t`` on the CPU, for tensors torch may update in place (θ, b, ∂J/∂θ, optimizer state).

    From a GPU ``.cpu()`` already makes the one copy; on the CPU ``.numpy()``
    shares the tensor's memory, so a copy keeps the record from changing
    under the next ``optimizer.step()``.
    """
    t = t.detach()
    return t.numpy().copy() if t.device.type == "cpu" else t.cpu().numpy()


def as_numpy(t: torch.Tensor) -> Array:
    """``t`` as NumPy on the CPU, sharing memory where it can: for tensors one step made and none writes again.

    z⁽ˡ⁾, a⁽ˡ⁾ and δ⁽ˡ⁾ = ∂J/∂z⁽ˡ⁾ are new tensors every step, and nothing
    touches them once the step's graph is gone, so the record may keep them
    without copying them.
    """
    t = t.detach()
    return t.numpy() if t.device.type == "cpu" else t.cpu().numpy()


class TorchTwin:
    """Owns a :class:`TorchMLP`, its loss and its ``torch.optim`` optimizer; yields step records."""

    def __init__(self, thetas: list[Array], biases: list[Array] | None = None, activation: str = "sigmoid",
                 output_activation: str = "sigmoid", loss: str = "half_sse",
                 optimizer: OptimizerSettings | float = 0.1, device: str = "cpu", allow_tf32: bool = False):
        self.device = check_device(device)
        #: float32 matmuls on CUDA may use TF32 (see :mod:`torch_reference.device`); no effect on the CPU
        self.allow_tf32 = allow_tf32
        self.model = TorchMLP(thetas, biases, activation, output_activation, self.device)
        self.dtype = self.model.linears[0].weight.dtype
        loss_module, self.loss_on_logits = LOSS_MODULES[loss]
        self.loss_fn = loss_module()
        if not isinstance(optimizer, OptimizerSettings):
            optimizer = OptimizerSettings("sgd", optimizer)
        self.optimizer = make_torch_optimizer(optimizer, self.model.parameters())
        self._lockstep: Lockstep | None = None
        #: (tensor, its NumPy view, the address of its memory) of every tensor load_state writes on the CPU (_view)
        self._views: dict[int, tuple[torch.Tensor, Array, int]] = {}

    @property
    def thetas(self) -> list[Array]:
        return [to_numpy(linear.weight) for linear in self.model.linears]

    @property
    def biases(self) -> list[Array] | None:
        if self.model.linears[0].bias is None:
            return None
        return [to_numpy(linear.bias) for linear in self.model.linears]

    def train_step(self, X: Array, Y: Array, step: int = 1) -> StepRecord:
        """One step on (X, Y) on the twin's device; the record holds NumPy arrays on the CPU."""
        x_cpu = torch.as_tensor(X, dtype=self.dtype)  # shares X's memory when X already has the twin's dtype
        x = x_cpu.to(self.device)
        labels = np.asarray(Y).ndim == 1  # integer class labels, for cross_entropy
        y = torch.as_tensor(Y, dtype=torch.long if labels else self.dtype, device=self.device)
        with tf32_mode(self.allow_tf32) if self.device.type == "cuda" else nullcontext():
            self.optimizer.zero_grad(set_to_none=True)
            zs, activations = self.model(x)
            loss = self.loss_fn(zs[-1] if self.loss_on_logits else activations[-1], y)
            loss.backward()
            linears = self.model.linears
            # Copied: torch.optim may update .grad in place (SGD with Nesterov momentum adds the buffer to it).
            nabla_thetas = [to_numpy(linear.weight.grad) for linear in linears]
            nabla_biases = None if linears[0].bias is None else [to_numpy(linear.bias.grad) for linear in linears]
            self.optimizer.step()
        # a⁽⁰⁾ = X is recorded from the CPU copy: no round trip from the GPU, no copy at all on the CPU.
        activations_np = [x_cpu.numpy()] + [as_numpy(a) for a in activations[1:]]
        return StepRecord(step, [as_numpy(z) for z in zs], activations_np, float(loss.item()),
                          [as_numpy(z.grad) for z in zs], nabla_thetas, nabla_biases, self.thetas, self.biases,
                          self.optimizer_state())

    def train_step_beside(self, numpy_step: Callable[[], StepRecord], X: Array, Y: Array,
                          step: int = 1) -> tuple[StepRecord, StepRecord]:
        """``numpy_step()`` (the NumPy twin's step on this batch) and :meth:`train_step` on (X, Y), in lockstep
        without a fight over the cores (see :mod:`torch_reference.lockstep`); both records, NumPy's first."""
        if self._lockstep is None:
            self._lockstep = Lockstep(self.device)
        return self._lockstep.run(numpy_step, lambda: self.train_step(X, Y, step), self.matmul_flops(len(X)))

    def matmul_flops(self, N: int) -> int:
        """2·m·k·n for each matmul of a step on N samples: a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ and δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ for every layer,
        δ⁽ˡ⁾θ⁽ˡ⁾ for l ≥ 2."""
        products = [linear.in_features * linear.out_features for linear in self.model.linears]
        return 2 * N * (2 * sum(products) + sum(products[1:]))

    def load_state(self, thetas: list[Array], biases: list[Array] | None,
                   optimizer_state: dict[str, dict[str, list[Array]]]) -> None:
        """Continue from the given θ, b and optimizer state (the layout of a step record)."""
        state = self.optimizer.state
        pairs = []
        for l, linear in enumerate(self.model.linears):
            for kind, param, values in (("theta", linear.weight, thetas), ("b", linear.bias, biases)):
                if param is None or values is None:
                    continue
                pairs.append((param, values[l]))
                pairs += [(state[param][name], per_kind[kind][l]) for name, per_kind in optimizer_state.items()
                          if name in state.get(param, ())]
        if self.device.type != "cpu":
            for tensor, value in pairs:
                copy_into(tensor, value)
            return
        for tensor, value in pairs:
            view = self._view(tensor)
            assert view.shape == np.shape(value), f"{tuple(tensor.shape)} loaded from {np.shape(value)}"
            np.copyto(view, value, casting="same_kind")   # float64 into float32, as copy_ would

    def _view(self, tensor: torch.Tensor) -> Array:
        """A NumPy view of a CPU tensor that :meth:`load_state` writes, made once per tensor: the parameters and
        torch.optim's state tensors keep their memory from step to step (the update writes into them), so one
        ``no_grad`` and a ``.numpy()`` a tensor a step are saved (about 0.03 ms a step on the digits-shaped net).
        A tensor that replaced another (a new state), or whose memory moved, gets a view of its own (the address
        is kept beside the view: NumPy's ``.ctypes.data`` alone costs 2.6 µs, torch's ``data_ptr()`` 0.3)."""
        cached = self._views.get(id(tensor))
        if cached is None or cached[0] is not tensor or cached[2] != tensor.data_ptr():
            with torch.no_grad():
                cached = self._views[id(tensor)] = (tensor, tensor.detach().numpy(), tensor.data_ptr())
        return cached[1]

    def optimizer_state(self) -> dict[str, dict[str, list[Array]]]:
        """torch.optim's per-parameter state, laid out like the NumPy optimizer's."""
        state: dict[str, dict[str, list[Array]]] = {}
        if not self.optimizer.state:  # plain SGD keeps none
            return state
        for linear in self.model.linears:
            for kind, param in (("theta", linear.weight), ("b", linear.bias)):
                if param is None:
                    continue
                for name, value in self.optimizer.state.get(param, {}).items():
                    if torch.is_tensor(value) and value.shape == param.shape:
                        state.setdefault(name, {}).setdefault(kind, []).append(to_numpy(value))
        return state
