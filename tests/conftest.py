import os

import numpy as np
import pytest

from manual_mlp import lab

# The tools take their default language from LANGUAGE / LC_ALL / LC_MESSAGES / LANG (pt_BR.UTF-8 → Portuguese): the
# suite must not depend on the machine it runs on, so it runs in a neutral locale, and tests that want
# Portuguese say so with --lang pt or by setting these themselves. Subprocesses inherit it.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture
def lab_net():
    """The lab's θ⁽¹⁾, θ⁽²⁾ (fresh copies) with its X."""
    return lab.lab_thetas(), lab.X.copy()


def assert_same(label: str, value_np, value_pt, rtol: float, atol: float) -> None:
    """The one comparison helper: shape, then dtype, then values — each failure names the quantity."""
    value_np, value_pt = np.asarray(value_np), np.asarray(value_pt)
    assert value_np.shape == value_pt.shape, f"{label}: shape {value_np.shape} vs {value_pt.shape}"
    assert value_np.dtype == value_pt.dtype, f"{label}: dtype {value_np.dtype} vs {value_pt.dtype}"
    np.testing.assert_allclose(value_np, value_pt, rtol=rtol, atol=atol, err_msg=label)


#: the width the tests' tables see unless a test sets one: wide enough that no table is stacked, so a test
#: reads a row as one line; tests/test_width.py checks the narrow layouts with --width and COLUMNS
WIDE = "250"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", WIDE)
