"""The exercise notebooks students get, notebooks/labN-exercicio.ipynb: each runs to the end as shipped (every
check says "ainda não implementada"), every check shows ✓ once filled with its solution (tests/exercise_solution.py
for lab1, tests/exercise_solution_labN.py for the others), and a typical mistake shows ✗ at its own formula with
the mistake named, in Portuguese.

All the runs share one kernel (starting one and importing torch costs seconds): for each notebook, the notebook as
shipped, then its cells again with the solution in place of the blanks, then one mistake and its check; then
``%reset -f`` empties the namespace before the next notebook (the modules stay imported).
"""
import copy
import inspect
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import background
import exercise_solution
import exercise_solution_lab2
import exercise_solution_lab3
from language import foreign_lines
from mlp_harness.check import check_lab
from mlp_harness.check.api import lab_plan
from mlp_harness.check.assignment import load_assignment
from mlp_harness.check.cases import all_cases, two_layer
from mlp_harness.check.plan import STEP_STEPS

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 120


@dataclass(frozen=True)
class Exercise:
    assignment: str       # the built-in assignment its checks name
    solution: dict        # function -> its source, right
    mistakes: dict        # function -> (a wrong source, the mistake's id)
    shown: tuple          # the notebook's mistake: (its function, its diagnosis's words in Portuguese)
    missing: str          # what the training cell prints as shipped
    argument: str = ""    # what the check cells add to check_lab's arguments

    @property
    def notebook(self) -> Path:
        return ROOT / "notebooks" / f"{self.assignment}-exercicio.ipynb"

    @property
    def functions(self) -> tuple[str, ...]:
        return load_assignment(self.assignment).names

    def check_call(self, arguments: str) -> str:
        return f'check_lab({arguments}{self.argument}, lang="pt")'


EXERCISES = {
    "lab1": Exercise("lab1", {name: inspect.getsource(getattr(exercise_solution, name))
                              for name in load_assignment("lab1").names}, exercise_solution.MISTAKES,
                     ("delta_L", "o resíduo é tomado ao contrário"), "Falta escrever sigmoid ou step"),
    "lab2": Exercise("lab2", exercise_solution_lab2.SOLUTION, exercise_solution_lab2.MISTAKES,
                     ("delta_L", "falta a divisão por N"), "Falta escrever uma das funções acima",
                     ', assignment="lab2"'),
    "lab3": Exercise("lab3", exercise_solution_lab3.SOLUTION, exercise_solution_lab3.MISTAKES,
                     ("momentum_update", "momentum na outra convenção"), "Falta escrever a atualização do momentum",
                     ', assignment="lab3"'),
}


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


def runs_of(exercise: Exercise) -> tuple[list, dict]:
    """The cells that run ``exercise``'s notebook three times over, and where each run's cells are in them."""
    shipped = nbformat.read(exercise.notebook, as_version=4)
    filled = copy.deepcopy(shipped.cells[2:])   # not the title nor the install cell
    for cell in filled:
        for name in exercise.functions:
            if defines(cell, name):
                cell.source = exercise.solution[name]
    function = exercise.shown[0]
    wrong, _ = exercise.mistakes[function]
    extra = [nbformat.v4.new_code_cell(wrong), nbformat.v4.new_code_cell(exercise.check_call(f"{function}={function}")),
             nbformat.v4.new_code_cell("import mlp_harness; print(mlp_harness.__file__)")]
    n, m = len(shipped.cells), len(filled)
    return shipped.cells + filled + extra, {"shipped": slice(0, n), "filled": slice(n, n + m),
                                            "mistake": slice(n + m, n + m + 3)}


def execute() -> dict:
    cells, places = [], {}
    for key, exercise in EXERCISES.items():
        own, where = runs_of(exercise)
        places[key] = {run: slice(len(cells) + s.start, len(cells) + s.stop) for run, s in where.items()}
        cells += own + [nbformat.v4.new_code_cell("%reset -f")]
    for number, cell in enumerate(cells):   # the filled copies would repeat the shipped cells' ids
        cell.id = f"cell-{number}"
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=nbformat.read(EXERCISES["lab1"].notebook, 4).metadata)
    saved = {k: os.environ.get(k) for k in ("PIP_NO_INDEX", "PIP_DISABLE_PIP_VERSION_CHECK")}
    os.environ.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")   # no network, should pip ever start
    try:
        client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                         resources={"metadata": {"path": str(ROOT)}})
        client.execute()   # raises CellExecutionError, naming the cell, if any cell fails
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    return {key: {run: notebook.cells[s] for run, s in where.items()} for key, where in places.items()}


EXECUTION = background.start("exercise notebooks", execute)   # runs beside the other tests


@pytest.fixture(scope="module")
def executed():
    return EXECUTION.result()


@pytest.fixture(params=list(EXERCISES))
def exercise(request) -> Exercise:
    return EXERCISES[request.param]


def test_stored_without_outputs_and_with_a_blank_for_each_function(exercise):
    notebook = nbformat.read(exercise.notebook, as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in code_cells(notebook))
    blanks = [c for c in notebook.cells if any(defines(c, name) for name in exercise.functions)]
    assert [c.source.split("(")[0][len("def "):] for c in blanks] == list(exercise.functions)   # the assignment's order
    for name in exercise.functions:
        cell = next(c for c in notebook.cells if defines(c, name))
        assert "raise NotImplementedError" in cell.source
        assert cell.source.splitlines()[0] == exercise.solution[name].splitlines()[0]   # the solution's signature
        following = notebook.cells[notebook.cells.index(cell) + 1]
        assert following.source == exercise.check_call(f"{name}={name}")
    assert notebook.cells[-1].source == exercise.check_call("globals()")


def test_as_shipped_it_runs_to_the_end_and_every_check_says_not_implemented(exercise, executed):
    cells = executed[exercise.assignment]["shipped"]
    assert all(c.execution_count for c in code_cells(nbformat.v4.new_notebook(cells=cells)))
    assert not printed(cells[:2]), "the install cell acted where the package is importable"
    assert len(checks(cells)) == len(exercise.functions) + 1
    for cell in checks(cells):
        assert "ainda não implementada" in html(cell) and "✗" not in html(cell) and "✓" not in html(cell)
    assert exercise.missing in printed(cells)


def test_filled_with_the_solution_every_check_is_a_tick(exercise, executed):
    cells = executed[exercise.assignment]["filled"]
    for cell in checks(cells):
        assert "✓" in html(cell) and "✗" not in html(cell) and "não implementada" not in html(cell), cell.source
    assert html(checks(cells)[-1]).count("✓") == len(exercise.functions)   # every function (lab1: and the step)
    assert any("image/png" in o.get("data", {}) for c in cells if c.cell_type == "code" for o in c.outputs)


def test_lab1_filled_trains_as_the_lab_does(executed):
    from manual_mlp import MLP, SGD, lab
    net, losses = MLP(lab.lab_thetas()), []
    for _ in range(1000):
        losses.append(net.train_step(lab.X, lab.Y, SGD(0.1)).loss)
    text = printed(executed["lab1"]["filled"])
    assert f"Loss inicial: {losses[0]:.6f}" in text and f"Loss final: {losses[-1]:.6f}" in text


def printed_number(text: str, pattern: str) -> float:
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, text)
    return float(found[0])


def test_lab2_filled_trains_as_the_numpy_twin_does(executed):
    """The training cell, with the solution, against manual_mlp's network of the same kind (tanh, softmax with
    cross-entropy, biases, batches of 4 in order, η = 0.5) from the notebook's own data cell. The printed losses
    have 6 decimals: they agree within 1e-6 (half the last digit, 5e-7, and the float64 rounding of 400 steps,
    below 1e-12); a training cell that left a bias, a layer or the last smaller batch out is off by far more."""
    from manual_mlp import MLP, SGD, epoch_batches
    space = data_cell(EXERCISES["lab2"])
    X, Y = space["X"], space["Y"]
    net = MLP([space["theta1"], space["theta2"]], [space["b1"], space["b2"]], "tanh", "softmax")
    losses = [net.loss(X, Y, "cross_entropy")]
    for _ in range(50):
        for rows in epoch_batches(len(X), 4):
            net.train_step(X[rows], Y[rows], SGD(0.5), "cross_entropy")
        losses.append(net.loss(X, Y, "cross_entropy"))
    text = printed(executed["lab2"]["filled"])
    for pattern, expected in [(r"Loss inicial: ([\d.]+)", losses[0]), (r"Época 10: Loss = ([\d.]+)", losses[10]),
                              (r"Loss final: ([\d.]+)", losses[-1])]:
        assert abs(printed_number(text, pattern) - expected) <= 1e-6, pattern
    right = np.argmax(net.forward(X).activations[-1], axis=1) == space["classes"]
    assert f"Acurácia: {right.mean() * 100:.1f}% ({right.sum()} de {len(X)} amostras)" in text


def data_cell(exercise: Exercise) -> dict:
    """The names the notebook's data cell defines (X, Y, θ, b, …), run here."""
    space = {}
    notebook = nbformat.read(exercise.notebook, as_version=4)
    exec(next(c.source for c in notebook.cells if c.source.startswith("import numpy")), space)
    return space


def test_lab3_filled_trains_as_torch_optims_twins_do(executed):
    """The training cell, with the solution, against manual_mlp's optimizers (torch.optim's semantics, tested
    against torch elsewhere) from the notebook's own data cell: 30 epochs each of SGD (η = 0.1), momentum
    (η = 0.1, μ = 0.9) and Adam (η = 0.01). The printed losses have 6 decimals: they agree within 1e-6 (half
    the last digit, 5e-7, and the float64 rounding of 240 steps, below 1e-12); a velocity or a moment not
    carried from one step to the next, or mixed between parameters, is off by far more."""
    from manual_mlp import MLP, OptimizerSettings, epoch_batches, make_optimizer
    space = data_cell(EXERCISES["lab3"])
    X, Y = space["X"], space["Y"]
    text = printed(executed["lab3"]["filled"])
    for name, settings in [("gradiente descendente", OptimizerSettings("sgd", 0.1)),
                           ("momentum", OptimizerSettings("sgd", 0.1, 0.9)), ("Adam", OptimizerSettings("adam", 0.01))]:
        net = MLP([space["theta1"], space["theta2"]], [space["b1"], space["b2"]], "tanh", "softmax")
        optimizer, first = make_optimizer(settings), net.loss(X, Y, "cross_entropy")
        for _ in range(30):
            for rows in epoch_batches(len(X), 4):
                net.train_step(X[rows], Y[rows], optimizer, "cross_entropy")
        pattern = rf"{name}: Loss inicial = ([\d.]+), Loss final = ([\d.]+)"
        shown = re.findall(pattern, text)
        assert len(shown) == 1, (pattern, text)
        assert abs(float(shown[0][0]) - first) <= 1e-6 and abs(float(shown[0][1]) - net.loss(X, Y, "cross_entropy")) \
            <= 1e-6, (name, shown)


def test_lab3_names_the_networks_and_optimizers_it_is_checked_on():
    """lab3's text names each of the assignment's cases with its N, and the η, μ, β₁, β₂ and ε each update is
    checked with, as the assignment has them."""
    notebook = nbformat.read(EXERCISES["lab3"].notebook, as_version=4)
    assignment = load_assignment("lab3")
    for text in (notebook.cells[0].source, notebook.cells[-2].source):
        named = set(re.findall(r"([\w-]+)`? \(N = (\d+)", text))
        assert named == {(c.name, str(c.samples)) for c in assignment.cases}, text
    momentum, adam = assignment.network_for("momentum_update"), assignment.network_for("adam_update")
    assert (momentum.optimizer, adam.optimizer) == ("sgd", "adam")
    said = (f"verificado com $\\eta = {momentum.lr:g}$ e $\\mu = {momentum.momentum:g}$; o Adam com "
            f"$\\eta = {adam.lr:g}$, $\\beta_1 = {adam.betas[0]:g}$, $\\beta_2 = {adam.betas[1]:g}$ e")
    assert said in " ".join(notebook.cells[0].source.split()), said
    assert f"$\\epsilon = 10^{{{int(np.log10(adam.eps))}}}$" in notebook.cells[0].source


def test_a_mistake_shows_a_cross_at_its_formula_in_portuguese(exercise, executed):
    shown = html(executed[exercise.assignment]["mistake"][1])
    function, diagnosis = exercise.shown
    assert "✗" in shown and function in shown and "provável erro" in shown and diagnosis in shown
    assert printed(executed[exercise.assignment]["mistake"][2:]).startswith(str(ROOT))   # this checkout's packages


def test_every_line_the_notebook_prints_is_portuguese(exercise, executed):
    runs = executed[exercise.assignment]
    cells = runs["shipped"] + runs["filled"] + runs["mistake"][:2]
    text = printed(cells) + "".join(html(c) for c in checks(cells))
    assert not foreign_lines(text, "pt"), "\n".join(foreign_lines(text, "pt"))


def solution_namespace(exercise: Exercise, **replace: str) -> dict:
    """The solution's functions defined in one namespace, as in the notebook (step calls the others by name)."""
    space = {"np": np}
    for name in exercise.functions:
        exec(replace.get(name) or exercise.solution[name], space)
    return space


@pytest.mark.parametrize("key, name", [(key, name) for key, e in EXERCISES.items() for name in e.mistakes])
def test_three_typical_mistakes_each_shown_at_its_own_formula(key, name):
    exercise = EXERCISES[key]
    source, mistake = exercise.mistakes[name]
    function = name.split(",")[0]   # "adam_update, ε before the correction": a second mistake of one function
    result = check_lab(solution_namespace(exercise, **{function: source}), assignment=key, lang="pt")
    wrong = [n for n, f in result.formulas.items() if f.status != "pass"]
    uses = re.search(rf"\b{function}\(", exercise.solution.get("step", ""))
    inherits = ["step"] if uses else []   # a step made of the wrong function inherits its mistake
    assert wrong == [function] + inherits and result.formulas[function].mistake == mistake
    assert f"✗ {function}" in result.text(100) and "provável erro" in result.text(100)
    assert check_lab(solution_namespace(exercise), assignment=key, lang="pt").ok


def network(case) -> str:
    """'3-4-2': a case's layer sizes, as the notebook names its networks."""
    return "-".join(str(n) for n in [case.thetas[0].shape[1]] + [theta.shape[0] for theta in case.thetas])


def test_the_last_cell_promises_what_check_lab_globals_checks():
    """The markdown above ``check_lab(globals())`` says which networks each function and the step are checked
    on, and how many steps: the same as the checker's plan, and the step judged is the notebook's own."""
    cells = nbformat.read(EXERCISES["lab1"].notebook, as_version=4).cells
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
    result = check_lab(solution_namespace(EXERCISES["lab1"]), lang="pt").formulas["step"]
    ran = {t.case.name for t in plan.trajectories if t.kind == result.source}
    assert result.source == "step" and ran == {c.name for c in two_layer(cases)}   # the notebook's step, not a chain
    assert result.calls == STEP_STEPS * len(ran) and f"{STEP_STEPS} passos seguidos" in step
    assert all(network(c) in step for c in two_layer(cases)) and "dois Y" in step
    assert not any(network(c) in step for c in cases if c.depth > 2)
    assert "encadead" not in promise   # the chain of the functions is not what this cell judges


def test_lab2_names_the_networks_and_batches_it_is_checked_on():
    """lab2's text (its introduction and the cell above ``check_lab(globals())``) names each of the assignment's
    cases with its N, and the batches of the epoch when N is not a multiple of the batch size, as checked."""
    notebook = nbformat.read(EXERCISES["lab2"].notebook, as_version=4)
    assignment = load_assignment("lab2")
    size = assignment.network.batch_size
    for text in (notebook.cells[0].source, notebook.cells[-2].source):
        named = set(re.findall(r"([\w-]+)`? \(N = (\d+)", text))
        assert named == {(c.name, str(c.samples)) for c in assignment.cases}, text
    uneven = {c.samples for c in assignment.cases if c.samples % size}
    assert uneven == {10} and size == 4 and "4, 4 e 2" in notebook.cells[0].source
    assert f"minilotes de {size}" in notebook.cells[-2].source.replace("minilote de", "minilotes de")
    assert f"$\\eta = {assignment.network.lr:g}$" in notebook.cells[0].source


def test_every_exercise_has_lab1s_install_cell():
    """The install cell's tests below run lab1's: the other notebooks carry the same cell."""
    for exercise in EXERCISES.values():
        assert install_cell(exercise.notebook) == install_cell(EXERCISES["lab1"].notebook)


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
EXERCISE_CELL = EXERCISES["lab1"].notebook


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
