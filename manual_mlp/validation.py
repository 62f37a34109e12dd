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


def check_batch(X, Y, sizes: Sequence[int], dtype) -> tuple[Array, Array]:
    """Validate a batch against a network of layer sizes [n₀, …, n_L]; returns X, Y in ``dtype``."""
    X = as_float_array(X, "X", dtype)
    Y = as_float_array(Y, "Y", dtype)
    n0, nL = sizes[0], sizes[-1]
    if X.ndim != 2:
        raise InputError(f"X must be a matrix of shape (N, {n0}) (one row per sample), got shape {X.shape}")
    if X.shape[0] == 0:
        raise InputError("X has no rows: a batch needs at least one sample")
    if X.shape[1] != n0:
        raise InputError(f"X has shape {X.shape} but θ⁽¹⁾ expects {n0} inputs: z⁽¹⁾ = Xθ⁽¹⁾ᵀ needs X of shape (N, {n0})")
    if Y.ndim != 2:
        raise InputError(f"Y must be a matrix of shape (N, {nL}) (one row per sample), got shape {Y.shape}")
    if Y.shape[0] != X.shape[0]:
        raise InputError(f"X has {X.shape[0]} rows but Y has {Y.shape[0]}: each sample needs one target row")
    if Y.shape[1] != nL:
        raise InputError(f"Y has shape {Y.shape} but the output layer has {nL} units: Y must have shape ({X.shape[0]}, {nL})")
    return X, Y
