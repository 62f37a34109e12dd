"""mlp-check survives whatever a hand-in does or hands back: each such thing is that function's finding.

A hand-in's neighbours, its own modules, pickle and multiprocessing, what its
functions return or raise (objects that cannot be read, messages that cannot be
printed), its signals, forks and closed stdout: the other functions of the same
hand-in keep their verdicts. What needs the worker's own process (its sys.path,
its __main__, its signals) runs through it; the rest runs the worker's code in
this process, as tests/test_check.py does.
"""
import json
import subprocess
import sys
import textwrap
import tracemalloc

import pytest

from handins import RIGHT, lab_source
from mlp_harness.check import check_file, isolate, submission
from mlp_harness.check.api import check_files, lab_plan, result_of_run
from mlp_harness.check.execute import MAX_RETURNED
from mlp_harness.check.report import csv_text
from mlp_harness.check.worker import run_submission

#: seconds per cell and call: no call here comes near it, except the ones stopped by their own alarm (1 s)
LIMIT = 10.0


def hand_in(*, head: str = "", tail: str = "", **replaced: str) -> str:
    """A hand-in: imports and ``head``, the lab's functions (right unless replaced), then ``tail``."""
    return "\n".join([lab_source("import os, signal, sys, time", "import numpy as np", textwrap.dedent(head),
                                  **replaced), textwrap.dedent(tail)])


def check_here(tmp_path, source: str):
    """The verdict, with the worker's code run in this process."""
    path = tmp_path / "entrega.py"
    path.write_text(source, encoding="utf-8")
    plan = lab_plan()
    return result_of_run(path.name, run_submission(str(path), plan.task({}, LIMIT)), plan, "en", LIMIT)


def assert_shows_safely(result) -> None:
    """No raw control character (an ANSI escape) and no lone surrogate reaches any output."""
    csv_lines = csv_text([result]).replace("\r\n", "\n")   # the CSV's own line ends
    for text in (result.text(120), json.dumps(result.to_json(), ensure_ascii=False), csv_lines):
        text.encode("utf-8")   # a lone surrogate cannot be encoded: UnicodeEncodeError
        assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) < 0xa0 for c in text), repr(text)


# --- the worker's process: its sys.path, its __main__, its signals --------------------------------------

def test_files_beside_a_hand_in_do_not_stand_in_for_the_checkers_modules(tmp_path):
    """Every standard module, numpy and this package have a look-alike beside the hand-in that ends the process
    if imported; the hand-in's own modules still import, at its start and inside a call."""
    names = set(sys.stdlib_module_names) | {"numpy", "mlp_harness", "manual_mlp", "sitecustomize"}
    for name in names:
        (tmp_path / f"{name}.py").write_text(f"raise SystemExit('the look-alike {name}.py was imported')\n")
    (tmp_path / "ajuda.py").write_text("import numpy as np\n\n\ndef sigmoide(z):\n    return 1 / (1 + np.exp(-z))\n\n\n"
                                       "def passo(eta):\n    return eta\n")
    source = hand_in(head="from ajuda import sigmoide as sigmoid\n", sigmoid="",
                     optimize="def optimize(theta, grad, eta):\n    from ajuda import passo\n"
                              "    return theta - passo(eta) * grad\n")
    (tmp_path / "entrega.py").write_text(source)
    result = check_file(tmp_path / "entrega.py", timeout=LIMIT)
    assert result.ok and not result.cells, ascii(result.text(120))
    assert {n: f.status for n, f in result.formulas.items()} == {n: "pass" for n in list(RIGHT) + ["step"]}


def test_pickle_and_multiprocessing_find_the_hand_ins_own_functions(tmp_path):
    """As under ``python entrega.py``: its __main__ is a real module, where pickle looks its names up."""
    head = """\
        import pickle
        from multiprocessing import Pool


        class Sigmoid:
            def __call__(self, z):
                return 1 / (1 + np.exp(-z))


        def square(x):
            return x * x


        if __name__ == "__main__":
            with Pool(2) as pool:
                assert pool.map(square, [1, 2, 3]) == [1, 4, 9]
        """
    sigmoid = "def sigmoid(z):\n    return pickle.loads(pickle.dumps(Sigmoid()))(z)\n"
    (tmp_path / "entrega.py").write_text(hand_in(head=head, sigmoid=sigmoid))
    result = check_file(tmp_path / "entrega.py", timeout=LIMIT)
    assert result.ok and not result.cells, ascii(result.text(120))
    assert result.formulas["sigmoid"].ok and result.formulas["step"].ok


def test_what_a_hand_in_does_to_the_worker_is_that_functions_finding(tmp_path):
    """A KeyboardInterrupt and a SIGALRM raised while its value is read, an escape printed, stdout closed."""
    delta_L = """\
        class Interrupting:
            def __array__(self, *args, **kwargs):
                raise KeyboardInterrupt("\\x1b[2Jstop")


        def delta_L(aL, Y):
            return Interrupting()
        """
    delta_l = """\
        class Alarming:
            def __array__(self, *args, **kwargs):
                os.kill(os.getpid(), signal.SIGALRM)
                time.sleep(5)


        def delta_l(delta_next, theta_next, al):
            return Alarming()
        """
    source = hand_in(delta_L=delta_L, delta_l=delta_l, tail="print('\\x1b[31mred')\nsys.stdout.close()\n")
    (tmp_path / "entrega.py").write_text(source)
    result = check_file(tmp_path / "entrega.py", timeout=LIMIT)
    assert result.error is None and result.exit_code == 1, ascii(result.text(120))
    assert [result.formulas[n].status for n in ("sigmoid", "gradient", "optimize")] == ["pass"] * 3
    delta_L = result.formulas["delta_L"]
    assert delta_L.status == "error" and "KeyboardInterrupt: \\x1b[2Jstop" in delta_L.message, ascii(delta_L.message)
    assert result.formulas["delta_l"].status == "error" and "SIGALRM" in result.formulas["delta_l"].message
    assert_shows_safely(result)


def test_only_the_process_that_started_as_the_worker_writes_the_result(tmp_path):
    """A fork of the hand-in's runs the check to its end; the worker itself then ends with exit code 3. The
    fork's verdict must not stand in for it; what the worker wrote on stderr shows escaped."""
    tail = """\
        pid = os.fork()
        if pid:
            os.waitpid(pid, 0)
            os.write(2, b"\\x1b[2Jbye\\n")
            os._exit(3)
        """
    (tmp_path / "entrega.py").write_text(hand_in(tail=tail))
    result = check_file(tmp_path / "entrega.py", timeout=LIMIT)
    assert result.formulas == {} and "exit code 3" in result.error and "\\x1b[2Jbye" in result.error
    assert_shows_safely(result)


def test_a_sigalrm_outside_every_time_limit_does_not_end_the_worker():
    code = ("import os, signal\nfrom mlp_harness.check.execute import isolated\nisolated()\n"
            "os.kill(os.getpid(), signal.SIGALRM)\nprint('still here')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=isolate.worker_env())
    assert (done.returncode, done.stdout) == (0, "still here\n"), done.stderr


# --- what a function hands back or raises ------------------------------------------------------------

OWN_ERRORS = {
    "__array__ exits": ("""\
        class Leaving:
            def __array__(self, *args, **kwargs):
                sys.exit("bye")


        def delta_L(aL, Y):
            return Leaving()
        """, "error", "SystemExit: bye (entrega.py, line"),
    "a broadcast view of 10**12 entries": ("""\
        def delta_L(aL, Y):
            return np.broadcast_to(np.int64(1), (10**6, 10**6))
        """, "fail", "returned shape (1000000, 1000000)"),
    "__str__ raises": ("""\
        class Mine(Exception):
            def __str__(self):
                raise SystemExit(1)


        def delta_L(aL, Y):
            raise Mine()
        """, "error", "Mine: (a message that cannot be shown: its __str__ failed)"),
    "__str__ returns no text": ("""\
        class Mine(Exception):
            def __str__(self):
                return 42


        def delta_L(aL, Y):
            raise Mine()
        """, "error", "Mine: (a message that cannot be shown: its __str__ failed)"),
    "an exception of its own named Timeout": ("""\
        class Timeout(Exception):
            pass


        def delta_L(aL, Y):
            raise Timeout("too slow")
        """, "error", "Timeout: too slow"),
    "a type whose name cannot be read": ("""\
        class Meta(type):
            @property
            def __name__(cls):
                raise SystemExit(1)


        class Odd(metaclass=Meta):
            pass


        def delta_L(aL, Y):
            return Odd()
        """, "fail", "returned a Odd, not an array of numbers"),
    "its own signal.alarm": ("""\
        CALLS = []


        def delta_L(aL, Y):
            CALLS.append(1)
            if len(CALLS) == 1:   # once: a second each
                signal.alarm(1)
                time.sleep(5)
            return (aL - Y) * aL * (1 - aL)
        """, "error", "stopped by a SIGALRM after"),
    "an escape sequence in its message": ("""\
        def delta_L(aL, Y):
            raise ValueError("\\x1b[2J\\x1b]0;title\\x07cleared")
        """, "error", "ValueError: \\x1b[2J\\x1b]0;title\\x07cleared"),
    "a lone surrogate in its message": ("""\
        def delta_L(aL, Y):
            raise ValueError("\\ud800")
        """, "error", "ValueError: \\ud800 (entrega.py"),
}


@pytest.mark.parametrize("case", OWN_ERRORS)
def test_what_a_function_hands_back_or_raises_is_its_own_finding(case, tmp_path):
    delta_L, status, words = OWN_ERRORS[case]
    result = check_here(tmp_path, hand_in(delta_L=delta_L))
    assert result.error is None and result.formulas["sigmoid"].ok and result.formulas["optimize"].ok, \
        ascii(result.text(120))
    assert result.formulas["delta_L"].status == status and words in result.formulas["delta_L"].message, \
        ascii(result.formulas["delta_L"].message)
    # its own alarm is no endless loop; an answer of the wrong shape gets the shapes that should have met
    assert result.formulas["delta_L"].mistake == ("shape_mismatch" if "returned shape" in words else None)
    assert_shows_safely(result)


def test_a_callable_that_answers_every_attribute_is_judged_like_a_function(tmp_path):
    """An object that makes up every attribute (``__code__``, ``__globals__``) is called, not read."""
    delta_L = """\
        class Anything:
            def __call__(self, aL, Y):
                return (aL - Y) * aL * (1 - aL)

            def __getattr__(self, name):
                return lambda *args, **kwargs: 1


        delta_L = Anything()
        """
    result = check_here(tmp_path, hand_in(delta_L=delta_L))
    assert result.ok and all(f.ok for f in result.formulas.values()), ascii(result.text(120))


def test_a_step_that_returns_huge_arrays_sends_back_only_their_shapes(tmp_path):
    step = "\ndef step(X, Y, thetas, eta):\n    return [np.ones((500, 500)), np.ones((500, 500))]\n"
    path = tmp_path / "entrega.py"
    path.write_text(hand_in(tail=step))
    plan = lab_plan()
    raw = run_submission(str(path), plan.task({}, LIMIT))
    steps = [t for t in raw["task"]["trajectories"].values() if "shapes" in t]
    assert steps and all(t["thetas"] == [] and t["shapes"] == [[500, 500]] * 2 for t in steps)
    assert len(json.dumps(raw)) < 100 * MAX_RETURNED   # no 500×500 matrix in it (each is 250,000 numbers)
    result = result_of_run(path.name, raw, plan, "en", LIMIT)
    assert result.formulas["step"].status == "fail" and "θ⁽¹⁾ has shape (500, 500)" in result.formulas["step"].message
    assert all(result.formulas[n].ok for n in RIGHT)


# --- what this process does with a hand-in: read it, never run or compile it ---------------------------------

def notebook(path, *sources: str) -> None:
    cells = [{"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}
             for source in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_reading_a_notebook_never_folds_its_constants(tmp_path):
    """Compiling folds constants: 'a' * 4096 + 'a' * 4096 + … (500 terms, 6.5 kB of source) becomes a 2 MB
    string, each term's a copy of the one before (2,000 terms took 12 s). Reading a cell (to replace its
    magics) parses it: what that allocates is bounded by the source's own size."""
    fold = "x = " + " + ".join(["'a' * 4096"] * 500)
    notebook(tmp_path / "dobra.ipynb", "%matplotlib inline", fold)
    tracemalloc.start()
    try:
        cells = submission.read_submission(tmp_path / "dobra.ipynb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [cell.source for cell in cells] == ["pass  # matplotlib inline", fold]   # magics replaced, as before
    # 1,000 bytes per byte of source: reading and parsing it took 180 (1.1 MB, measured); compiling it took
    # 80,000 (515 MB: the folded strings, each term's copy of the one before)
    assert peak < 1000 * len(fold), peak


def test_a_file_this_process_has_no_memory_to_read_is_its_own_row(tmp_path, monkeypatch):
    """Reading a notebook too big for the checker's memory (its JSON decoded here, before any worker) is that
    file's finding — 'cannot be read', naming it — and the other files of the batch are still checked."""
    notebook(tmp_path / "enorme.ipynb", lab_source("import numpy as np"))
    (tmp_path / "certa.py").write_text(lab_source("import numpy as np"))
    real = submission.json.loads

    def loads(text, **options):   # this process runs out of memory decoding the notebook (and only that)
        if isinstance(text, str) and "def sigmoid" in text:
            raise MemoryError
        return real(text, **options)
    monkeypatch.setattr(submission.json, "loads", loads)
    files = [str(tmp_path / "enorme.ipynb"), str(tmp_path / "certa.py")]
    big, right = check_files(files, timeout=LIMIT)
    assert big.bad_input and big.error == f"{files[0]}: cannot be read (Cannot allocate memory)"
    assert right.full_marks
    big, = check_files(files[:1], lang="pt", timeout=LIMIT)
    assert big.error == f"{files[0]}: não pode ser lido (memória insuficiente)"
