"""mlp-kit: the folder a teacher hands out, and its notebook run from that folder as a student runs it.

The student's Python is a fresh venv that sees this environment's torch, NumPy, matplotlib, ipykernel and
pip but not manual-mlp (student_env.py says how, and why not --system-site-packages). The kernel runs with
-I and without PYTHONPATH, so neither the repository nor the user's site-packages is on its path; the cell
put before the first one shows ``import mlp_harness`` failing. pip runs with PIP_NO_INDEX (and no
pip.conf): nothing is downloaded.

The kit is built once, and its notebook run twice in the student's venv — first from a folder without the
wheel (the first cell stops "Executar tudo" with its Portuguese error), then from the kit's folder (the
wheel installs and every check cell runs) — on a background thread, as the other notebook tests do. All of
it takes 6 to 14 s on a 2-core machine (more when the rest of the suite runs beside it), most of it two
kernels starting, pip, and torch imported once.
"""
import copy
import csv
import glob
import inspect
import json
import shlex
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

import background
import exercise_solution
from language import foreign_lines
from student_env import student_environ, student_python
from mlp_harness.i18n import LANGS
from mlp_harness.cli import check_cli, kit_cli
from mlp_harness.kit import kit as kit_module
from mlp_harness.kit import make_kit
from mlp_harness.kit.leiame import leiame
from mlp_harness.kit.source import NOTEBOOK, PACKAGES, find_checkout
from test_feedback import in_process  # noqa: F401 — the fixture: each file checked in this process

try:   # the dev extra's: without them the notebook is not run (the command line is still tested)
    import nbclient
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
except ModuleNotFoundError:
    nbclient = None

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 120
#: where the first cell looks besides the notebook's folder (Colab's upload folder, the mounted Drive)
COLAB = Path("/content")


# --- the student's Python (student_env.py) ----------------------------------------------------------------

def kernel_manager(python: Path, tmp: Path):
    """A kernel of the student's python, with -I (no PYTHONPATH, no user site-packages, no script folder)."""
    spec = tmp / "kernels" / "student"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(python), "-I", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "student", "language": "python"}))
    specs = KernelSpecManager(kernel_dirs=[str(spec.parent)])
    return AsyncKernelManager(kernel_name="student", kernel_spec_manager=specs)


# --- running the kit's notebook ---------------------------------------------------------------------------

#: put before the notebook's first cell: whether the package is importable before the install cell runs
BEFORE = 'import sys\ntry:\n    import mlp_harness\nexcept ModuleNotFoundError:\n    print("ausente", sys.prefix)\n' \
         'else:\n    print("presente", mlp_harness.__file__)'
#: put after the notebook's last cell: one function written right and checked, and where the package is
AFTER = [inspect.getsource(exercise_solution.sigmoid), 'check_lab(sigmoid=sigmoid, lang="pt")',
         "import mlp_harness; print(mlp_harness.__file__)"]


def run_notebook(notebook, folder: Path, python: Path, tmp: Path) -> tuple[list, bool]:
    """The notebook with BEFORE and AFTER, executed from ``folder`` by the student's python, as "Executar
    tudo" runs it (it stops at a cell that raises): (its cells, whether a cell stopped it)."""
    notebook = copy.deepcopy(notebook)
    notebook.cells = ([nbformat.v4.new_code_cell(BEFORE)] + notebook.cells
                      + [nbformat.v4.new_code_cell(source) for source in AFTER])
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, km=kernel_manager(python, tmp),
                                     resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(env=student_environ())
    except nbclient.exceptions.CellExecutionError:
        return notebook.cells, True
    return notebook.cells, False


def wheel_contents(wheel: Path) -> tuple[set[str], str]:
    """(the files a wheel holds, its entry_points.txt)."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        scripts = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    return names, scripts


def execute(tmp: Path) -> dict:
    """Build the kit, then run its notebook from a folder without the wheel, then from the kit's folder.
    Returns plain data (the temporary folder is removed after)."""
    kit = make_kit(tmp / "kit")
    python = student_python(tmp)
    notebook = nbformat.read(kit.notebook, as_version=4)
    alone = tmp / "sem-whl"   # first, while the venv has no package yet
    alone.mkdir()
    shutil.copy(kit.notebook, alone)
    names, scripts = wheel_contents(kit.wheel)
    found = {"files": sorted(p.name for p in kit.folder.iterdir()), "notebook": kit.notebook.read_bytes(),
             "wheel": kit.wheel.name, "version": kit.version, "in_wheel": names, "scripts": scripts,
             "leiame": kit.leiame.read_text(encoding="utf-8"), "venv": python.parents[1], "alone": alone}
    found["without"] = run_notebook(notebook, alone, python, tmp)
    found["with"] = run_notebook(notebook, kit.folder, python, tmp)
    return found


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def html(cell) -> str:
    return "".join(o.data.get("text/html", "") for o in cell.outputs if o.output_type == "execute_result")


def error(cell):
    return next((o for o in cell.outputs if o.output_type == "error"), None)


def _execute() -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="mlp-kit-test-"))
    try:
        return execute(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


#: runs beside the other tests (this file's command-line tests first)
EXECUTION = background.start("mlp-kit", _execute) if nbclient else None


@pytest.fixture(scope="module")
def runs():
    if EXECUTION is None:
        pytest.skip("nbclient is not installed (pip install -e '.[dev]')")
    if any(COLAB.glob("manual_mlp-*.whl")) or any(COLAB.glob("drive/MyDrive/**/manual_mlp-*.whl")):
        pytest.skip("this machine has a manual_mlp wheel where the first cell looks for Colab's uploads")
    return EXECUTION.result()


# --- mlp-kit on the command line ----------------------------------------------------------------------------

def test_mlp_kit_says_what_it_wrote_and_replaces_an_older_kit(tmp_path, capsys):
    folder = tmp_path / "turma"
    folder.mkdir()
    (folder / "manual_mlp-0.0.1-py3-none-any.whl").write_bytes(b"an older kit's wheel")
    (folder / "LEIAME.md").write_text("an older kit's page")
    (folder / "notas.csv").write_text("the teacher's own file\n")
    assert kit_cli.main([str(folder), "--lang", "pt"]) == 0
    out = capsys.readouterr().out.splitlines()
    wheel = next(p.name for p in folder.glob("manual_mlp-*.whl"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(["LEIAME.md", NOTEBOOK.name, "notas.csv", wheel])
    assert wheel != "manual_mlp-0.0.1-py3-none-any.whl"
    assert (folder / "notas.csv").read_text() == "the teacher's own file\n"
    assert "Gerado pelo `mlp-kit`" in (folder / "LEIAME.md").read_text(encoding="utf-8")
    assert out[0] == f"Kit da turma gravado em {folder}: entregue aos alunos o notebook e o pacote, juntos"
    assert [line.split()[0] for line in out[1:4]] == [NOTEBOOK.name, wheel, "LEIAME.md"]
    assert out[4:] == ["pacote mais antigo removido da pasta: manual_mlp-0.0.1-py3-none-any.whl"]
    assert not foreign_lines("\n".join(out), "pt")


def one_line_error(capsys, argv: list[str]) -> str:
    """The command's only output: one line on stderr, exit code 2."""
    assert kit_cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert not out and len(err.splitlines()) == 1 and err.startswith("mlp-kit: ") and "Traceback" not in err, err
    return err


def no_build(*args):
    raise AssertionError("the wheel was built")


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_a_folder_that_cannot_be_made_is_refused_in_one_line_before_the_build(tmp_path, capsys, monkeypatch, lang):
    monkeypatch.setattr(kit_module, "build_wheel", no_build)
    (tmp_path / "a-file").write_text("x")
    err = one_line_error(capsys, [str(tmp_path / "a-file"), "--lang", lang])
    assert ("is a file, not a folder" if lang == "en" else "é um arquivo, não uma pasta") in err
    err = one_line_error(capsys, [str(tmp_path / "no" / "kit"), "--lang", lang])
    assert str(tmp_path / "no") in err and ("does not exist" if lang == "en" else "não existe") in err
    assert not (tmp_path / "no").exists()


def test_without_a_checkout_to_build_from_it_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(kit_module, "find_checkout", lambda: find_checkout(tmp_path))
    err = one_line_error(capsys, [str(tmp_path / "kit"), "--lang", "en"])
    assert "a kit is built from a copy of the repository" in err and "pip install -e" in err
    assert not (tmp_path / "kit").exists()


@pytest.mark.parametrize("broken, said", [
    ('version = "one"', "a construção do .whl falhou ("),                          # setuptools refuses it
    ('version = "0.1.0', "o '{repo}/pyproject.toml' da cópia do repositório não pode ser lido"),   # not TOML
])
def test_a_build_that_fails_is_one_line_and_writes_nothing(broken, said, tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in (*PACKAGES, "README.md", "setup.py", "notebooks"):
        (repo / name).symlink_to(ROOT / name)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = "0.1.0"' in pyproject
    (repo / "pyproject.toml").write_text(pyproject.replace('version = "0.1.0"', broken), encoding="utf-8")
    monkeypatch.setattr(kit_module, "find_checkout", lambda: find_checkout(repo))
    err = one_line_error(capsys, [str(tmp_path / "kit"), "--lang", "pt"])
    assert said.format(repo=repo) in err
    assert not (tmp_path / "kit").exists() and sorted(p.name for p in repo.iterdir()) == sorted(
        [*PACKAGES, "README.md", "notebooks", "pyproject.toml", "setup.py"])   # nothing built in the checkout either


def fake_wheel(root: Path, out: Path) -> Path:
    """build_wheel's result, without building it (the real build is tested below, once)."""
    wheel = out / "manual_mlp-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"a wheel")
    return wheel


def test_a_kit_for_lab2_carries_lab2s_notebook_and_grades_with_its_assignment(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(kit_module, "build_wheel", fake_wheel)
    folder = tmp_path / "kit-lab2"
    assert kit_cli.main([str(folder), "--assignment", "lab2", "--lang", "pt"]) == 0
    out = capsys.readouterr().out.splitlines()
    notebook = "lab2-exercicio.ipynb"
    assert sorted(p.name for p in folder.iterdir()) == ["LEIAME.md", notebook, "manual_mlp-0.1.0-py3-none-any.whl"]
    assert (folder / notebook).read_bytes() == (ROOT / "notebooks" / notebook).read_bytes()
    assert out[1].split()[0] == notebook
    page = (folder / "LEIAME.md").read_text(encoding="utf-8")
    assert page.startswith("# Kit do Lab 2") and f"lab2-venv/bin/jupyter lab {notebook}" in page
    assert "    mlp-check --assignment lab2 --lang pt entregas/*.ipynb --csv notas.csv --summary turma.html\n" in page
    assert "lab1" not in page and NOTEBOOK.name not in page
    assert not foreign_lines(page, "pt"), "\n".join(foreign_lines(page, "pt"))


def test_the_pages_grading_command_writes_the_grades_and_the_class_report(tmp_path, monkeypatch, in_process):
    """The command LEIAME.md gives the teacher, as written, in a folder of two hand-ins (the shell's glob
    expanded here): the grades and the class report, in Portuguese; bruno's δ⁽ᴸ⁾ has its sign flipped."""
    page = leiame("0.1.0", "manual_mlp-0.1.0-py3-none-any.whl", NOTEBOOK.name, None)
    command = [line.strip() for line in page.splitlines() if line.strip().startswith("mlp-check ")]
    assert len(command) == 1 and "--summary turma.html" in command[0], command
    (tmp_path / "entregas").mkdir()
    for name, handin in (("ana", "correct_step.ipynb"), ("bruno", "lab_fix_sign.ipynb")):
        shutil.copy(ROOT / "tests" / "submissions" / handin, tmp_path / "entregas" / f"{name}.ipynb")
    monkeypatch.chdir(tmp_path)
    argv = [word for arg in shlex.split(command[0])[1:] for word in (sorted(glob.glob(arg)) if "*" in arg else [arg])]
    assert check_cli.main(argv) == 1   # a file below full marks
    with open("notas.csv", encoding="utf-8") as rows:
        assert [(row["file"], row["ok"]) for row in csv.DictReader(rows)] == [("ana.ipynb", "1"),
                                                                              ("bruno.ipynb", "0")]
    report = Path("turma.html").read_text(encoding="utf-8")
    assert "<h1>mlp-check: relatório da turma</h1>" in report and "bruno.ipynb" in report


def test_every_exercise_notebook_has_its_own_page_for_teachers():
    """LEIAME.md says what each kit's notebook holds: every notebooks/*-exercicio.ipynb has its entry."""
    from mlp_harness.kit.leiame import ASSIGNMENTS
    assert set(ASSIGNMENTS) == {p.name.split("-")[0] for p in (ROOT / "notebooks").glob("*-exercicio.ipynb")}


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_an_assignment_without_an_exercise_notebook_is_refused_in_one_line_before_the_build(tmp_path, capsys,
                                                                                           monkeypatch, lang):
    monkeypatch.setattr(kit_module, "build_wheel", no_build)
    own = tmp_path / "lab4.toml"
    shutil.copy(ROOT / "mlp_harness" / "check" / "assignments" / "lab2.toml", own)
    err = one_line_error(capsys, [str(tmp_path / "kit"), "--assignment", str(own), "--lang", lang])
    said = {"en": "no exercise notebook to hand out (the built-in assignments with one: lab1, lab2, lab3)",
            "pt": "não há notebook de exercício para entregar (as tarefas embutidas que têm um: lab1, lab2, "
                  "lab3)"}[lang]
    assert f"--assignment {own}: {said}" in err and "--gradescope" in err
    assert not foreign_lines(err, lang), err
    err = one_line_error(capsys, [str(tmp_path / "kit"), "--assignment", "lab9", "--lang", lang])
    assert "'lab9'" in err and "lab2" in err
    assert not (tmp_path / "kit").exists()


# --- the kit's notebook, run as a student runs it ----------------------------------------------------------

def prefix(cell) -> Path | None:
    """sys.prefix as the cell BEFORE printed it when ``import mlp_harness`` failed there, else None."""
    word, _, path = printed(cell).strip().partition(" ")
    return Path(path).resolve() if word == "ausente" else None


def test_the_kit_holds_the_notebook_the_wheel_of_this_checkout_and_a_page_for_teachers(runs):
    assert runs["files"] == sorted(["LEIAME.md", runs["wheel"], NOTEBOOK.name])
    assert runs["notebook"] == (ROOT / NOTEBOOK).read_bytes()
    sources = {p.relative_to(ROOT).as_posix() for package in PACKAGES
               for pattern in ("*.py", "assignments/*.toml", "locale/*.pot", "locale/*/LC_MESSAGES/*.po")
               for p in (ROOT / package).rglob(pattern) if "__pycache__" not in p.parts}   # modules and package data
    compiled = {name[:-3] + ".mo" for name in sources if name.endswith(".po")}   # each catalog built by setup.py
    assert len(compiled) >= 2 * (len(LANGS) - 1)   # two domains per language besides English
    metadata = f"manual_mlp-{runs['version']}.dist-info/"
    assert {n for n in runs["in_wheel"] if not n.startswith(metadata)} == sources | compiled   # nothing else
    assert "mlp-check = mlp_harness.cli.entry:check" in runs["scripts"]
    assert "mlp-kit = mlp_harness.cli.entry:kit" in runs["scripts"]
    page = runs["leiame"]
    assert runs["wheel"] in page and NOTEBOOK.name in page and "/content" in page and "Montar Drive" in page
    assert not foreign_lines(page, "pt"), "\n".join(foreign_lines(page, "pt"))


def test_without_the_wheel_the_first_cell_stops_run_all_with_a_portuguese_error(runs):
    cells, stopped = runs["without"]
    code = [c for c in cells if c.cell_type == "code"]
    assert prefix(code[0]) == runs["venv"].resolve()   # the student's python, without the package
    shown = error(code[1])
    assert stopped and shown is not None and shown.ename == "InstalacaoFalhou", printed(code[1])
    assert all(c.execution_count is None and not c.outputs for c in code[2:])   # "Executar tudo" stopped there
    message = shown.evalue
    assert "manual_mlp-….whl" in message and str(runs["alone"]) in message   # what, and where in Jupyter
    assert "/content" in message and "Montar Drive" in message               # where in Colab
    assert not foreign_lines(message, "pt"), "\n".join(foreign_lines(message, "pt"))


def test_from_the_kit_folder_the_wheel_installs_offline_and_every_check_cell_runs(runs):
    cells, stopped = runs["with"]
    code = [c for c in cells if c.cell_type == "code"]
    assert not stopped, [error(c) for c in code if error(c)]
    assert prefix(code[0]) == runs["venv"].resolve()
    assert runs["wheel"] in printed(code[1]) and printed(code[1]).endswith("Pacote instalado.\n")
    shipped = [c for c in code[:-len(AFTER)] if c.source.startswith("check_lab(")]
    assert len(shipped) == 7   # one per function, and the last cell's
    for cell in shipped:
        assert "ainda não implementada" in html(cell) and "✗" not in html(cell), cell.source
    assert "✓" in html(code[-2]) and "✗" not in html(code[-2])   # a function written: checked by the wheel's code
    installed = Path(printed(code[-1]).strip()).resolve()
    assert installed.is_relative_to(runs["venv"].resolve()) and not installed.is_relative_to(ROOT)
