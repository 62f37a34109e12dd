"""The comparison's ratio |Δ|/allowed decides exactly as the plain rule, and records survive later steps."""
import numpy as np
import pytest
import torch

from manual_mlp import MLP, SGD, lab, random_parameters
from mlp_harness import Tolerance, compare_records
from mlp_harness.verify.compare import BLOCK, bound_ratio, differences, max_abs_diff
from torch_reference import TorchTwin

from conftest import assert_same

TOL = Tolerance.for_dtype("float64")


def torch_twin(thetas, biases=None, eta=lab.ETA) -> TorchTwin:
    """The lab's sigmoid net with half-SSE and plain gradient descent at η (positional: the 6th parameter)."""
    return TorchTwin(thetas, biases, "sigmoid", "sigmoid", "half_sse", eta)
BASE = np.array([[0.5, -0.25, 1e-3], [2.0, 0.0, -7.0]])


def plain_rule(v_np, v_pt, tol):
    """The definition: every entry within atol + rtol·|torch|, and both sides finite."""
    return bool(np.all(tol.allows(v_np, v_pt) & np.isfinite(v_np) & np.isfinite(v_pt)))


def perturbed(index, value):
    out = BASE.copy()
    out[index] = value
    return out


# Each case: (NumPy side, PyTorch side). Sizes of |Δ| straddle atol (2.2e-12) and atol + rtol·|torch|.
CASES = {
    "equal": (BASE, BASE.copy()),
    "below-atol": (BASE, BASE + 1e-13),
    "above-atol-within-rtol": (BASE * (1 + 1e-12), BASE),      # |Δ| up to 7e-12 > atol, < atol + rtol·7
    "above-tolerance": (perturbed((1, 2), -7.0 * (1 + 1e-9)), BASE),
    "at-zero-above-atol": (perturbed((1, 1), 1e-11), BASE),
    "nan-numpy": (perturbed((0, 1), np.nan), BASE),
    "nan-both": (perturbed((0, 1), np.nan), perturbed((0, 1), np.nan)),
    "inf-same-sign": (perturbed((1, 0), np.inf), perturbed((1, 0), np.inf)),
    "inf-torch": (BASE, perturbed((1, 0), -np.inf)),
    "huge-finite": (perturbed((0, 0), 1e308), perturbed((0, 0), -1e308)),   # |Δ| overflows to ∞: a mismatch
}


@pytest.mark.parametrize("case", CASES)
def test_ratio_decision_equals_the_plain_rule(case):
    v_np, v_pt = CASES[case]
    with np.errstate(invalid="ignore", over="ignore"):
        ratio = bound_ratio(v_np, v_pt, max_abs_diff(v_np, v_pt), TOL.allowed("z", 1, v_pt))
        assert (ratio <= 1) == plain_rule(v_np, v_pt, TOL)


@pytest.mark.parametrize("case", [c for c in CASES if "nan" not in c and "inf" not in c and "huge" not in c])
def test_max_abs_diff_is_the_largest_entrywise_difference(case):
    v_np, v_pt = CASES[case]
    assert max_abs_diff(v_np, v_pt) == np.max(np.abs(v_np - v_pt))


def test_max_abs_diff_of_a_nan_is_nan():
    assert np.isnan(max_abs_diff(*CASES["nan-numpy"]))


def tiled(case: str, at: int) -> tuple[np.ndarray, np.ndarray]:
    """The case's arrays inside arrays of several blocks, at flat offset ``at``, everything else equal
    and ordinary: the blocks must find the case's entries wherever they lie."""
    rows = BLOCK + 7   # 3 columns: more than three blocks of entries, the last one partial
    v_np, v_pt = (np.linspace(-1.0, 1.0, rows * 3).reshape(rows, 3) for _ in range(2))
    v_pt = v_pt * (1 + 1e-14)
    flat_np, flat_pt = v_np.reshape(-1), v_pt.reshape(-1)
    flat_np[at:at + BASE.size], flat_pt[at:at + BASE.size] = (a.reshape(-1) for a in CASES[case])
    return v_np, v_pt


@pytest.mark.parametrize("at", [0, BLOCK - 2, 2 * BLOCK + 5, 3 * BLOCK + 15])
@pytest.mark.parametrize("case", CASES)
def test_blocks_give_the_definitions_results(case, at):
    """differences() in blocks = max_abs_diff and bound_ratio on the whole quantity, NaN for NaN."""
    v_np, v_pt = tiled(case, at)
    with np.errstate(invalid="ignore", over="ignore"):
        largest, ratio = differences(v_np, v_pt, TOL.allowed_in("z", 1, v_pt))
        expected = max_abs_diff(v_np, v_pt)
        expected_ratio = bound_ratio(v_np, v_pt, expected, TOL.allowed("z", 1, v_pt))
        np.testing.assert_array_equal([largest, ratio], [expected, expected_ratio])
        assert (ratio <= 1) == plain_rule(v_np, v_pt, TOL)


def test_blocks_with_nothing_allowed_pass_only_where_equal():
    """A zero allowance (atol = rtol = 0) passes entries that agree exactly, in any block, and no other."""
    exact = Tolerance(rtol=0.0, atol=0.0)
    v_np = np.arange(4 * BLOCK, dtype=float).reshape(-1, 4)
    v_pt = v_np.copy()
    assert differences(v_np, v_pt, exact.allowed_in("z", 1, v_pt)) == (0.0, 0.0)
    v_pt[-1, -1] += 1
    assert differences(v_np, v_pt, exact.allowed_in("z", 1, v_pt)) == (1.0, np.inf)


def test_a_nan_bound_in_an_early_block_is_not_forgotten():
    """A NaN allowed difference in block 0 makes the ratio NaN (a failure), whatever later blocks hold."""
    v_pt = np.zeros(2 * BLOCK)
    v_np = v_pt.copy()
    v_np[[3, BLOCK + 3]] = 1e-10
    allowed = np.full(v_pt.size, 1.0)
    allowed[3] = np.nan
    with np.errstate(invalid="ignore"):
        largest, ratio = differences(v_np, v_pt, lambda block: allowed[block])
        assert np.isnan(bound_ratio(v_np, v_pt, max_abs_diff(v_np, v_pt), allowed))
    assert largest == 1e-10 and np.isnan(ratio)


def test_a_float32_quantity_is_divided_by_its_float64_bound_in_float64():
    """A float32 run's bounds are float64: a ratio of 1 + 1e-9 must stay above 1 (a mismatch), not round
    to float32's 1.0, exactly as the definition computes it."""
    v_pt = np.ones(BLOCK + 1, np.float32)
    v_np = v_pt.copy()
    v_np[5] = np.nextafter(np.float32(1), np.float32(2))
    allowed = np.full(v_pt.size, (float(v_np[5]) - 1.0) / (1 + 1e-9))
    largest, ratio = differences(v_np, v_pt, lambda block: allowed[block])
    assert ratio == bound_ratio(v_np, v_pt, largest, allowed) > 1


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_torch_records_do_not_change_under_later_steps(dtype):
    """z, a, δ are shared with torch without a copy: the next step must leave the record alone."""
    thetas, biases = random_parameters([3, 5, 2], seed=4, bias=True, dtype=np.dtype(dtype))
    X, Y = np.random.default_rng(0).normal(size=(4, 3)).astype(dtype), np.full((4, 2), 0.5, dtype)
    twin = torch_twin(thetas, biases, 0.5)
    record = twin.train_step(X, Y, step=1)
    before = [(name, layer, np.array(value, copy=True)) for name, layer, value in record.quantities()]
    twin.train_step(X, Y, step=2)
    for (name, layer, value), (_, _, kept) in zip(before, record.quantities(), strict=True):
        np.testing.assert_array_equal(kept, value, err_msg=f"{name} layer {layer} changed after step 2")


def test_torch_gradients_are_recorded_before_an_in_place_optimizer():
    """SGD with Nesterov momentum adds its buffer to .grad in place (the ``foreach`` implementation, torch's
    default on GPUs): the record must hold ∂J/∂θ itself."""
    thetas = lab.lab_thetas()
    twin = torch_twin(thetas)
    twin.optimizer = torch.optim.SGD(twin.model.parameters(), lr=lab.ETA, momentum=0.9, nesterov=True, foreach=True)
    rec_pt = twin.train_step(lab.X, lab.Y)
    rec_np = MLP(lab.lab_thetas()).train_step(lab.X, lab.Y, SGD(lab.ETA))
    # Step 1's gradients do not depend on the optimizer: float64 twins agree to ~1e-16; the harness's 1e4·ε allowed.
    for l in (1, 2):
        assert_same(f"∂J/∂θ{l}", rec_np.get("grad_theta", l), rec_pt.get("grad_theta", l), TOL.rtol, TOL.atol)


def test_compare_records_still_flags_the_first_mismatch_in_math_order():
    thetas = lab.lab_thetas()
    rec_np = MLP(thetas).train_step(lab.X, lab.Y, SGD(lab.ETA))
    rec_pt = torch_twin(thetas).train_step(lab.X, lab.Y)
    rec_pt.deltas[0] = rec_pt.deltas[0] + np.array([[0.0, 1e-9, 0.0], [0.0, 0.0, 0.0]])
    diffs, first = compare_records(rec_np, rec_pt, TOL)
    assert (first.quantity, first.layer, first.index) == ("delta", 1, (0, 1))
    assert [d.ok for d in diffs].count(False) == 1


def test_a_twin_that_changes_dtype_is_named():
    thetas = lab.lab_thetas()
    rec_np = MLP(thetas).train_step(lab.X, lab.Y, SGD(lab.ETA))
    rec_pt = torch_twin(thetas).train_step(lab.X, lab.Y)
    rec_pt.zs[1] = rec_pt.zs[1].astype(np.float32)
    with pytest.raises(AssertionError, match="z⁽²⁾: NumPy float64 of shape \\(2, 1\\) vs PyTorch float32"):
        compare_records(rec_np, rec_pt, TOL)
