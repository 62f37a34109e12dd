import os
import shutil
import threading
from pathlib import Path

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


@pytest.fixture
def torch_loaded():
    import torch  # noqa: F401


@pytest.fixture
def pytester(torch_loaded, pytester):
    """pytest's own, with torch imported before it: each in-process run (runpytest_inprocess) drops the modules
    it imported when it ends, and a later run that imports torch again crashes the interpreter (its C part is
    loaded once per process). The plugin's check loads torch, so a first run in a process would leave it so."""
    return pytester


#: the kit's wheel by checkout, built once per session for the tests that run mlp-kit but are not about the build
_WHEELS: dict = {}
_WHEEL_LOCK = threading.Lock()   # a background thread (tests/background.py) may build one at the same time


@pytest.fixture
def wheel_built_once(monkeypatch, tmp_path_factory):
    """mlp-kit's wheel built for real the first time in the session, a copy of it afterwards: for the tests of
    what the kit commands print and write (test_docs, test_language, the bundle's contents in
    test_autograder.py); test_kit.py and test_autograder.py's venv runs build it for real each time. A build
    started by a background thread while a test has this fixture may be the shared one: the same wheel."""
    from mlp_harness.kit import classroom, gradescope, kit, wheel

    def build_once(root: Path, out: Path) -> Path:
        with _WHEEL_LOCK:
            if root not in _WHEELS:
                _WHEELS[root] = wheel.build_wheel(root, tmp_path_factory.mktemp("wheel"))
        return Path(shutil.copy2(_WHEELS[root], out))
    for module in (classroom, gradescope, kit):
        monkeypatch.setattr(module, "build_wheel", build_once)


#: the fixtures that wait for work started in the background when their module is collected (tests/background.py)
WAITING = {"runs", "executed"}


def pytest_collection_modifyitems(items):
    """The tests that wait for background work run last, in the order collected: the work (a venv's pip, a
    Jupyter kernel) then overlaps the whole suite instead of the few modules collected before its own, and no
    test waits for it (items.sort is stable: every other test keeps its place)."""
    items.sort(key=lambda item: bool(WAITING & set(getattr(item, "fixturenames", ()))))
