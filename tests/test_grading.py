"""mlp-check for a whole course: one --name for every file, one rubric and one total for every student,
a batch line and an exit code that tell the truth, JSON numbers that mean what they say, and a hint
toward --name when a function goes by another name.

Most checks run the worker's code in this process (fast); the batch's exit code and lines go through the
CLI, each file in its own process.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from mlp_harness.check.api import lab_plan, result_of_run
from mlp_harness.check.verdict import Finding, verdict_diff
from mlp_harness.check.worker import run_submission
from mlp_harness.cli.check_cli import main

SUBMISSIONS = Path(__file__).parent / "submissions"
#: seconds per cell and per call (generous: see tests/test_check.py)
LIMIT = 10.0

HEADER = "import numpy as np\n\n"
SIGMOID = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n"
DELTA_L = "def delta_L(aL, Y):\n    return (aL - Y) * aL * (1 - aL)\n\n"
DELTA_l = "def delta_l(delta_next, theta_next, al):\n    return delta_next @ theta_next * al * (1 - al)\n\n"
GRADIENT = "def gradient(delta, a_prev):\n    return delta.T @ a_prev\n\n"
OPTIMIZE = "def optimize(theta, grad, eta):\n    return theta - eta * grad\n\n"
#: the lab's five functions, right, and the same with optimize's sign flipped (θ + η∇)
RIGHT = HEADER + SIGMOID + DELTA_L + DELTA_l + GRADIENT + OPTIMIZE
M6 = RIGHT.replace("theta - eta * grad", "theta + eta * grad")


def write(folder: Path, name: str, source: str) -> str:
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return str(path)


def check(path: str, names: dict | None = None):
    """What mlp-check decides for one file, the worker's code run in this process."""
    plan = lab_plan()
    raw = run_submission(path, plan.task(names or {}, LIMIT))
    return result_of_run(Path(path).name, raw, plan, "en", LIMIT)


# --- 1. a mapping adds a name, it never hides the lab's ---------------------------------------------

@pytest.mark.parametrize("names", [{}, {"optimize": "atualiza_pesos"}, {"optimize": "otimizar", "delta_L": "x"}])
def test_a_mapping_never_hides_the_labs_own_name(tmp_path, names):
    optimize = check(write(tmp_path, "m6.py", M6), names).formulas["optimize"]
    assert (optimize.status, optimize.mistake) == ("fail", "sign_flipped")


def test_the_mapped_name_comes_first(tmp_path):
    """A file with both names: the mapped one is the one checked (here the right one)."""
    source = M6 + "def atualiza_pesos(theta, grad, eta):\n    return theta - eta * grad\n"
    assert check(write(tmp_path, "both.py", source), {"optimize": "atualiza_pesos"}).formulas["optimize"].ok


# --- 4. max_abs_diff: null when nothing was compared, never a 0.0 beside a failure --------------------

GLOBAL_X = "X = np.array([[0.5, 0.1], [0.2, 0.6]])\n"


@pytest.mark.parametrize("source,names", [
    (RIGHT.replace("delta.T @ a_prev", "delta.T @ X") + GLOBAL_X, ("gradient", "step")),   # the lab's X: a
    #   right answer on the lab's cases, a ValueError on the others
    (RIGHT.replace("return theta - eta * grad", "theta - eta * grad"), ("optimize", "step")),   # returns None
    (RIGHT.replace("return theta - eta * grad", "return (theta - eta * grad)[:, :2]"), ("optimize", "step")),
    #   θ⁽¹⁾ of the lab (3, 2) comes back right, θ⁽²⁾ (1, 3) cut to the wrong shape
], ids=["global", "none", "shape"])
def test_a_failure_that_compared_nothing_has_no_max_abs_diff(tmp_path, source, names):
    result = check(write(tmp_path, "entrega.py", source))
    formulas = json.loads(json.dumps(result.to_json()))["formulas"]
    assert all(formulas[n]["status"] in ("fail", "error") for n in names), formulas
    assert [formulas[n]["max_abs_diff"] for n in names] == [None] * len(names)


def test_a_wrong_value_reports_the_difference_it_found():
    """half_dropped.py: the max |Δ| of the failed delta_L is at least the |Δ| of its first differing entry."""
    f = check(str(SUBMISSIONS / "half_dropped.py")).formulas["delta_L"]
    assert f.status == "fail" and f.max_abs_diff >= abs(f.first_mismatch["got"] - f.first_mismatch["expected"]) > 0


@pytest.mark.parametrize("diffs,expected", [
    ([("pass", 1e-16), ("fail", 0.5)], 0.5),
    ([("pass", 1e-16), ("error", None)], None),          # an exception compared nothing
    ([("pass", 1e-16), ("fail", float("nan"))], "nan"),   # not a number: NaN (null in JSON), in either order
    ([("fail", float("nan")), ("pass", 1e-16)], "nan"),
    ([("pass", 1e-16), ("pass", 2e-16)], 2e-16),
])
def test_the_verdicts_max_abs_diff(diffs, expected):
    got = verdict_diff([Finding(status, diff) for status, diff in diffs])
    assert (np.isnan(got) if expected == "nan" else got == expected), got
