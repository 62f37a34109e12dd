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
    table = str.maketrans("0123456789L", "⁰¹²³⁴⁵⁶⁷⁸⁹ᴸ")
    return f"⁽{str(n).translate(table)}⁾"


def as_float_array(value, name: str, dtype=None) -> Array:
    """``value`` as a floating-point array; refuses strings, objects and non-finite numbers."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise InputTypeError(f"{name} is not a rectangular numeric array ({exc})") from None
    if array.dtype.kind not in "biuf":
        raise InputTypeError(f"{name} must be numeric, got an array of dtype {array.dtype}")
    if dtype is None:
        dtype = array.dtype if array.dtype.kind == "f" else np.float64
    array = array.astype(dtype, copy=False)
    if not np.all(np.isfinite(array)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise InputError(f"{name} contains a non-finite value ({array[bad]}) at index {bad}")
    return array


def check_parameters(thetas: Sequence, biases: Sequence | None, dtype=None) -> tuple[list[Array], list[Array] | None]:
    """Validate θ⁽¹⁾…θ⁽ᴸ⁾ (and b⁽¹⁾…b⁽ᴸ⁾); returns them as arrays of one floating dtype."""
    if isinstance(thetas, np.ndarray) or not isinstance(thetas, Sequence) or len(thetas) == 0:
        raise InputTypeError("thetas must be a non-empty list of weight matrices θ⁽¹⁾…θ⁽ᴸ⁾")
    first = as_float_array(thetas[0], f"θ{sup(1)}", dtype)
    dtype = first.dtype
    out = [first] + [as_float_array(t, f"θ{sup(l)}", dtype) for l, t in enumerate(thetas[1:], start=2)]
    for l, theta in enumerate(out, start=1):
        if theta.ndim != 2:
            raise InputError(f"θ{sup(l)} must be a matrix of shape (n_{l}, n_{l - 1}), got {theta.ndim} dimension(s) "
                             f"with shape {theta.shape}")
        if 0 in theta.shape:
            raise InputError(f"θ{sup(l)} has shape {theta.shape}: every layer needs at least one unit")
    for l in range(2, len(out) + 1):
        n_prev = out[l - 2].shape[0]
        if out[l - 1].shape[1] != n_prev:
            raise InputError(
                f"θ{sup(l)} has shape {out[l - 1].shape} but a{sup(l - 1)} has {n_prev} columns "
                f"(θ{sup(l - 1)} has shape {out[l - 2].shape}): z{sup(l)} = a{sup(l - 1)}θ{sup(l)}ᵀ "
                f"needs θ{sup(l)} of shape (n_{l}, {n_prev})")
    if biases is None:
        return out, None
    if isinstance(biases, np.ndarray) or not isinstance(biases, Sequence) or len(biases) != len(out):
        raise InputError(f"biases must be a list of {len(out)} vectors b⁽¹⁾…b{sup(len(out))}, one per layer")
    bs = [as_float_array(b, f"b{sup(l)}", dtype) for l, b in enumerate(biases, start=1)]
    for l, (b, theta) in enumerate(zip(bs, out), start=1):
        if b.shape != (theta.shape[0],):
            raise InputError(f"b{sup(l)} has shape {b.shape} but θ{sup(l)} has shape {theta.shape}: "
                             f"z{sup(l)} = a{sup(l - 1)}θ{sup(l)}ᵀ + b{sup(l)} needs b{sup(l)} of shape ({theta.shape[0]},)")
    return out, bs


def check_batch(X, Y, sizes: Sequence[int], dtype, loss: str = "half_sse") -> tuple[Array, Array]:
    """Validate a batch against a network of layer sizes [n₀, …, n_L]; returns X, Y in ``dtype``.

    Y is (N, n_L); with ``cross_entropy`` it may instead be integer class labels
    of shape (N,), which are returned as int64.
    """
    X = as_float_array(X, "X", dtype)
    n0, nL = sizes[0], sizes[-1]
    if X.ndim != 2:
        raise InputError(f"X must be a matrix of shape (N, {n0}) (one row per sample), got shape {X.shape}")
    if X.shape[0] == 0:
        raise InputError("X has no rows: a batch needs at least one sample")
    if X.shape[1] != n0:
        raise InputError(f"X has shape {X.shape} but θ⁽¹⁾ expects {n0} inputs: z⁽¹⁾ = Xθ⁽¹⁾ᵀ needs X of shape (N, {n0})")
    Y_raw = np.asarray(Y)
    if loss == "cross_entropy" and Y_raw.ndim == 1 and Y_raw.dtype.kind in "iu":
        return X, check_labels(Y_raw, X.shape[0], nL)
    Y = as_float_array(Y, "Y", dtype)
    if Y.ndim != 2:
        labels = " or integer class labels of shape (N,)" if loss == "cross_entropy" else ""
        raise InputError(f"Y must be a matrix of shape (N, {nL}) (one row per sample){labels}, got shape {Y.shape}")
    if Y.shape[0] != X.shape[0]:
        raise InputError(f"X has {X.shape[0]} rows but Y has {Y.shape[0]}: each sample needs one target row")
    if Y.shape[1] != nL:
        raise InputError(f"Y has shape {Y.shape} but the output layer has {nL} units: Y must have shape ({X.shape[0]}, {nL})")
    if loss in ("bce", "cross_entropy") and (Y.min() < 0 or Y.max() > 1):
        what = "probabilities" if loss == "bce" else "class probabilities (one-hot rows)"
        raise InputError(f"{loss} needs targets Y in [0, 1] ({what}), got values from {Y.min():g} to {Y.max():g}")
    if loss == "cross_entropy" and nL < 2:
        raise InputError("cross_entropy needs at least 2 classes, but the output layer has 1 unit (use bce)")
    return X, Y


def check_labels(labels: Array, N: int, n_classes: int) -> Array:
    """Integer class labels for cross_entropy: shape (N,), each in 0…n_classes−1."""
    if labels.shape[0] != N:
        raise InputError(f"X has {N} rows but Y has {labels.shape[0]} labels: each sample needs one label")
    if n_classes < 2:
        raise InputError("cross_entropy needs at least 2 classes, but the output layer has 1 unit (use bce)")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        bad = labels[(labels < 0) | (labels >= n_classes)][0]
        raise InputError(f"class label {bad} is out of range: the output layer has {n_classes} units, "
                         f"so labels must be 0…{n_classes - 1}")
    return labels.astype(np.int64)
