"""Loss functions, each next to its derivative.

Most losses compare the network's output a = a⁽ᴸ⁾ with the targets y, both of
shape (N, n_L): ``value(a, y) -> J`` and ``grad(a, y) -> ∂J/∂a``, and the output
layer's error is δ⁽ᴸ⁾ = ∂J/∂a ⊙ f′(z⁽ᴸ⁾).

``cross_entropy`` is different, as in torch: it is computed from the logits
z = z⁽ᴸ⁾ (``on_logits``), so ``value(z, y)`` and ``grad(z, y)`` is already
∂J/∂z = δ⁽ᴸ⁾. With a softmax output layer (a = softmax(z)) that is the famous
shortcut δ⁽ᴸ⁾ = (a − y)/N: the softmax Jacobian and the log cancel.

Reductions follow torch: ``half_sse`` sums (the lab's ½(y − ŷ)ᵀ(y − ŷ)),
``mse`` and ``bce`` average over all N·n_L elements, ``cross_entropy`` over the
N samples.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .validation import InputError
from .messages import _

Array = np.ndarray

#: torch.nn.BCELoss clamps each log at −100 so that log(0) stays finite
BCE_LOG_FLOOR = -100.0
#: torch's BCE backward divides by max(a(1 − a), 1e-12) so that a = 0 or 1 stays finite; its
#: 1e-12 is a single-precision constant (9.99999996e-13), which shows at a = 0 or 1 as a 4e-9 relative gap
BCE_GRAD_EPS = float(np.float32(1e-12))


@dataclass(frozen=True)
class Loss:
    name: str
    value: Callable[[Array, Array], float]
    grad: Callable[[Array, Array], Array]
    formula: str           # J, with {a} / {z} standing for a⁽ᴸ⁾ / z⁽ᴸ⁾
    grad_formula: str      # ∂J/∂a (or ∂J/∂z for a loss on logits), likewise
    on_logits: bool = False
    sums_over_samples: bool = False   # True: J adds the samples' terms (half_sse); False: J averages them


def half_sse(a: Array, y: Array) -> float:
    """J = ½ Σₙ Σⱼ (yₙⱼ − aₙⱼ)², the lab's ½(y − ŷ)ᵀ(y − ŷ) summed over samples."""
    r = y - a
    return 0.5 * float((r * r).sum())


def half_sse_grad(a: Array, y: Array) -> Array:
    """∂J/∂a = a − y (the ½ cancels the 2 of the square)."""
    return a - y


def mse(a: Array, y: Array) -> float:
    """J = (1/(N·n)) Σ (y − a)², ``nn.MSELoss()``."""
    r = y - a
    return float(np.mean(r * r))


def mse_grad(a: Array, y: Array) -> Array:
    """∂J/∂a = 2(a − y)/(N·n)."""
    return 2 * (a - y) / a.size


def bce(a: Array, y: Array) -> float:
    """J = −(1/(N·n)) Σ [y·log a + (1 − y)·log(1 − a)], each log clamped at −100 as ``nn.BCELoss``."""
    with np.errstate(divide="ignore"):  # log(0) = −inf is expected here and clamped just below
        log_a = np.maximum(np.log(a), BCE_LOG_FLOOR)
        log_1ma = np.maximum(np.log(1 - a), BCE_LOG_FLOOR)
    return float(-np.mean(y * log_a + (1 - y) * log_1ma))


def bce_grad(a: Array, y: Array) -> Array:
    """∂J/∂a = (a − y) / (a(1 − a)) / (N·n), the denominator kept ≥ 1e-12 as torch does."""
    return (a - y) / np.maximum(a * (1 - a), BCE_GRAD_EPS) / a.size


def log_softmax(z: Array) -> Array:
    """log softmax(z) row by row, as z − m − log Σ e^(z − m) (no overflow)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(z: Array, y: Array) -> float:
    """J = −(1/N) Σₙ Σⱼ yₙⱼ log softmax(zₙ)ⱼ, ``nn.CrossEntropyLoss()`` on the logits z = z⁽ᴸ⁾."""
    return float(-np.sum(y * log_softmax(z)) / z.shape[0])


def cross_entropy_grad(z: Array, y: Array) -> Array:
    """δ⁽ᴸ⁾ = ∂J/∂z = (softmax(z)·Σⱼyⱼ − y)/N, which is (a − y)/N when each row of y sums to 1."""
    a = np.exp(log_softmax(z))
    return (a * y.sum(axis=1, keepdims=True) - y) / z.shape[0]


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (
    Loss("half_sse", half_sse, half_sse_grad, "½ Σ (y − {a})²", "({a} − y)", sums_over_samples=True),
    Loss("mse", mse, mse_grad, "mean (y − {a})²", "2({a} − y)/(N·n)"),
    Loss("bce", bce, bce_grad, "−mean[y log {a} + (1−y) log(1−{a})]", "({a} − y)/({a}(1 − {a})·N·n)"),
    Loss("cross_entropy", cross_entropy, cross_entropy_grad, "−(1/N) Σ y log softmax({z})", "(softmax({z}) − y)/N",
         on_logits=True),
)}

#: output activations each loss accepts (None: any elementwise one)
OUTPUTS_FOR_LOSS = {"cross_entropy": ("softmax", "identity")}


def get_loss(name_or_loss: str | Loss) -> Loss:
    """Look a loss up by name (a :class:`Loss` passes through)."""
    if isinstance(name_or_loss, Loss):
        return name_or_loss
    try:
        return LOSSES[name_or_loss]
    except KeyError:
        known = ", ".join(LOSSES)
        raise InputError(_("unknown loss {name!r}; choose one of: {known}").format(name=name_or_loss,
                                                                                   known=known)) from None


def targets_matrix(Y: Array, n_outputs: int, dtype) -> Array:
    """Y as an (N, n_L) matrix: integer class labels of shape (N,) become one-hot rows."""
    if Y.ndim == 1:
        one_hot = np.zeros((Y.shape[0], n_outputs), dtype=dtype)
        one_hot[np.arange(Y.shape[0]), Y] = 1
        return one_hot
    return Y


def check_pairing(output_activation: str, loss: Loss) -> None:
    """Refuse an output activation that the loss cannot take."""
    allowed = OUTPUTS_FOR_LOSS.get(loss.name)
    if allowed and output_activation not in allowed:
        raise InputError(_("{name} is computed from the logits z⁽ᴸ⁾ and applies softmax itself: use "
                           "--output-activation softmax (or identity), not {other}").format(
                               name=loss.name, other=output_activation))
    if loss.name == "bce" and output_activation != "sigmoid":
        raise InputError(_("bce takes probabilities: log a and log(1 − a) need every output in [0, 1], which "
                           "--output-activation sigmoid gives and {name} does not").format(name=output_activation))
    if output_activation == "softmax" and not loss.on_logits:
        raise InputError(_("a softmax output goes with --loss cross_entropy (δ⁽ᴸ⁾ = (a − y)/N), not {name}").format(
            name=loss.name))
