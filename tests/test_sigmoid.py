"""The in-place σ is the plain formula 1/(1 + e⁻ᶻ), for every z, in the dtype it was given."""
import warnings

import numpy as np
import pytest

from manual_mlp import sigmoid

Z = np.array([-800.0, -710.0, -100.0, -88.0, -30.0, -1.0, -1e-8, 0.0, 1e-8, 0.5, 1.0, 30.0, 100.0, 800.0])


def plain_sigmoid_in_float64(z):
    """1/(1 + e⁻ᶻ) in float64; e⁻ᶻ → ∞ gives exactly 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_the_plain_formula(dtype):
    z = Z.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the expected overflow of e⁻ᶻ must stay silent
        a = sigmoid(z)
    assert a.dtype == dtype and a.shape == z.shape
    # Four operations, each rounded once: within 4ε of the float64 formula; atol: below the smallest
    # normal float the result may be 0 (e⁻ᶻ overflowed) where the true σ is a subnormal.
    eps, tiny = np.finfo(dtype).eps, np.finfo(dtype).tiny
    np.testing.assert_allclose(a, plain_sigmoid_in_float64(z), rtol=4 * eps, atol=tiny)


def test_sigmoid_of_integers_and_scalars_is_float64():
    assert sigmoid(np.array([0, 1])).dtype == np.float64
    assert float(sigmoid(0.0)) == 0.5


def test_sigmoid_leaves_z_alone():
    z = Z.copy()
    sigmoid(z)
    np.testing.assert_array_equal(z, Z)
