"""A multilayer perceptron of any depth, built from the lab's building blocks.

Layers are numbered 1…L as in the lab: θ⁽ˡ⁾ = ``thetas[l-1]`` has shape
(n_l, n_{l−1}), b⁽ˡ⁾ = ``biases[l-1]`` has shape (n_l,). Hidden layers use
``activation``; layer L uses ``output_activation``. The model holds only its
parameters: data is passed in, one batch per call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation, get_activation
from .backprop import bias_gradient, hidden_delta, output_delta, weight_gradient, weighted_input
from .losses import Loss, check_pairing, get_loss, targets_matrix
from .optimizers import Optimizer
from .record import StepRecord
from .validation import InputError, check_batch, check_inputs, check_parameters
from .messages import _

Array = np.ndarray


def as_params(thetas: list[Array], biases: list[Array] | None) -> dict[str, list[Array]]:
    """The optimizer's layout {"theta": [...], "b": [...]} (no "b" without biases)."""
    return {"theta": thetas} if biases is None else {"theta": thetas, "b": biases}


@dataclass
class Forward:
    zs: list[Array]            # zs[l-1] = z⁽ˡ⁾
    activations: list[Array]   # activations[l] = a⁽ˡ⁾, activations[0] = X


@dataclass
class Gradients:
    deltas: list[Array]                 # deltas[l-1] = δ⁽ˡ⁾
    nabla_thetas: list[Array]           # nabla_thetas[l-1] = ∂J/∂θ⁽ˡ⁾
    nabla_biases: list[Array] | None    # nabla_biases[l-1] = ∂J/∂b⁽ˡ⁾

    def as_params(self) -> dict[str, list[Array]]:
        """In the optimizer's layout {"theta": [...], "b": [...]}."""
        return as_params(self.nabla_thetas, self.nabla_biases)


class MLP:
    def __init__(self, thetas: list[Array], biases: list[Array] | None = None,
                 activation: str | Activation = "sigmoid", output_activation: str | Activation = "sigmoid"):
        self.thetas, self.biases = check_parameters(thetas, biases)
        self.activation = get_activation(activation)
        self.output_activation = get_activation(output_activation)
        if self.activation.output_only and self.depth > 1:
            raise InputError(_("{name} can only be the output activation (--output-activation), not a hidden "
                               "layer's").format(name=self.activation.name))

    @property
    def depth(self) -> int:
        return len(self.thetas)

    @property
    def sizes(self) -> list[int]:
        """[n₀, n₁, …, n_L]."""
        return [self.thetas[0].shape[1]] + [theta.shape[0] for theta in self.thetas]

    @property
    def dtype(self) -> np.dtype:
        return self.thetas[0].dtype

    def activation_of(self, l: int) -> Activation:
        return self.output_activation if l == self.depth else self.activation

    def bias(self, l: int) -> Array | None:
        return None if self.biases is None else self.biases[l - 1]

    def parameters(self) -> dict[str, list[Array]]:
        """{"theta": [θ⁽¹⁾…θ⁽ᴸ⁾], "b": [b⁽¹⁾…b⁽ᴸ⁾]} (no "b" without biases)."""
        return as_params(self.thetas, self.biases)

    def forward(self, X: Array) -> Forward:
        """z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ (+ b⁽ˡ⁾), a⁽ˡ⁾ = f(z⁽ˡ⁾) for l = 1…L, for X of shape (N, n₀)."""
        return self._forward(check_inputs(X, self.sizes, self.dtype))

    def _forward(self, X: Array) -> Forward:
        """:meth:`forward` on an X already checked (train_step checks the batch once, finite differences
        run thousands of forward passes on one checked batch)."""
        L, zs, activations = self.depth, [], [X]
        biases = [None] * L if self.biases is None else self.biases
        for l, (theta, b) in enumerate(zip(self.thetas, biases), start=1):
            z = weighted_input.unchecked(activations[-1], theta, b)
            zs.append(z)
            f = self.output_activation if l == L else self.activation
            activations.append(f.fn(z))
        return Forward(zs, activations)

    def cost(self, fwd: Forward, Y: Array, loss: Loss) -> float:
        """J of a forward pass; Y is (N, n_L). A loss on logits reads z⁽ᴸ⁾, any other a⁽ᴸ⁾."""
        return loss.value(fwd.zs[-1] if loss.on_logits else fwd.activations[-1], Y)

    def loss(self, X: Array, Y: Array, loss: str | Loss = "half_sse") -> float:
        """J(X, Y) at the current parameters (no checks: for finite differences and plots)."""
        return self.cost(self._forward(X), Y, get_loss(loss))

    def output_error(self, fwd: Forward, Y: Array, loss: Loss) -> Array:
        """δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾); a loss on logits (cross_entropy) gives ∂J/∂z⁽ᴸ⁾ directly."""
        z, a = fwd.zs[-1], fwd.activations[-1]
        if loss.on_logits:
            return loss.grad(z, Y)
        return output_delta(loss.grad(a, Y), self.output_activation.grad(z, a))  # checked: Y enters here

    def hidden_error(self, l: int, delta_next: Array, fwd: Forward) -> Array:
        """δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾) for a hidden layer l < L; θ⁽ˡ⁺¹⁾ is ``thetas[l]``."""
        fprime = self.activation.grad(fwd.zs[l - 1], fwd.activations[l])
        return hidden_delta.unchecked(delta_next, self.thetas[l], fprime)

    def backward(self, fwd: Forward, Y: Array, loss: str | Loss = "half_sse") -> Gradients:
        """δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾), δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾), ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾.

        Y is (N, n_L).
        """
        L, activations = self.depth, fwd.activations
        deltas = [None] * L
        deltas[L - 1] = self.output_error(fwd, Y, get_loss(loss))
        for l in range(L - 1, 0, -1):
            deltas[l - 1] = self.hidden_error(l, deltas[l], fwd)
        nabla_thetas = [weight_gradient.unchecked(deltas[l - 1], activations[l - 1]) for l in range(1, L + 1)]
        nabla_biases = None if self.biases is None else [bias_gradient(delta) for delta in deltas]
        return Gradients(deltas, nabla_thetas, nabla_biases)

    def train_step(self, X: Array, Y: Array, optimizer: Optimizer, loss: str | Loss = "half_sse",
                   step: int = 1, *, checked: bool = False) -> StepRecord:
        """One forward pass, backward pass and update on the batch (X, Y); returns everything it computed.

        Y is (N, n_L), or integer class labels of shape (N,) with cross_entropy. ``checked=True`` says that
        X and Y are rows of data that :func:`~manual_mlp.validation.check_batch` has already returned for
        this network's sizes, dtype and loss (mlp-train checks its whole data set once), so the step does
        not check them again.
        """
        loss = get_loss(loss)
        check_pairing(self.output_activation.name, loss)
        if not checked:
            X, Y = check_batch(X, Y, self.sizes, self.dtype, loss.name)
        Y = targets_matrix(Y, self.thetas[-1].shape[0], self.dtype)
        fwd = self._forward(X)
        J = self.cost(fwd, Y, loss)
        grads = self.backward(fwd, Y, loss)
        # Every gradient is taken before any θ changes: the update is a separate, last stage.
        new = optimizer.step(self.parameters(), grads.as_params())
        self.thetas, self.biases = new["theta"], new.get("b")
        # The optimizers put new state arrays in place of the old ones each step and never write into them,
        # so the record keeps this step's arrays without copying them.
        state = {name: {kind: list(values) for kind, values in per_kind.items()}
                 for name, per_kind in optimizer.state.items()}
        return StepRecord(step, fwd.zs, fwd.activations, J, grads.deltas, grads.nabla_thetas, grads.nabla_biases,
                          self.thetas, self.biases, state)
