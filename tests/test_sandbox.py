"""mlp-check --sandbox: what a hand-in does inside it is its finding, and nothing outside changes.

Each test runs real sandboxed workers; they skip, with the reason, only where bwrap cannot run (not
installed, or no user namespaces). The process limit is set small (32) and the memory limit to 1 GB, so
no test forks or allocates much.
"""

import pytest

from handins import lab_source
from mlp_harness.check import sandbox
from mlp_harness.check.api import check_files
from mlp_harness.check.limits import GB, Limits
from mlp_harness.cli.check_cli import main

needs_bwrap = pytest.mark.skipif(sandbox.unusable() is not None, reason=f"bwrap cannot run: {sandbox.unusable()}")

#: seconds per cell and call: the right functions take milliseconds
LIMIT = 5.0
SMALL = Limits(memory=1 * GB, processes=32)


def hand_in(folder, name="entrega.py", **replaced):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(lab_source("import os, socket, time", "import numpy as np", **replaced), encoding="utf-8")
    return path


@needs_bwrap
def test_what_a_sandboxed_hand_in_does_outside_is_a_finding_and_changes_nothing(tmp_path):
    """One hand-in, a hostile function each: a write beside itself (read-only), a socket, 1000 forks, 50 GB —
    each that function's ✗; a write outside its folder, under /tmp, lands in its private /tmp: sigmoid
    still passes, and no file appears outside."""
    outside = tmp_path / "outside.txt"
    hostile = hand_in(
        tmp_path / "aluno",
        sigmoid=f"def sigmoid(z):\n    open({str(outside)!r}, 'w').write('x')\n    return 1 / (1 + np.exp(-z))\n",
        delta_L="def delta_L(aL, Y):\n    open('beside.txt', 'w').write('x')\n    return (aL - Y) * aL * (1 - aL)\n",
        delta_l="def delta_l(d, t, a):\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n"
                "    return d @ t * a * (1 - a)\n",
        gradient="def gradient(delta, a_prev):\n    for _ in range(1000):\n        if os.fork() == 0:\n"
                 "            time.sleep(60)\n            os._exit(0)\n    return delta.T @ a_prev\n",
        optimize="def optimize(theta, grad, eta):\n    big = np.ones(50 * 2**30 // 8)\n    return theta - eta * grad\n")
    result, = check_files([str(hostile)], timeout=LIMIT, limits=SMALL, sandbox=True)
    assert {n: f.status for n, f in result.formulas.items()} == {"sigmoid": "pass"} | {
        n: "error" for n in ("delta_L", "delta_l", "gradient", "optimize", "step")}
    messages = {n: f.message for n, f in result.formulas.items()}
    assert "Read-only file system" in messages["delta_L"]
    assert "Network is unreachable" in messages["delta_l"]
    assert "started more than 32 processes or threads, the limit" in messages["gradient"]
    assert "used more than 1 GB of memory, the limit (--memory)" in messages["optimize"]
    assert not outside.exists() and not (tmp_path / "aluno" / "beside.txt").exists()


@needs_bwrap
def test_a_sandboxed_hand_in_does_not_see_the_others_in_its_folder(tmp_path):
    """Two hand-ins in one folder: each sees itself alone (its neighbour's file is not there)."""
    peek = ("def sigmoid(z):\n    assert not os.path.exists('outro.py'), 'saw outro.py'\n"
            "    return 1 / (1 + np.exp(-z))\n")
    first, second = hand_in(tmp_path, "entrega.py", sigmoid=peek), hand_in(tmp_path, "outro.py")
    results = check_files([str(first), str(second)], timeout=LIMIT, limits=SMALL, sandbox=True)
    assert [r.full_marks for r in results] == [True, True], results[0].text(120)


def test_sandbox_where_bwrap_cannot_run_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "unusable", lambda: "missing")
    assert main([str(hand_in(tmp_path)), "--sandbox"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "mlp-check: error: --sandbox needs bwrap (the bubblewrap package), which this machine does not have"]
    monkeypatch.setattr(sandbox, "unusable", lambda: "No permissions to creating new namespace")
    assert main([str(hand_in(tmp_path)), "--sandbox", "--lang", "pt"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "mlp-check: erro: --sandbox: o bwrap não consegue rodar aqui: No permissions to creating new namespace"]
