"""The worker's lifecycle and limits: resource limits are findings, a call that kills its worker keeps the
other verdicts, and the process running a hand-in never holds an autograd answer.

Each test runs a real worker (these are properties of the process), with a small memory limit and short
deadlines, so no test allocates much or waits long.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from handins import lab3_source, lab_source
from mlp_harness.check import check_file, isolate
from mlp_harness.cli import check_cli
from mlp_harness.check.limits import GB, Limits
from mlp_harness.check.result import cell_problems

#: seconds per cell and call: the right functions take milliseconds, so only the calls made to hang reach it
LIMIT = 5.0
ROOT = Path(__file__).resolve().parents[1]


def hand_in(tmp_path, **replaced: str):
    path = tmp_path / "entrega.py"
    path.write_text(lab_source("import signal, sys, gc", "import numpy as np", **replaced), encoding="utf-8")
    return path


def statuses(result) -> dict[str, str]:
    return {name: f.status for name, f in result.formulas.items()}


def test_a_hand_in_past_the_memory_limit_is_that_functions_finding(tmp_path):
    """20 GB asked for under a 1 GB limit: delta_L's finding, in its own words; every other verdict stands."""
    path = hand_in(tmp_path, delta_L="def delta_L(aL, Y):\n    big = np.ones(20 * 2**30 // 8)\n    return aL - Y\n")
    result = check_file(path, timeout=LIMIT, limits=Limits(memory=1 * GB))
    assert statuses(result) == {"sigmoid": "pass", "delta_L": "error", "delta_l": "pass", "gradient": "pass",
                                "optimize": "pass", "step": "error"}   # the chain calls delta_L
    assert "used more than 1 GB of memory, the limit (--memory)" in result.formulas["delta_L"].message
    pt = check_file(path, timeout=LIMIT, limits=Limits(memory=1 * GB), lang="pt")
    assert "usou mais de 1 GB de memória, o limite (--memory)" in pt.formulas["delta_L"].message


def test_a_call_that_ends_its_worker_keeps_the_verdicts_already_made(tmp_path, monkeypatch):
    """delta_l blocks the per-call alarm and spins: it is stopped from outside after LIMIT + GRACE, and is
    the only function that fails — the calls before it kept their verdicts, the ones after it ran in a fresh
    worker."""
    monkeypatch.setattr(isolate, "GRACE", 1.0)   # a message overdue by 1 s stops the worker (no right call is)
    limit = 2.0   # per call: the right calls take milliseconds; the stuck one is stopped after 2 + 1 s, once
    stuck = """
        def delta_l(delta_next, theta_next, al):
            with open("calls.txt", "a") as f:
                f.write("x")
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            while True:
                pass
    """
    result = check_file(hand_in(tmp_path, delta_l=stuck), timeout=limit)
    assert statuses(result) == {"sigmoid": "pass", "delta_L": "pass", "delta_l": "error", "gradient": "pass",
                                "optimize": "pass", "step": "error"}   # the chain calls delta_l: not run again
    assert "did not return within 2 s" in result.formulas["delta_l"].message
    # the chain is not run: a time-out skips the function's later calls (and the steps calling it), as in check_lab
    assert "not run — delta_l had already run out of its time limit" in result.formulas["step"].message
    assert result.error is None
    assert (tmp_path / "calls.txt").read_text() == "x"   # the stuck delta_l ran once: the chain did not run it


def test_a_worker_that_dies_names_its_signal(tmp_path):
    """A function that kills its own process (SIGSEGV, say) is that function's finding; the rest is judged."""
    path = hand_in(tmp_path, gradient="def gradient(delta, a_prev):\n    import os\n    os.kill(os.getpid(), "
                                      "signal.SIGSEGV)\n")
    result = check_file(path, timeout=LIMIT)
    assert statuses(result) == {"sigmoid": "pass", "delta_L": "pass", "delta_l": "pass", "gradient": "error",
                                "optimize": "pass", "step": "error"}
    assert "ended the process running it (signal SIGSEGV)" in result.formulas["gradient"].message


#: a delta_L that looks through every object gc tracks and every frame on its stack for its own right answer
#: (nested lists, as a task file holds them, and arrays): the right answer when it finds one; right + 1 when
#: it finds only its input aL's numbers elsewhere (its search works); right + 2 when it finds neither
SNOOP = """
    calls = []

    def delta_L(aL, Y):
        right = (aL - Y) * aL * (1 - aL)
        calls.append(1)
        if len(calls) > 6:   # the six probes of delta_L come first; the chain's calls need no search
            return right
        def same(x, target):
            if x is aL or x is right or len(x) != len(target):
                return False
            try:
                v = np.asarray(x, dtype=float)
            except Exception:
                return False
            # autograd's numbers and NumPy's differ in the last bits: 1e-9 relative tells them from anything else
            return v.shape == target.shape and np.allclose(v, target, rtol=1e-9, atol=1e-12)
        seen = []
        for obj in gc.get_objects():
            if isinstance(obj, list):
                seen += [obj] + [x for x in obj if isinstance(x, np.ndarray)]
            elif isinstance(obj, dict):
                seen += [x for x in list(obj.values()) if isinstance(x, np.ndarray)]
        frame = sys._getframe().f_back   # the frames that called it: its own holds only what it made
        while frame is not None:
            seen += [x for x in list(frame.f_locals.values()) if isinstance(x, (np.ndarray, list))]
            frame = frame.f_back
        if any(same(x, right) for x in seen):
            return right
        return right + (1 if any(same(x, aL) for x in seen) else 2)
"""


def test_the_process_running_a_hand_in_never_holds_an_autograd_answer(tmp_path):
    """δ⁽ᴸ⁾ is delta_l's and gradient's input: they are asked after delta_L has answered, so a delta_L that
    searches the worker finds its inputs (got − expected = 1 exactly) but never its answer (a pass)."""
    result = check_file(hand_in(tmp_path, delta_L=SNOOP), timeout=LIMIT)
    finding = result.formulas["delta_L"]
    assert finding.status == "fail", finding.message
    mismatch = finding.first_mismatch
    # right + 1 computed in float64 from right: the difference is 1 to within a few ulps of 1
    assert np.isclose(mismatch["got"] - mismatch["expected"], 1.0, rtol=0, atol=1e-12)


def test_a_hand_in_that_imports_autograd_is_flagged_in_every_output(tmp_path):
    """Its verdicts stay the numbers' (a right hand-in passes); every output names the module."""
    from mlp_harness.check.api import lab_plan, result_of_run
    from mlp_harness.check.report import batch_line, csv_text, gradescope_json
    from mlp_harness.check.worker import run_submission

    path = hand_in(tmp_path)
    plain = path.read_text(encoding="utf-8")
    plan = lab_plan()
    def judged(lang):
        return result_of_run(path.name, run_submission(str(path), plan.task({}, LIMIT)), plan, lang, LIMIT)
    assert judged("en").uses == []
    path.write_text("import torch.nn as nn\nmod = __import__('manual_mlp')\n" + plain, encoding="utf-8")
    result = judged("en")
    assert result.full_marks and result.uses == ["torch", "manual_mlp"]
    assert result.to_json()["uses"] == ["torch", "manual_mlp"]
    assert "uses torch, manual_mlp: the answers may come from that code instead of the formulas" in result.text(120)
    assert batch_line(result).endswith("uses torch, manual_mlp")
    assert csv_text([result]).splitlines()[1].endswith(",torch manual_mlp")
    assert "uses torch, manual_mlp" in gradescope_json(result)["output"]
    assert "usa torch, manual_mlp: as respostas podem vir desse código" in judged("pt").text(120)


@pytest.mark.parametrize("items, assignment, uses", [
    (["mlp_harness.check:check_lab"], "lab1", []),                        # every kit notebook's check cells
    (["mlp_harness.check:check_lab", "mlp_harness.verify.run:compare_step"], "lab1", ["mlp_harness"]),
    (["mlp_harness.check"], "lab1", ["mlp_harness"]),                     # import mlp_harness.check: all of it
    (["manual_mlp:MLP"], "lab3", []),                                     # lab3's notebook hands out its gradients
    (["manual_mlp:MLP"], "lab1", ["manual_mlp"]),
    (["manual_mlp:MLP", "manual_mlp.optimizers:Adam"], "lab3", ["manual_mlp"]),
    (["torch.nn", "manual_mlp:MLP", "jax:grad"], "lab3", ["torch", "jax"]),
    ("torch", "lab1", []), ([3, None], "lab1", []),                       # not the worker's layout: no import
])
def test_the_course_notebooks_own_imports_are_not_flagged_a_hand_ins_are(items, assignment, uses):
    from mlp_harness.check.assignment import load_assignment
    from mlp_harness.check.submission import flagged_modules
    assert flagged_modules(items, load_assignment(assignment).imports) == uses


@pytest.mark.parametrize("items, uses", [
    (["manual_mlp:MLP", "manual_mlp:Adam"], []),                 # every name from manual_mlp itself
    (["manual_mlp.optimizers:Adam"], ["manual_mlp"]),             # not from a module inside it
    (["manual_mlp"], ["manual_mlp"]),                             # nor the whole package
])
def test_a_star_import_given_by_the_assignment_gives_every_name_of_that_module(items, uses):
    from mlp_harness.check.assignment import parse_imports
    from mlp_harness.check.submission import flagged_modules
    assert flagged_modules(items, parse_imports(["from manual_mlp import *"], "lab.toml")) == uses


@pytest.mark.parametrize("notebook, assignment", [("lab1-exercicio", "lab1"), ("lab1-ejercicio", "lab1"),
                                                  ("lab2-exercicio", "lab2"), ("lab3-exercicio", "lab3")])
def test_an_exercise_notebook_as_handed_out_is_not_flagged(notebook, assignment):
    from mlp_harness.check.assignment import load_assignment
    from mlp_harness.check.submission import flagged_modules, read_submission, uses_of
    items = uses_of(read_submission(ROOT / "notebooks" / f"{notebook}.ipynb"))
    assert "mlp_harness.check:check_lab" in items   # what made every one of them "uses mlp_harness" before
    assert flagged_modules(items, load_assignment(assignment).imports) == []


def test_lab3s_given_import_is_not_flagged_end_to_end(tmp_path):
    """lab3's notebook imports manual_mlp's MLP for its gradients: a hand-in with that line is not flagged; one
    that imports manual_mlp's Adam is."""
    path = tmp_path / "h.py"
    path.write_text("from manual_mlp import MLP\n" + lab3_source(), encoding="utf-8")
    result = check_file(path, assignment="lab3", timeout=LIMIT)
    assert result.full_marks and result.uses == []
    path.write_text("from manual_mlp import MLP\nfrom manual_mlp.optimizers import Adam\n" + lab3_source(),
                    encoding="utf-8")
    result = check_file(path, assignment="lab3", timeout=LIMIT)
    assert result.full_marks and result.uses == ["manual_mlp"]


def test_several_workers_get_one_blas_thread_each(monkeypatch, tmp_path):
    """--jobs > 1: each worker's BLAS pool is one thread, unless the environment sets its own size; one job
    leaves the pools as they are."""
    from mlp_harness.check import api

    for name in isolate.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert {name: isolate.worker_env(1)[name] for name in isolate.THREAD_VARIABLES} == dict.fromkeys(
        isolate.THREAD_VARIABLES, "1")
    assert not set(isolate.THREAD_VARIABLES) & set(isolate.worker_env())
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert isolate.worker_env(1)["OMP_NUM_THREADS"] == "4"
    asked = []
    monkeypatch.setattr(api, "run_isolated", lambda *args: asked.append(args[-1]) or {"worker_error": "not run"})
    path = str(hand_in(tmp_path))
    api.check_files([path, path], jobs=2)
    api.check_files([path], jobs=1)
    assert asked == [1, 1, None]


def test_a_hand_in_that_forges_the_workers_messages_is_the_files_finding(tmp_path):
    """A cell that writes a "ready" of its own to every descriptor it has (up to 1024: the worker's pipes have
    the numbers they had in the parent, which has many open under pytest-xdist): the checker reads no verdict
    from it and does not crash; the file did not run as written."""
    path = hand_in(tmp_path)
    forge = ("import os\nfor fd in range(3, 1024):\n    try:\n        os.write(fd, b'{\"ready\": {\"found\": {}, "
             "\"cells\": 7}}\\n')\n    except OSError:\n        pass\n")
    path.write_text(forge + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = check_file(path, timeout=LIMIT)
    assert result.formulas == {} and not result.ok
    assert result.error.startswith("the file's process sent the checker a message that is not the checker's")


def test_an_answer_forged_during_a_call_touches_no_other_functions_verdict(tmp_path):
    """delta_L writes forged answers — ids 1 to 400, zeros — to every descriptor before returning the right
    value: whatever the checker makes of delta_L, every other function keeps its own verdict (a pass), as no
    answer is read for a call it was not sent for."""
    forger = """
        def delta_L(aL, Y):
            for fd in range(3, 1024):
                for n in range(1, 401):
                    line = '{"result": {"value": [[0.0]], "shape": [1, 1], "seconds": 0}, "id": %d}\\n' % n
                    try:
                        os.write(fd, line.encode())
                    except OSError:
                        break
            return (aL - Y) * aL * (1 - aL)
    """
    path = hand_in(tmp_path, delta_L=forger)
    path.write_text("import os\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = check_file(path, timeout=LIMIT)
    others = {n: s for n, s in statuses(result).items() if n not in ("delta_L", "step")}
    assert others == {"sigmoid": "pass", "delta_l": "pass", "gradient": "pass", "optimize": "pass"}, result.text(120)


def test_a_plain_hang_in_the_worker_is_called_once_and_skips_the_rest(tmp_path):
    """A delta_l the per-call alarm interrupts (the worker lives on): its later calls, and the chain that
    calls it, are skipped, not run again — one limit, not one per call."""
    hang = """
        def delta_l(delta_next, theta_next, al):
            with open("calls.txt", "a") as f:
                f.write("x")
            while True:
                pass
    """
    limit = 1.0   # per call: the right calls take milliseconds; the hang costs this once
    result = check_file(hand_in(tmp_path, delta_l=hang), timeout=limit)
    assert (tmp_path / "calls.txt").read_text() == "x"
    assert statuses(result) == {"sigmoid": "pass", "delta_L": "pass", "delta_l": "error", "gradient": "pass",
                                "optimize": "pass", "step": "error"}
    assert "did not return within 1 s" in result.formulas["delta_l"].message   # the call that ran, not a skip
    assert "not run — delta_l had already run out of its time limit" in result.formulas["step"].message


def test_arguments_changed_in_place_in_the_worker_are_findings(tmp_path):
    """Through the worker's pipes as in check_lab: a delta_l that changes al fails and is named (in its own
    calls and in the chain's), an optimize that updates θ in place passes with a warning."""
    changes = """
        def delta_l(delta_next, theta_next, al):
            al *= (1 - al)   # the value returned is right; al is not
            return delta_next @ theta_next * al
    """
    in_place = "def optimize(theta, grad, eta):\n    theta -= eta * grad\n    return theta\n"
    result = check_file(hand_in(tmp_path, delta_l=changes, optimize=in_place), timeout=LIMIT)
    f = result.formulas["delta_l"]
    assert f.status == "fail" and f.mistake == "changes_argument" and "argument al in place" in f.message
    assert result.formulas["optimize"].ok and "theta in place" in result.formulas["optimize"].warning
    assert result.formulas["step"].status == "fail" and "delta_l" in result.formulas["step"].message


# --- a power tower (2**2**2**2**2**2): what runs out of memory is its file's or its cell's finding ----------

#: fills the worker's address space up to 32 MB short of the limit it runs under (a bytearray's zero pages cost
#: nothing until written), so the tower after it reaches the limit in a fraction of a second on any machine (the
#: worker's own size varies with its BLAS threads); `del ballast` gives the room back
BALLAST = """\
import resource
with open("/proc/self/status") as status:
    held = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
ballast = bytearray(resource.getrlimit(resource.RLIMIT_AS)[0] - held - 32 * 2**20)
"""
#: 2**(2**65536): repeated squaring, each square twice the size of the last, until no memory holds one
TOWER = "tower = 2**2**2**2**2**2\n"


def test_a_power_tower_past_the_memory_limit_is_its_files_finding_and_the_batch_goes_on(tmp_path, capsys):
    """A .py that computes the tower as it starts, then a notebook that computes it in a cell, in one batch:
    the .py's line names it and the limit; the batch goes on to the notebook, whose cell has the finding and
    whose functions, in the cells after it, are still judged."""
    right = lab_source("import numpy as np")
    (tmp_path / "torre.py").write_text(BALLAST + TOWER + right, encoding="utf-8")
    cells = [BALLAST + TOWER, "del ballast", right]
    (tmp_path / "torre.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}
        for source in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    files = [str(tmp_path / name) for name in ("torre.py", "torre.ipynb")]
    report = tmp_path / "report.json"
    # the tower grows until the memory limit stops it: several seconds on a core shared with other work, so the
    # time limit here is only a backstop, far from it (5 s was reached on one core beside the suite's notebooks)
    code = check_cli.main(files + ["--memory", "1", "--timeout", "60", "--jobs", "2", "--json", str(report)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1 and len(lines) == 2, lines   # one line per file
    assert lines[0].startswith(f"✗ 0/6 {files[0]}  MemoryError") and "(torre.py, line 5)" in lines[0]
    assert "used more than 1 GB of memory, the limit (--memory)" in lines[0]
    assert lines[1] == f"✓ 6/6 {files[1]}"
    notebook = json.loads(report.read_text())[1]
    assert [cell["number"] for cell in notebook["cells"]] == [1]
    assert notebook["cells"][0]["message"].startswith("code cell 1 (import resource): MemoryError")
    assert notebook["cells"][0]["message"].endswith("— used more than 1 GB of memory, the limit (--memory)")


UNCOMPILABLE = {"en": "Python cannot compile it", "pt": "o Python não consegue compilá-la"}


def test_a_cell_the_memory_limit_leaves_uncompilable_names_the_limit():
    """Compiling folds constants (in the worker, under its limits): a cell whose folding runs out of memory is
    reported as uncompilable, with the limit it hit — as the worker reports it."""
    where = {"cell": 3, "file": None, "line": None, "function": None}
    cell = {"number": 3, "first_line": "x = 'a' * 4096 + 'a' * 4096", "status": "syntax_error", "file": None,
            "error": {"type": "MemoryError", "message": "MemoryError", "where": where, "text": "",
                      "resource": {"memory": 1 * GB}}}
    for lang, limit in (("en", "used more than 1 GB of memory, the limit (--memory)"),
                        ("pt", "usou mais de 1 GB de memória, o limite (--memory)")):
        (problem,), fatal = cell_problems([cell], lang)
        assert problem["message"] == fatal and fatal.startswith("code cell 3" if lang == "en" else "célula")
        assert fatal.endswith(f"MemoryError: MemoryError ({UNCOMPILABLE[lang]}) — {limit}")
