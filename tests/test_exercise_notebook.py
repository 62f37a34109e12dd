"""notebooks/lab1-exercicio.ipynb, the exercise students get: it runs to the end as shipped (every check says
"ainda não implementada"), every check shows ✓ once filled with the solution in tests/exercise_solution.py,
and a typical mistake shows ✗ at its own formula with the mistake named, in Portuguese.

The three runs share one kernel (starting one and importing torch costs seconds): the notebook as shipped,
then its cells again with the solution in place of the blanks, then one mistake and its check.
"""
import copy
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import background
import exercise_solution
from language import foreign_lines
from mlp_harness.check import check_lab
from mlp_harness.check.api import lab_plan
from mlp_harness.check.cases import all_cases, two_layer
from mlp_harness.check.plan import STEP_STEPS

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "lab1-exercicio.ipynb"
FUNCTIONS = ("sigmoid", "delta_L", "delta_l", "gradient", "optimize", "step")
CELL_TIMEOUT = 120


def code_cells(notebook) -> list:
    return [c for c in notebook.cells if c.cell_type == "code"]


def defines(cell, name: str) -> bool:
    return cell.cell_type == "code" and cell.source.startswith(f"def {name}(")


def checks(cells) -> list:
    return [c for c in cells if c.cell_type == "code" and c.source.startswith("check_lab(")]


def html(cell) -> str:
    return "".join(o.data.get("text/html", "") for o in cell.outputs if o.output_type == "execute_result")


def printed(cells) -> str:
    return "".join(o.text for c in cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream")


def execute():
    shipped = nbformat.read(NOTEBOOK, as_version=4)
    n = len(shipped.cells)
    filled = copy.deepcopy(shipped.cells[2:])   # not the title nor the install cell
    for cell in filled:
        for name in FUNCTIONS:
            if defines(cell, name):
                cell.source = inspect.getsource(getattr(exercise_solution, name))
    wrong, _ = exercise_solution.MISTAKES["delta_L"]
    extra = [nbformat.v4.new_code_cell(wrong), nbformat.v4.new_code_cell('check_lab(delta_L=delta_L, lang="pt")'),
             nbformat.v4.new_code_cell("import mlp_harness; print(mlp_harness.__file__)")]
    notebook = copy.deepcopy(shipped)
    notebook.cells = shipped.cells + filled + extra
    saved = {k: os.environ.get(k) for k in ("PIP_NO_INDEX", "PIP_DISABLE_PIP_VERSION_CHECK")}
    os.environ.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")   # no network, should pip ever start
    try:
        client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                         resources={"metadata": {"path": str(ROOT)}})
        client.execute()   # raises CellExecutionError, naming the cell, if any cell fails
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    cells = notebook.cells
    return {"shipped": cells[:n], "filled": cells[n:n + len(filled)], "mistake": cells[-3:]}


EXECUTION = background.start("lab1-exercicio.ipynb", execute)   # runs beside the other tests


@pytest.fixture(scope="module")
def runs():
    return EXECUTION.result()


def test_stored_without_outputs_and_with_a_blank_for_each_function():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in code_cells(notebook))
    for name in FUNCTIONS:
        cell = next(c for c in notebook.cells if defines(c, name))
        assert "raise NotImplementedError" in cell.source
        following = notebook.cells[notebook.cells.index(cell) + 1]
        assert following.source == f'check_lab({name}={name}, lang="pt")'


def test_as_shipped_it_runs_to_the_end_and_every_check_says_not_implemented(runs):
    cells = runs["shipped"]
    assert all(c.execution_count for c in code_cells(nbformat.v4.new_notebook(cells=cells)))
    assert not printed(cells[:2]), "the install cell acted where the package is importable"
    for cell in checks(cells):
        assert "ainda não implementada" in html(cell) and "✗" not in html(cell) and "✓" not in html(cell)
    assert "Falta escrever sigmoid ou step" in printed(cells)


def test_filled_with_the_solution_every_check_is_a_tick_and_it_trains(runs):
    cells = runs["filled"]
    for cell in checks(cells):
        assert "✓" in html(cell) and "✗" not in html(cell) and "não implementada" not in html(cell), cell.source
    assert html(checks(cells)[-1]).count("✓") == 6   # the five functions and the step
    from manual_mlp import MLP, SGD, lab
    net, losses = MLP(lab.lab_thetas()), []
    for _ in range(1000):
        losses.append(net.train_step(lab.X, lab.Y, SGD(0.1)).loss)
    text = printed(cells)
    assert f"Loss inicial: {losses[0]:.6f}" in text and f"Loss final: {losses[-1]:.6f}" in text
    assert any("image/png" in o.get("data", {}) for c in cells if c.cell_type == "code" for o in c.outputs)


def test_a_mistake_shows_a_cross_at_its_formula_in_portuguese(runs):
    shown = html(runs["mistake"][1])
    assert "✗" in shown and "delta_L" in shown and "provável erro" in shown and "o resíduo é tomado ao contrário" in shown
    assert printed(runs["mistake"][2:]).startswith(str(ROOT))   # the kernel ran this checkout's packages


def test_every_line_the_notebook_prints_is_portuguese(runs):
    cells = runs["shipped"] + runs["filled"] + runs["mistake"][:2]
    text = printed(cells) + "".join(html(c) for c in checks(cells))
    assert not foreign_lines(text, "pt"), "\n".join(foreign_lines(text, "pt"))


def solution_namespace(**replace: str) -> dict:
    """The solution's functions defined in one namespace, as in the notebook (step calls the others by name)."""
    space = {"np": np}
    for name in FUNCTIONS:
        exec(replace.get(name) or inspect.getsource(getattr(exercise_solution, name)), space)
    return space


@pytest.mark.parametrize("name", list(exercise_solution.MISTAKES))
def test_three_typical_mistakes_each_shown_at_its_own_formula(name):
    source, mistake = exercise_solution.MISTAKES[name]
    result = check_lab(solution_namespace(**{name: source}), lang="pt")
    wrong = [n for n, f in result.formulas.items() if f.status != "pass"]
    assert wrong == [name, "step"] and result.formulas[name].mistake == mistake   # the step inherits it
    assert f"✗ {name}" in result.text(100) and "provável erro" in result.text(100)
    assert check_lab(solution_namespace(), lang="pt").ok


def network(case) -> str:
    """'3-4-2': a case's layer sizes, as the notebook names its networks."""
    return "-".join(str(n) for n in [case.thetas[0].shape[1]] + [theta.shape[0] for theta in case.thetas])


def test_the_last_cell_promises_what_check_lab_globals_checks():
    """The markdown above ``check_lab(globals())`` says which networks each function and the step are checked
    on, and how many steps: the same as the checker's plan, and the step judged is the notebook's own."""
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    assert cells[-1].source == 'check_lab(globals(), lang="pt")'
    promise = cells[-2].source
    functions, step = (next((item for item in promise.split("\n* ") if mark in item), "")
                       for mark in ("cinco funções", "`step`"))
    plan, cases = lab_plan(), all_cases()
    for formula in ("sigmoid", "delta_L", "delta_l", "gradient", "optimize"):   # each on every case
        assert {p.case.name for p in plan.probes if p.formula == formula} == {c.name for c in cases}
    assert all(network(c) in functions for c in cases)
    assert {"duas camadas", "três camadas"} <= set(re.findall(r"\w+ camadas", functions))
    assert {c.depth for c in cases} == {2, 3}
    result = check_lab(solution_namespace(), lang="pt").formulas["step"]
    ran = {t.case.name for t in plan.trajectories if t.kind == result.source}
    assert result.source == "step" and ran == {c.name for c in two_layer(cases)}   # the notebook's step, not a chain
    assert result.calls == STEP_STEPS * len(ran) and f"{STEP_STEPS} passos seguidos" in step
    assert all(network(c) in step for c in two_layer(cases)) and "dois Y" in step
    assert not any(network(c) in step for c in cases if c.depth > 2)
    assert "encadead" not in promise   # the chain of the functions is not what this cell judges


# --- the install cell (both notebooks have it): harmless where installed, pip only from a clone -----------

def install_cell(notebook: Path) -> str:
    return next(c.source for c in nbformat.read(notebook, as_version=4).cells if "find_spec" in c.source)


@pytest.mark.parametrize("notebook", ["lab1-exercicio.ipynb", "lab1.ipynb"])
@pytest.mark.parametrize("where, installed", [("notebooks", True), ("notebooks", False), ("elsewhere", False)])
def test_the_install_cell(notebook, where, installed, monkeypatch, tmp_path, capsys):
    import importlib.util
    calls, real_find_spec = [], importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: real_find_spec(name, *a) if installed or name != "mlp_harness" else None)
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(args))
    monkeypatch.chdir(ROOT / "notebooks" if where == "notebooks" else tmp_path)
    exec(install_cell(ROOT / "notebooks" / notebook), {})
    out = capsys.readouterr().out
    if installed:
        assert not calls and not out
    elif where == "notebooks":   # in a clone: pip install of the repository, nothing from elsewhere
        assert calls == [[sys.executable, "-m", "pip", "install", "-q", str(ROOT)]]
    else:                        # neither: what to do, and no pip
        assert not calls and "git clone" in out
