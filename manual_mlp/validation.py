"""Checks at the edges: shapes that chain, finite numbers, one dtype.

Every failure raises :class:`InputError` (a ``ValueError``) or
:class:`InputTypeError` (a ``TypeError``) whose message names the array, the
layer, the expected and the actual shape, and the formula that needs it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

Array = np.ndarray


class InputError(ValueError):
    """Bad input: a message a student can act on."""


class InputTypeError(TypeError):
    """Input of the wrong kind (not numeric, not a list of arrays)."""


def sup(n: int | str) -> str:
    """Superscript layer index in the lab's notation: sup(2) == '⁽²⁾'."""
    table = str.maketrans("0123456789Ll", "⁰¹²³⁴⁵⁶⁷⁸⁹ᴸˡ")
    return f"⁽{str(n).translate(table)}⁾"


def sub(n: int | str) -> str:
    """Subscript layer index, for layer sizes: sub(2) == '₂' (so n₂ is layer 2's size)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def as_float_array(value, name: str, dtype=None) -> Array:
    """``value`` as a floating-point array; refuses strings, objects, complex and non-finite numbers."""
    if value is None:
        raise InputTypeError(f"{name} is missing (got None instead of an array)")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise InputTypeError(f"{name} is not a rectangular numeric array ({exc})") from None
    if array.dtype.kind not in "biuf":
        raise InputTypeError(f"{name} must hold real numbers (int or float), got an array of dtype {array.dtype}")
    if dtype is None:
        dtype = array.dtype if array.dtype.kind == "f" else np.float64
    original = array
    if array.dtype != dtype:
        with np.errstate(over="ignore"):   # a float64 beyond float32's range becomes inf: named just below
            array = array.astype(dtype)
    if not np.all(np.isfinite(array)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        if np.isfinite(original[bad]):
            raise InputError(f"{name} holds {original[bad]} at index {bad}, too large for {np.dtype(dtype)} "
                             f"(largest {np.finfo(dtype).max:.3g})")
        raise InputError(f"{name} contains a non-finite value ({array[bad]}) at index {bad}: "
                         "every input must be a finite number")
    return array


def _check_theta_shapes(out: list[Array]) -> None:
    """Each θ⁽ˡ⁾ is a non-empty matrix whose columns match the rows of θ⁽ˡ⁻¹⁾."""
    for l, theta in enumerate(out, start=1):
        if theta.ndim != 2:
            raise InputError(f"θ{sup(l)} must be a matrix of shape (n{sub(l)}, n{sub(l - 1)}), got a {theta.ndim}-D "
                             f"array of shape {theta.shape}")
        if 0 in theta.shape:
            raise InputError(f"θ{sup(l)} has shape {theta.shape}: every layer needs at least one unit")
    for l in range(2, len(out) + 1):
        n_prev = out[l - 2].shape[0]
        if out[l - 1].shape[1] != n_prev:
            raise InputError(
                f"θ{sup(l)} has shape {out[l - 1].shape} but a{sup(l - 1)} has {n_prev} columns "
                f"(θ{sup(l - 1)} has shape {out[l - 2].shape}): z{sup(l)} = a{sup(l - 1)}θ{sup(l)}ᵀ "
                f"needs θ{sup(l)} of shape (n{sub(l)}, {n_prev})")


def _is_list(value) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def check_parameters(thetas: Sequence, biases: Sequence | None, dtype=None) -> tuple[list[Array], list[Array] | None]:
    """Validate θ⁽¹⁾…θ⁽ᴸ⁾ (and b⁽¹⁾…b⁽ᴸ⁾); returns them as arrays of one floating dtype."""
    if not _is_list(thetas) or len(thetas) == 0:
        got = f"an array of shape {np.shape(thetas)}" if isinstance(thetas, np.ndarray) else repr(type(thetas).__name__)
        raise InputTypeError(f"thetas must be a non-empty list of weight matrices [θ⁽¹⁾, …, θ⁽ᴸ⁾], got {got}")
    first = as_float_array(thetas[0], f"θ{sup(1)}", dtype)
    dtype = first.dtype
    out = [first] + [as_float_array(t, f"θ{sup(l)}", dtype) for l, t in enumerate(thetas[1:], start=2)]
    _check_theta_shapes(out)
    if biases is None:
        return out, None
    L = len(out)
    if not _is_list(biases):
        raise InputTypeError(f"biases must be a list of {L} vectors [b⁽¹⁾, …, b{sup(L)}] (or None), "
                             f"got {type(biases).__name__}")
    if len(biases) != L:
        raise InputError(f"biases has length {len(biases)} but thetas has length {L} (θ⁽¹⁾…θ{sup(L)}): "
                         f"give one b{sup('l')} per layer, b⁽¹⁾…b{sup(L)}, or none at all")
    bs = [as_float_array(b, f"b{sup(l)}", dtype) for l, b in enumerate(biases, start=1)]
    for l, (b, theta) in enumerate(zip(bs, out), start=1):
        if b.shape != (theta.shape[0],):
            a_prev = "X" if l == 1 else f"a{sup(l - 1)}"
            raise InputError(f"b{sup(l)} has shape {b.shape} but θ{sup(l)} has shape {theta.shape}: "
                             f"z{sup(l)} = {a_prev}θ{sup(l)}ᵀ + b{sup(l)} needs b{sup(l)} of shape ({theta.shape[0]},)")
    return out, bs


def check_inputs(X, sizes: Sequence[int], dtype) -> Array:
    """Validate the inputs X against a network of layer sizes [n₀, …, n_L]; returns X in ``dtype``."""
    X = as_float_array(X, "X", dtype)
    n0 = sizes[0]
    if X.ndim != 2:
        hint = f" (one sample? use X.reshape(1, {n0}))" if X.ndim == 1 and X.size == n0 else ""
        raise InputError(f"X must be a matrix of shape (N, {n0}) (one row per sample), got shape {X.shape}{hint}")
    if X.shape[0] == 0:
        raise InputError(f"X has shape {X.shape}: a batch needs at least one sample")
    if X.shape[1] != n0:
        raise InputError(f"X has shape {X.shape} but θ⁽¹⁾ has {n0} columns (inputs): z⁽¹⁾ = Xθ⁽¹⁾ᵀ needs X of "
                         f"shape (N, {n0})")
    return X


def check_targets(Y, N: int, n_out: int, dtype, loss: str = "half_sse") -> Array:
    """Validate targets for a batch of N samples and n_L output units; returns Y in ``dtype``.

    Y is (N, n_L); with ``cross_entropy`` it may instead be integer class labels
    of shape (N,), which are returned as int64. ``bce`` and ``cross_entropy``
    need targets in [0, 1].
    """
    if loss == "cross_entropy":
        if n_out < 2:
            raise InputError("cross_entropy needs at least 2 classes, but the output layer has 1 unit (use bce)")
        labels = _integer_labels(Y)
        if labels is not None:
            return check_labels(labels, N, n_out)
    Y = as_float_array(Y, "Y", dtype)
    if Y.ndim != 2:
        hint = " (one target per sample? use Y.reshape(-1, 1))" if Y.ndim == 1 and n_out == 1 else ""
        labels = " or integer class labels of shape (N,)" if loss == "cross_entropy" else ""
        raise InputError(f"Y must be a matrix of shape ({N}, {n_out}) (one row per sample){labels}, "
                         f"got shape {Y.shape}{hint}")
    if Y.shape[0] != N:
        raise InputError(f"X has {N} rows but Y has {Y.shape[0]}: each sample needs one target row")
    if Y.shape[1] != n_out:
        raise InputError(f"Y has shape {Y.shape} but the output layer has n_L = {n_out}: J compares a⁽ᴸ⁾ "
                         f"of shape ({N}, {n_out}) with Y entry by entry, so Y must have shape ({N}, {n_out})")
    if loss in ("bce", "cross_entropy") and (Y.min() < 0 or Y.max() > 1):
        what = "probabilities" if loss == "bce" else "class probabilities (one-hot rows)"
        raise InputError(f"{loss} needs targets Y in [0, 1] ({what}), got values from {Y.min():g} to {Y.max():g}")
    return Y


def _integer_labels(Y) -> Array | None:
    """Y as an array of class labels if it is a 1-D integer array, else None."""
    try:
        array = np.asarray(Y)
    except (ValueError, TypeError):  # ragged: as_float_array will say so
        return None
    return array if array.ndim == 1 and array.dtype.kind in "iu" else None


def check_labels(labels: Array, N: int, n_classes: int) -> Array:
    """Integer class labels for cross_entropy: shape (N,), each in 0…n_classes−1."""
    if labels.shape[0] != N:
        raise InputError(f"X has {N} rows but Y has {labels.shape[0]} labels: each sample needs one label")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        bad = labels[(labels < 0) | (labels >= n_classes)][0]
        raise InputError(f"class label {bad} is out of range: the output layer has {n_classes} units, "
                         f"so labels must be 0…{n_classes - 1}")
    return labels.astype(np.int64)


def check_batch(X, Y, sizes: Sequence[int], dtype, loss: str = "half_sse") -> tuple[Array, Array]:
    """Validate a batch against a network of layer sizes [n₀, …, n_L]; returns X, Y in ``dtype``."""
    X = check_inputs(X, sizes, dtype)
    return X, check_targets(Y, X.shape[0], sizes[-1], dtype, loss)


# Checks for the building blocks of backprop.py, which do not know their layer: l stands for any layer.

def check_weighted_input(a_prev, theta, b=None) -> None:
    """z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ (+ b⁽ˡ⁾) needs a⁽ˡ⁻¹⁾ (N, nₗ₋₁), θ⁽ˡ⁾ (nₗ, nₗ₋₁), b⁽ˡ⁾ (nₗ,)."""
    a_shape, t_shape = np.shape(a_prev), np.shape(theta)
    if len(t_shape) != 2:
        raise InputError(f"θ⁽ˡ⁾ must be a matrix of shape (nₗ, nₗ₋₁), got shape {t_shape}")
    if len(a_shape) != 2:
        raise InputError(f"a⁽ˡ⁻¹⁾ must be a matrix of shape (N, {t_shape[1]}) (one row per sample), "
                         f"got shape {a_shape}")
    if a_shape[1] != t_shape[1]:
        raise InputError(f"θ⁽ˡ⁾ has shape {t_shape} but a⁽ˡ⁻¹⁾ has {a_shape[1]} columns: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ "
                         f"needs θ⁽ˡ⁾ of shape (nₗ, {a_shape[1]})")
    if b is not None and np.shape(b) != (t_shape[0],):
        raise InputError(f"b⁽ˡ⁾ has shape {np.shape(b)} but θ⁽ˡ⁾ has shape {t_shape}: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ + b⁽ˡ⁾ "
                         f"needs b⁽ˡ⁾ of shape ({t_shape[0]},)")


def check_output_delta(dJ_da, fprime) -> None:
    """δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾) multiplies entry by entry: NumPy would silently broadcast (N,1) with (N,)."""
    if np.shape(dJ_da) != np.shape(fprime):
        raise InputError(f"∂J/∂a⁽ᴸ⁾ has shape {np.shape(dJ_da)} but f′(z⁽ᴸ⁾) has shape {np.shape(fprime)}: "
                         "δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾) needs both of shape (N, n_L) (is y a matrix of shape (N, n_L)?)")


def check_hidden_delta(delta_next, theta_next, fprime) -> None:
    """δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾) needs δ⁽ˡ⁺¹⁾ (N, nₗ₊₁), θ⁽ˡ⁺¹⁾ (nₗ₊₁, nₗ), f′(z⁽ˡ⁾) (N, nₗ)."""
    d_shape, t_shape, f_shape = np.shape(delta_next), np.shape(theta_next), np.shape(fprime)
    if len(d_shape) != 2 or len(t_shape) != 2:
        raise InputError(f"δ⁽ˡ⁺¹⁾ and θ⁽ˡ⁺¹⁾ must be matrices, got shapes {d_shape} and {t_shape}")
    if d_shape[1] != t_shape[0]:
        raise InputError(f"δ⁽ˡ⁺¹⁾ has shape {d_shape} but θ⁽ˡ⁺¹⁾ has shape {t_shape}: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′(z⁽ˡ⁾) "
                         f"needs θ⁽ˡ⁺¹⁾ with {d_shape[1]} rows (is it θ⁽ˡ⁺¹⁾, untransposed?)")
    if f_shape != (d_shape[0], t_shape[1]):
        raise InputError(f"δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ has shape {(d_shape[0], t_shape[1])} but f′(z⁽ˡ⁾) has shape {f_shape}: "
                         "δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′(z⁽ˡ⁾) multiplies them entry by entry")


def check_weight_gradient(delta, a_prev) -> None:
    """∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ needs δ⁽ˡ⁾ (N, nₗ) and a⁽ˡ⁻¹⁾ (N, nₗ₋₁) with the same N."""
    d_shape, a_shape = np.shape(delta), np.shape(a_prev)
    if len(d_shape) != 2 or len(a_shape) != 2 or d_shape[0] != a_shape[0]:
        raise InputError(f"δ⁽ˡ⁾ has shape {d_shape} and a⁽ˡ⁻¹⁾ has shape {a_shape}: ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ needs "
                         "two matrices with one row per sample each (the same N)")


def check_update(theta, nabla) -> None:
    """θ ← θ − η∂J/∂θ needs the gradient in θ's own shape (NumPy would silently broadcast a row)."""
    if np.shape(theta) != np.shape(nabla):
        raise InputError(f"θ has shape {np.shape(theta)} but ∂J/∂θ has shape {np.shape(nabla)}: θ − η∂J/∂θ needs "
                         "the gradient in the parameter's own shape (∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ has θ⁽ˡ⁾'s shape)")
