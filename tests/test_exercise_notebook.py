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


# --- the install cell: harmless where installed; else the REPOSITORIO, a kit's wheel, a clone, or a clear stop ------

def install_cell(notebook: Path) -> str:
    return next(c.source for c in nbformat.read(notebook, as_version=4).cells if "find_spec" in c.source)


class FakePip:
    """subprocess.run for the install cell: records pip's command line, and "installs" the package (from then
    on importlib.util.find_spec finds it) unless told to fail with ``stderr``."""

    def __init__(self, monkeypatch, stderr: str = ""):
        import importlib.util
        self.calls, self.installed, self.stderr = [], False, stderr
        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *a: real(name, *a) if self.installed or name != "mlp_harness" else None)
        monkeypatch.setattr(subprocess, "run", self)

    def __call__(self, args, **kw):
        self.calls.append(args)
        self.installed = not self.stderr
        return subprocess.CompletedProcess(args, 1 if self.stderr else 0, "", self.stderr)


def run_install_cell(source: str, where: Path, monkeypatch, repositorio: str = "") -> dict:
    assert not Path("/content").exists(), "this machine has Colab's /content: the cell would look there"
    monkeypatch.chdir(where)
    source = source.replace('REPOSITORIO = ""', f"REPOSITORIO = {repositorio!r}", 1)
    space = {}
    exec(compile(source, "<install cell>", "exec"), space)
    return space


WHEEL = "manual_mlp-0.1.0-py3-none-any.whl"
EXERCISE_CELL = ROOT / "notebooks" / "lab1-exercicio.ipynb"


def test_the_install_cell_does_nothing_where_the_package_is_installed(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(subprocess, "run", lambda *a, **kw: pytest.fail("pip ran"))
    run_install_cell(install_cell(EXERCISE_CELL), tmp_path, monkeypatch)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", [WHEEL, "manual_mlp-0.1.0-py3-none-any (1).whl"])
def test_the_install_cell_installs_the_wheel_beside_the_notebook(name, monkeypatch, tmp_path, capsys):
    pip = FakePip(monkeypatch)
    (tmp_path / name).write_bytes(b"a wheel")
    run_install_cell(install_cell(EXERCISE_CELL), tmp_path, monkeypatch)
    [call] = pip.calls
    assert call[:-1] == [sys.executable, "-m", "pip", "install", "-q"]   # deps only where missing: torch stays
    installed = Path(call[-1])
    assert installed.name == WHEEL and installed.read_bytes() == b"a wheel"   # pip refuses the name "… (1).whl"
    assert capsys.readouterr().out.endswith("Pacote instalado.\n")


def test_the_install_cell_takes_the_repository_first_then_a_wheel_then_a_clone(monkeypatch, tmp_path):
    (tmp_path / WHEEL).write_bytes(b"a wheel")
    pip = FakePip(monkeypatch)
    run_install_cell(install_cell(EXERCISE_CELL), tmp_path, monkeypatch, "https://example.org/manual-mlp")
    assert pip.calls[-1][-1] == "git+https://example.org/manual-mlp"
    pip = FakePip(monkeypatch)
    run_install_cell(install_cell(EXERCISE_CELL), ROOT / "notebooks", monkeypatch)
    assert pip.calls == [[sys.executable, "-m", "pip", "install", "-q", str(ROOT)]]   # in a clone: the clone


def test_the_install_cell_without_a_wheel_stops_with_what_to_upload_in_portuguese(monkeypatch, tmp_path):
    pip = FakePip(monkeypatch)
    with pytest.raises(Exception) as stopped:
        run_install_cell(install_cell(EXERCISE_CELL), tmp_path, monkeypatch)
    assert type(stopped.value).__name__ == "InstalacaoFalhou" and not pip.calls
    message = str(stopped.value)
    assert "manual_mlp-….whl" in message and str(tmp_path) in message and "/content" in message
    assert not foreign_lines(message, "pt"), foreign_lines(message, "pt")


@pytest.mark.parametrize("stderr, expected", [
    ("error: externally-managed-environment\n\n× This environment is externally managed", "ambiente virtual"),
    ("ERROR: Could not find a version that satisfies the requirement torch>=2.1", "satisfies the requirement torch"),
])
def test_the_install_cell_says_why_pip_failed(stderr, expected, monkeypatch, tmp_path):
    pip = FakePip(monkeypatch, stderr)
    (tmp_path / WHEEL).write_bytes(b"a wheel")
    with pytest.raises(Exception) as stopped:
        run_install_cell(install_cell(EXERCISE_CELL), tmp_path, monkeypatch)
    assert type(stopped.value).__name__ == "InstalacaoFalhou" and len(pip.calls) == 1
    assert expected in str(stopped.value)


@pytest.mark.parametrize("where, installed", [("notebooks", True), ("notebooks", False), ("elsewhere", False)])
def test_the_install_cell_of_lab1(where, installed, monkeypatch, tmp_path, capsys):
    import importlib.util
    calls, real_find_spec = [], importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: real_find_spec(name, *a) if installed or name != "mlp_harness" else None)
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(args))
    monkeypatch.chdir(ROOT / "notebooks" if where == "notebooks" else tmp_path)
    exec(install_cell(ROOT / "notebooks" / "lab1.ipynb"), {})
    out = capsys.readouterr().out
    if installed:
        assert not calls and not out
    elif where == "notebooks":   # in a clone: pip install of the repository, nothing from elsewhere
        assert calls == [[sys.executable, "-m", "pip", "install", "-q", str(ROOT)]]
    else:                        # neither: what to do, and no pip
        assert not calls and "git clone" in out
