"""Checks at the edges: shapes that chain, finite numbers, one dtype.

Every failure raises :class:`InputError` (a ``ValueError``) or
:class:`InputTypeError` (a ``TypeError``) whose message names the array, the
layer, the expected and the actual shape, and the formula that needs it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from .messages import _

Array = np.ndarray


class InputError(ValueError):
    """Bad input: a message a student can act on."""


class InputTypeError(TypeError):
    """Input of the wrong kind (not numeric, not a list of arrays)."""


def shape_of(value) -> tuple:
    """``np.shape(value)``, read straight off an array (the checks of every step ask for many shapes)."""
    return value.shape if isinstance(value, np.ndarray) else np.shape(value)


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
        raise InputTypeError(_("{name} is missing (got None instead of an array)").format(name=name))
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise InputTypeError(_("{name} is not a rectangular numeric array ({reason})").format(
            name=name, reason=exc)) from None
    if array.dtype.kind not in "biuf":
        raise InputTypeError(_("{name} must hold real numbers (int or float), got an array of dtype {dtype}").format(
            name=name, dtype=array.dtype))
    if dtype is None:
        dtype = array.dtype if array.dtype.kind == "f" else np.float64
    original = array
    if array.dtype != dtype:
        with np.errstate(over="ignore"):   # a float64 beyond float32's range becomes inf: named just below
            array = array.astype(dtype)
    if not np.isfinite(array).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        if np.isfinite(original[bad]):
            raise InputError(_("{name} holds {value} at index {index}, too large for {dtype} (largest "
                               "{largest:.3g})").format(name=name, value=original[bad], index=bad,
                                                        dtype=np.dtype(dtype), largest=np.finfo(dtype).max))
        raise InputError(_("{name} contains a non-finite value ({value}) at index {index}: every input must be a "
                           "finite number").format(name=name, value=array[bad], index=bad))
    return array


def _check_theta_shapes(out: list[Array]) -> None:
    """Each θ⁽ˡ⁾ is a non-empty matrix whose columns match the rows of θ⁽ˡ⁻¹⁾."""
    for l, theta in enumerate(out, start=1):
        if theta.ndim != 2:
            raise InputError(_("{theta} must be a matrix of shape {shape}, got a {ndim}-D array of shape {got}").format(
                theta=f"θ{sup(l)}", shape=f"(n{sub(l)}, n{sub(l - 1)})", ndim=theta.ndim, got=theta.shape))
        if 0 in theta.shape:
            raise InputError(_("{theta} has shape {shape}: every layer needs at least one unit").format(
                theta=f"θ{sup(l)}", shape=theta.shape))
    for l in range(2, len(out) + 1):
        n_prev = out[l - 2].shape[0]
        if out[l - 1].shape[1] != n_prev:
            raise InputError(
                _("{theta} has shape {shape} but {a} has {n} columns ({prev} has shape {prev_shape}): {formula} "
                  "needs {theta2} of shape {wanted}").format(
                      theta=f"θ{sup(l)}", shape=out[l - 1].shape, a=f"a{sup(l - 1)}", n=n_prev, prev=f"θ{sup(l - 1)}",
                                                             prev_shape=out[l - 2].shape,
                                                             formula=f"z{sup(l)} = a{sup(l - 1)}θ{sup(l)}ᵀ",
                                                             theta2=f"θ{sup(l)}", wanted=f"(n{sub(l)}, {n_prev})"))


def _is_list(value) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def check_parameters(thetas: Sequence, biases: Sequence | None, dtype=None) -> tuple[list[Array], list[Array] | None]:
    """Validate θ⁽¹⁾…θ⁽ᴸ⁾ (and b⁽¹⁾…b⁽ᴸ⁾); returns them as arrays of one floating dtype."""
    if not _is_list(thetas) or len(thetas) == 0:
        got = f"an array of shape {np.shape(thetas)}" if isinstance(thetas, np.ndarray) else repr(type(thetas).__name__)
        raise InputTypeError(_(
            "thetas must be a non-empty list of weight matrices [θ⁽¹⁾, …, θ⁽ᴸ⁾], got {got}").format(got=got))
    first = as_float_array(thetas[0], f"θ{sup(1)}", dtype)
    dtype = first.dtype
    out = [first] + [as_float_array(t, f"θ{sup(l)}", dtype) for l, t in enumerate(thetas[1:], start=2)]
    _check_theta_shapes(out)
    if biases is None:
        return out, None
    L = len(out)
    if not _is_list(biases):
        raise InputTypeError(_("biases must be a list of {L} vectors [b⁽¹⁾, …, b{last}] (or None), got {got}").format(
            L=L, last=sup(L), got=type(biases).__name__))
    if len(biases) != L:
        raise InputError(_("biases has length {n} but thetas has length {L} ({thetas}): give one {b} per layer, "
                           "{names}, or none at all").format(n=len(biases), L=L, thetas=f"θ⁽¹⁾…θ{sup(L)}",
                                                             b=f"b{sup('l')}", names=f"b⁽¹⁾…b{sup(L)}"))
    bs = [as_float_array(b, f"b{sup(l)}", dtype) for l, b in enumerate(biases, start=1)]
    for l, (b, theta) in enumerate(zip(bs, out), start=1):
        if b.shape != (theta.shape[0],):
            a_prev = "X" if l == 1 else f"a{sup(l - 1)}"
            raise InputError(_("b{l} has shape {shape} but θ{l2} has shape {theta_shape}: {formula} needs b{l3} of "
                               "shape {wanted}").format(l=sup(l), shape=b.shape, l2=sup(
                                   l), theta_shape=theta.shape, formula=f"z{sup(l)} = {a_prev}θ{sup(l)}ᵀ + b{sup(l)}",
                                                        l3=sup(l), wanted=f"({theta.shape[0]},)"))
    return out, bs


def check_inputs(X, sizes: Sequence[int], dtype) -> Array:
    """Validate the inputs X against a network of layer sizes [n₀, …, n_L]; returns X in ``dtype``."""
    X = as_float_array(X, "X", dtype)
    n0 = sizes[0]
    if X.ndim != 2:
        hint = f" (one sample? use X.reshape(1, {n0}))" if X.ndim == 1 and X.size == n0 else ""
        raise InputError(_("X must be a matrix of shape {shape} (one row per sample), got shape {got}").format(
            shape=f"(N, {n0})", got=f"{X.shape}{hint}"))
    if X.shape[0] == 0:
        raise InputError(_("X has shape {shape}: a batch needs at least one sample").format(shape=X.shape))
    if X.shape[1] != n0:
        raise InputError(_("X has shape {shape} but θ⁽¹⁾ has {n} columns (inputs): z⁽¹⁾ = Xθ⁽¹⁾ᵀ needs X of shape "
                           "{wanted}").format(shape=X.shape, n=n0, wanted=f"(N, {n0})"))
    return X


def check_targets(Y, N: int, n_out: int, dtype, loss: str = "half_sse") -> Array:
    """Validate targets for a batch of N samples and n_L output units; returns Y in ``dtype``.

    Y is (N, n_L); with ``cross_entropy`` it may instead be integer class labels
    of shape (N,), which are returned as int64. ``bce`` and ``cross_entropy``
    need targets in [0, 1].
    """
    if loss == "cross_entropy":
        if n_out < 2:
            raise InputError(_("cross_entropy needs at least 2 classes, but the output layer has 1 unit (use bce)"))
        labels = _integer_labels(Y)
        if labels is not None:
            return check_labels(labels, N, n_out)
    Y = as_float_array(Y, "Y", dtype)
    if Y.ndim != 2:
        hint = " (one target per sample? use Y.reshape(-1, 1))" if Y.ndim == 1 and n_out == 1 else ""
        labels = _(" or integer class labels of shape (N,)") if loss == "cross_entropy" else ""
        raise InputError(_("Y must be a matrix of shape {shape} (one row per sample){labels}, got shape {got}").format(
            shape=f"({N}, {n_out})", labels=labels, got=f"{Y.shape}{hint}"))
    if Y.shape[0] != N:
        raise InputError(_("X has {n} rows but Y has {m}: each sample needs one target row").format(n=N, m=Y.shape[0]))
    if Y.shape[1] != n_out:
        raise InputError(_("Y has shape {shape} but the output layer has n_L = {n}: J compares a⁽ᴸ⁾ of shape "
                           "{a_shape} with Y entry by entry, so Y must have shape {wanted}").format(
                               shape=Y.shape, n=n_out, a_shape=f"({N}, {n_out})", wanted=f"({N}, {n_out})"))
    if loss in ("bce", "cross_entropy") and (Y.min() < 0 or Y.max() > 1):
        what = _("probabilities") if loss == "bce" else _("class probabilities (one-hot rows)")
        raise InputError(_("{loss} needs targets Y in [0, 1] ({what}), got values from {low:g} to {high:g}").format(
            loss=loss, what=what, low=Y.min(), high=Y.max()))
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
        raise InputError(_("X has {n} rows but Y has {m} labels: each sample needs one label").format(
            n=N, m=labels.shape[0]))
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        bad = labels[(labels < 0) | (labels >= n_classes)][0]
        raise InputError(_("class label {label} is out of range: the output layer has {n} units, so labels must be "
                           "0…{last}").format(label=bad, n=n_classes, last=n_classes - 1))
    return labels.astype(np.int64)


def check_batch(X, Y, sizes: Sequence[int], dtype, loss: str = "half_sse") -> tuple[Array, Array]:
    """Validate a batch against a network of layer sizes [n₀, …, n_L]; returns X, Y in ``dtype``."""
    X = check_inputs(X, sizes, dtype)
    return X, check_targets(Y, X.shape[0], sizes[-1], dtype, loss)


# Checks for the building blocks of backprop.py, which do not know their layer: l stands for any layer.

def check_weighted_input(a_prev, theta, b=None) -> None:
    """z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ (+ b⁽ˡ⁾) needs a⁽ˡ⁻¹⁾ (N, nₗ₋₁), θ⁽ˡ⁾ (nₗ, nₗ₋₁), b⁽ˡ⁾ (nₗ,)."""
    a_shape, t_shape = shape_of(a_prev), shape_of(theta)
    if len(t_shape) != 2:
        raise InputError(_("θ⁽ˡ⁾ must be a matrix of shape (nₗ, nₗ₋₁), got shape {got}").format(got=t_shape))
    if len(a_shape) != 2:
        raise InputError(_("a⁽ˡ⁻¹⁾ must be a matrix of shape {shape} (one row per sample), got shape {got}").format(
            shape=f"(N, {t_shape[1]})", got=a_shape))
    if a_shape[1] != t_shape[1]:
        raise InputError(_("θ⁽ˡ⁾ has shape {shape} but a⁽ˡ⁻¹⁾ has {n} columns: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ needs θ⁽ˡ⁾ of "
                           "shape {wanted}").format(shape=t_shape, n=a_shape[1], wanted=f"(nₗ, {a_shape[1]})"))
    if b is not None and shape_of(b) != (t_shape[0],):
        raise InputError(_("b{l} has shape {shape} but θ{l2} has shape {theta_shape}: {formula} needs b{l3} of "
                           "shape {wanted}").format(l="⁽ˡ⁾", shape=shape_of(
                               b), l2="⁽ˡ⁾", theta_shape=t_shape, formula="z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ + b⁽ˡ⁾", l3="⁽ˡ⁾",
                                                    wanted=f"({t_shape[0]},)"))


def check_output_delta(dJ_da, fprime) -> None:
    """δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾) multiplies entry by entry: NumPy would silently broadcast (N,1) with (N,)."""
    if shape_of(dJ_da) != shape_of(fprime):
        raise InputError(_("∂J/∂a⁽ᴸ⁾ has shape {shape} but f′(z⁽ᴸ⁾) has shape {other}: δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾) "
                           "needs both of shape (N, n_L) (is y a matrix of shape (N, n_L)?)").format(shape=shape_of(
                               dJ_da), other=shape_of(fprime)))


def check_hidden_delta(delta_next, theta_next, fprime) -> None:
    """δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾) needs δ⁽ˡ⁺¹⁾ (N, nₗ₊₁), θ⁽ˡ⁺¹⁾ (nₗ₊₁, nₗ), f′(z⁽ˡ⁾) (N, nₗ)."""
    d_shape, t_shape, f_shape = shape_of(delta_next), shape_of(theta_next), shape_of(fprime)
    if len(d_shape) != 2 or len(t_shape) != 2:
        raise InputError(_("δ⁽ˡ⁺¹⁾ and θ⁽ˡ⁺¹⁾ must be matrices, got shapes {shape} and {other}").format(
            shape=d_shape, other=t_shape))
    if d_shape[1] != t_shape[0]:
        raise InputError(_("δ⁽ˡ⁺¹⁾ has shape {shape} but θ⁽ˡ⁺¹⁾ has shape {other}: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′(z⁽ˡ⁾) "
                           "needs θ⁽ˡ⁺¹⁾ with {n} rows (is it θ⁽ˡ⁺¹⁾, untransposed?)").format(
                               shape=d_shape, other=t_shape, n=d_shape[1]))
    if f_shape != (d_shape[0], t_shape[1]):
        raise InputError(_("δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ has shape {shape} but f′(z⁽ˡ⁾) has shape {other}: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ "
                           "f′(z⁽ˡ⁾) multiplies them entry by entry").format(shape=(d_shape[0], t_shape[1]),
                                                                             other=f_shape))


def check_weight_gradient(delta, a_prev) -> None:
    """∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ needs δ⁽ˡ⁾ (N, nₗ) and a⁽ˡ⁻¹⁾ (N, nₗ₋₁) with the same N."""
    d_shape, a_shape = shape_of(delta), shape_of(a_prev)
    if len(d_shape) != 2 or len(a_shape) != 2 or d_shape[0] != a_shape[0]:
        raise InputError(_("δ⁽ˡ⁾ has shape {shape} and a⁽ˡ⁻¹⁾ has shape {other}: ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ needs two "
                           "matrices with one row per sample each (the same N)").format(shape=d_shape, other=a_shape))


def check_update(theta, nabla) -> None:
    """θ ← θ − η∂J/∂θ needs the gradient in θ's own shape (NumPy would silently broadcast a row)."""
    if shape_of(theta) != shape_of(nabla):
        raise InputError(_("θ has shape {shape} but ∂J/∂θ has shape {other}: θ − η∂J/∂θ needs the gradient in the "
                           "parameter's own shape (∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ has θ⁽ˡ⁾'s shape)").format(shape=shape_of(
                               theta), other=shape_of(nabla)))
