"""Whole steps of float32 assignments: lab1's step(X, Y, thetas, eta), lab2's step(X, Y, thetas, biases, eta) and
the chain of their functions, each step held to autograd's float32 step from the θ (and b) the student's step before
it returned, rounded to float32, within twice the step's rounding-error bound (mlp_harness/check/rounding.py
step_allowed, from verify/error_bounds.py step_bounds).

Every assertion is a decision of the checker's (pass / fail, a mistake's name), never a last bit. Measured here
(on 2 shared cores; the numbers do not depend on them): a right step, written with float32 @, einsum, float32 loops
summing the other way round or float64 inside, came to 0.09 of its allowed difference at most; each catalogued step
mistake moved θ or b by more than 4,000 of them (updated_theta_in_backward, the closest), and its own broken
network's float32 step was within 0.1 of them of the student's: a mistake is named within MATCH_BOUNDS = 4.
"""
import functools
import tempfile
from pathlib import Path

import numpy as np
import pytest

from handins import lab2_source
from test_float32 import PRODUCTS, LAB1, LAB2, float32_text, source, space
from test_lab2_step import TWO_LAYERS, step_source
from mlp_harness.check import check_lab, rounding, steps
from mlp_harness.check.api import plan_for
from mlp_harness.check.assignment import load_assignment
from mlp_harness.check.execute import as_handed, decode, run_task
from manual_mlp.validation import InputError


@functools.cache
def with_step(name: str):
    """The built-in assignment ``name`` in float32, with its whole step (float64 for "lab1-64", "lab2-64")."""
    if name.endswith("-64"):
        return load_assignment(name[:-3])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}-float32.toml"
        path.write_text(float32_text(name, step=True), encoding="utf-8")
        return load_assignment(str(path))


def verdict(place: str, namespace: dict, kind: str = "step", lang: str = "en"):
    """The verdict on whole steps (``kind``: the student's step() or the chain of their functions) of ``place``,
    their steps made here; the single calls are left out (tests/test_float32.py judges them)."""
    plan = plan_for(with_step(place))
    task = plan.task({}, 5.0) | {"probes": []}
    raw = run_task(namespace, task)
    return steps.judge_steps(plan.trajectories, raw["trajectories"], kind, [], lang)


# --- a right step, written several ways ------------------------------------------------------------------------

#: lab1's step with its products made by mm (tests/test_float32.py's PRODUCTS); RETURN is how it hands θ back
LAB1_STEP = """
def s(z):
    return 1 / (1 + np.exp(-z))

def step(X, Y, thetas, eta):
    acts = [X]
    for theta in thetas:
        acts.append(s(mm(acts[-1], theta.T)))
    d = (acts[-1] - Y) * acts[-1] * (1 - acts[-1])
    new = [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        new[l] = thetas[l] - eta * mm(d.T, acts[l])
        d = mm(d, thetas[l]) * acts[l] * (1 - acts[l])
    return RETURN
"""
#: lab2's, the same way
LAB2_STEP = """
def step(X, Y, thetas, biases, eta):
    acts = [X]
    for l, (theta, b) in enumerate(zip(thetas, biases)):
        z = mm(acts[-1], theta.T) + b
        if l == len(thetas) - 1:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            acts.append(e / e.sum(axis=1, keepdims=True))
        else:
            acts.append(np.tanh(z))
    d = (acts[-1] - Y) / len(X)
    new, new_b = [None] * len(thetas), [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        new[l] = thetas[l] - eta * mm(d.T, acts[l])
        new_b[l] = biases[l] - eta * d.sum(axis=0)
        d = mm(d, thetas[l]) * (1 - acts[l] ** 2)
    return RETURN
"""
RETURNS = {"lab1": ("new", "[t.astype(np.float32) for t in new]"),
           "lab2": ("(new, new_b)", "([t.astype(np.float32) for t in new], [b.astype(np.float32) for b in new_b])")}


def right_step(place: str, product: str, rounded: bool = False) -> dict:
    template = LAB1_STEP if place == "lab1" else LAB2_STEP
    return space("import numpy as np\n" + PRODUCTS[product] + template.replace("RETURN", RETURNS[place][rounded]))


@pytest.mark.parametrize("place, product, rounded", [(p, m, False) for p in ("lab1", "lab2") for m in PRODUCTS]
                         + [("lab1", "float64", True), ("lab2", "float64", True)])
def test_a_right_float32_step_passes_whatever_its_products(place, product, rounded):
    """float32 @, einsum, float32 loops summing the other way round, float64 inside (returning float64 θ, or
    rounding them back to float32): every step of every case passes."""
    f = verdict(place, right_step(place, product, rounded))
    assert (f.status, f.source) == ("pass", "step"), f.message


@pytest.mark.parametrize("place, functions", [("lab1", LAB1), ("lab2", LAB2)])
def test_the_chain_of_right_float32_functions_passes(place, functions):
    """With NumPy's activations in the forward pass and with the student's own."""
    f = verdict(place, space(source(functions)), "chain")
    assert (f.status, f.source) == ("pass", "chain"), f.message


def test_every_step_is_handed_float32_numbers_its_step_before_returned_rounded():
    """The step raises unless X, Y, every θ and b are float32 arrays and η a Python float, and returns float64
    values: every later step still gets float32 ones (rounded where it runs), and the verdict holds it to
    autograd's step from those very numbers — it passes."""
    check = ("    for a in [X, Y] + list(thetas) + list(biases):\n"
             "        if not (isinstance(a, np.ndarray) and a.dtype == np.float32):\n"
             "            raise TypeError(f'{type(a)} {getattr(a, \"dtype\", None)}')\n"
             "    assert type(eta) is float\n"
             "    X, Y = X.astype(np.float64), Y.astype(np.float64)\n")
    header = "def step(X, Y, thetas, biases, eta):\n"
    f = verdict("lab2", space(step_source().replace(header, header + check)))
    assert f.status == "pass" and f.calls == 18, f.message


def test_the_judge_starts_each_step_from_the_very_numbers_the_step_was_handed():
    """What a step returned, made float32 where the next step runs (execute.as_handed, then decode) and on the
    judging side (steps.handed), is the same float32 numbers, bit for bit — float64 values that are no float32
    numbers included, and one beyond float32's range (∞ on both sides)."""
    traj = plan_for(with_step("lab2")).trajectories[0]
    returned = [[[0.1, -1 / 3, 2.0 ** -30 + 1.0]], [[1e39, 0.5, -0.7]]]
    spec = traj.spec()
    there = decode(as_handed(returned, spec))
    here = steps.handed(traj, [np.asarray(r, dtype=np.float64) for r in returned])
    assert all(a.dtype == b.dtype == np.float32 and a.tobytes() == b.tobytes() for a, b in zip(there, here))
    assert float(there[0][0, 0]) != 0.1 and np.isinf(there[1][0, 0])   # rounded, not kept


def test_a_right_float32_step_passes_as_mlp_check_runs_it(tmp_path):
    """In a process of its own (check_lab's fork), every function called too: its θ and b rounded there."""
    assignment = tmp_path / "lab2-float32.toml"
    assignment.write_text(float32_text("lab2", step=True), encoding="utf-8")
    result = check_lab(space(step_source()), assignment=str(assignment))
    assert result.formulas["step"].ok and result.ok, result.formulas["step"].message


# --- the bound is not vacuous, and what is refused ------------------------------------------------------------

@pytest.mark.parametrize("place", ["lab1", "lab2"])
def test_a_step_a_few_allowed_differences_off_fails_and_half_of_one_passes(place):
    """autograd's own step, moved entry by entry by 3 times the allowed difference, fails; by half of it, passes:
    the rule is |yours − autograd| ≤ allowed, neither looser nor tighter."""
    traj = plan_for(with_step(place)).trajectories[0]
    before = list(traj.case.thetas) + (list(traj.case.biases) if traj.biases else [])
    wanted, allowed = steps.twin_rule(traj, 1, before)
    signs = [np.where(np.arange(w.size).reshape(w.shape) % 2, 1.0, -1.0) for w in wanted]
    moved = lambda times: [np.float64(w) + times * s * a for w, s, a in zip(wanted, signs, allowed)]  # noqa: E731
    assert steps.judge_step(traj, 1, before, moved(0.5), "en").status == "pass"
    failed = steps.judge_step(traj, 1, before, moved(3.0), "en")
    assert failed.status == "fail" and "more than float32's rounding allows here" in failed.message, failed.message


def test_a_bound_too_small_for_autograds_own_step_refuses_the_assignment_in_one_line(monkeypatch):
    """The plan checks each case's first step: autograd's float32 step must be within E of the exact (float64)
    step from the same float32 numbers. A bound made a thousandth of itself would not hold it: the assignment is
    refused in one line rather than failing a right step."""
    real = rounding.step_bounds
    monkeypatch.setattr(rounding, "step_bounds", lambda *args: {k: E / 1e3 for k, E in real(*args).items()})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lab1-float32-small.toml"
        path.write_text("# a file of its own: its plan is made anew\n" + float32_text("lab1", step=True),
                        encoding="utf-8")
        with pytest.raises(InputError) as error:
            check_lab(space(source(LAB1)), assignment=str(path))
    message = str(error.value)
    assert "float32 step on case lab is not within float32's rounding-error bound of the exact step" in message
    assert "\n" not in message


def test_a_step_whose_bound_overflowed_is_an_error_never_a_pass(monkeypatch):
    """E = +∞ (the bound's own arithmetic overflowed) would let any finite θ through: the step is an error that
    says so."""
    traj = plan_for(with_step("lab1")).trajectories[0]
    before = list(traj.case.thetas)
    wanted = steps.twin_step(traj, 1, before)
    real = rounding.step_bounds
    monkeypatch.setattr(rounding, "step_bounds", lambda *args: {k: E + np.inf for k, E in real(*args).items()})
    finding = steps.judge_step(traj, 1, before, [w + 1.0 for w in wanted], "en")
    assert finding.status == "error" and "cannot be checked in float32" in finding.message, finding.message


# --- mistakes, named as in float64 ----------------------------------------------------------------------------

#: lab1's step as a student writes it for two layers (it is run on the two-layer cases), broken at its places
LAB1_TWO = """
import numpy as np
def s(z):
    return 1 / (1 + np.exp(-z))
def step(X, Y, thetas, eta):
    t1, t2 = thetas
    a1 = s(X @ t1.T)
    a2 = s(a1 @ t2.T)
    d2 = DELTA2
    d1 = DELTA1
    g2 = GRAD2
    g1 = GRAD1
    return [t1 - eta * g1, t2 - eta * g2]
"""
LAB1_RIGHT = {"DELTA2": "(a2 - Y) * a2 * (1 - a2)", "DELTA1": "(d2 @ t2) * a1 * (1 - a1)", "GRAD2": "d2.T @ a1",
              "GRAD1": "d1.T @ X"}
#: the catalogue's mistakes (mlp-compare --inject-bug's), written in the step, and η written as a number
LAB1_MISTAKES = {
    "residual_sign": {"DELTA2": "(Y - a2) * a2 * (1 - a2)"},
    "sign_flipped": {"GRAD2": "-(d2.T @ a1)", "GRAD1": "-(d1.T @ X)"},
    "half_dropped": {"DELTA2": "2 * (a2 - Y) * a2 * (1 - a2)"},
    "no_sigma_prime": {"DELTA2": "a2 - Y", "DELTA1": "d2 @ t2"},
    "hidden_no_sigma_prime": {"DELTA1": "d2 @ t2"},
    "sigma_prime_of_a": {"DELTA2": "(a2 - Y) * s(a2) * (1 - s(a2))", "DELTA1": "(d2 @ t2) * s(a1) * (1 - s(a1))"},
    "sigma_prime_of_z": {"DELTA2": "(a2 - Y) * (a1 @ t2.T) * (1 - a1 @ t2.T)",
                         "DELTA1": "(d2 @ t2) * (X @ t1.T) * (1 - X @ t1.T)"},
    "theta_l_in_hidden_delta": {"DELTA1": "(d2 @ t1) * a1 * (1 - a1)"},
    "missing_transpose": {"GRAD2": "(a1.T @ d2).reshape(t2.shape)", "GRAD1": "(X.T @ d1).reshape(t1.shape)"},
    "updated_theta_in_backward": {"DELTA1": "(d2 @ (t2 - eta * d2.T @ a1)) * a1 * (1 - a1)"},
    "mean_instead_of_sum": {"GRAD2": "d2.T @ a1 / len(X)", "GRAD1": "d1.T @ X / len(X)"},
    "step_eta_fixed": {"GRAD2": "d2.T @ a1 * 0.5 / eta", "GRAD1": "d1.T @ X * 0.5 / eta"},
}


def lab1_step(broken: dict) -> dict:
    text = LAB1_TWO
    for place, right in LAB1_RIGHT.items():
        text = text.replace(place, broken.get(place, right))
    return space(text)


def same_verdict_as_float64(place: str, namespace: dict):
    """The float32 verdict on the step, after checking it names what the float64 one names."""
    f32, f64 = verdict(place, namespace), verdict(f"{place}-64", namespace)
    assert f32.status != "pass" and (f32.status, f32.mistake) == (f64.status, f64.mistake), (f32.message, f64.message)
    return f32


@pytest.mark.parametrize("mistake", LAB1_MISTAKES)
def test_each_lab1_step_mistake_fails_and_is_named_as_in_float64(mistake):
    f = same_verdict_as_float64("lab1", lab1_step(LAB1_MISTAKES[mistake]))
    assert mistake in f.mistake.split(" / "), f.mistake   # residual_sign / sign_flipped: one step, as in float64


#: lab2's step mistakes (tests/test_lab2_step.py's), a θ⁽ˡ⁺¹⁾ updated before δ⁽ˡ⁾ uses it, and η written as 0.5
LAB2_MISTAKES = {
    "bias_mean_instead_of_sum": step_source(BIAS_GRAD="d.mean(axis=0)"),
    "bias_not_updated": step_source(UPDATE="biases[l]"),
    "ce_not_averaged": step_source(DELTA_L="acts[-1] - Y"),
    "ce_averaged_twice": step_source(DELTA_L="(acts[-1] - Y) / len(X) ** 2"),
    None: step_source(UPDATE="biases[l] + eta * d.sum(axis=0)"),   # only b climbs: no catalogued step does that
    "updated_theta_in_backward": step_source().replace("d = (d @ thetas[l])", "d = (d @ new_thetas[l])"),
    "step_eta_fixed": lab2_source() + step_source()[len(lab2_source()):].replace("- eta *", "- 0.5 *"),
}


@pytest.mark.parametrize("mistake", LAB2_MISTAKES, ids=str)
def test_each_lab2_step_mistake_fails_and_is_named_as_in_float64(mistake):
    f = same_verdict_as_float64("lab2", space(LAB2_MISTAKES[mistake]))
    assert f.mistake == mistake and "step 1:" in f.message, f.message


def test_a_step_written_for_two_layers_is_told_so_in_float32():
    """Right on lab2's two-layer cases (within their bounds), it raises on the others: told to loop over them."""
    f = verdict("lab2", space(lab2_source() + TWO_LAYERS.replace("UNPACK", "(t1, t2), (b1, b2) = thetas, biases")))
    assert (f.status, f.mistake) == ("error", "step_two_layers"), f.message


def test_a_small_systematic_change_is_said_so_never_single_precision():
    """θ moved by a factor 1 + 1e-4: far beyond float32's rounding of a step (the worst right one came to 0.09 of
    its allowed difference, about 1e-6·|θ|), within float32's fixed rule (1.2e-3): small_difference_float32."""
    f = verdict("lab1", lab1_step({"GRAD1": "d1.T @ X + 1e-4 * t1 / eta"}))
    assert (f.status, f.mistake) == ("fail", "small_difference_float32"), (f.mistake, f.message)
