"""The student's side of mlp-check: what check_lab and the worker make of a function that hangs or that
changes its arguments in place, and check_lab's calls made in a fork of the notebook's process.

A function that runs out of its time limit once is not called again (a hang costs one limit, not one per
call); an argument changed in place is that function's finding — a warning for the θ that optimize (or a
step) updates, a failure for any other argument, as a training step uses it again after the call.
"""
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from mlp_harness.check import check_lab, forked
from mlp_harness.check.api import judge, lab_plan
from mlp_harness.check.execute import run_task

#: seconds per call where a function hangs on purpose: short, as every such call waits it out in full
HANG = 0.2


def right():
    """The lab's functions, right, under the notebook's parameter names."""
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def delta_L(aL, Y):
        return (aL - Y) * aL * (1 - aL)

    def delta_l(delta_l_plus_one, theta_l_plus_one, al):
        return delta_l_plus_one @ theta_l_plus_one * al * (1 - al)

    def gradient(delta_i, a_previous):
        return delta_i.T @ a_previous

    def optimize(old_theta, gradient, eta):
        return old_theta - eta * gradient
    return dict(sigmoid=sigmoid, delta_L=delta_L, delta_l=delta_l, gradient=gradient, optimize=optimize)


def run_here(functions: dict, limit: float):
    """(the worker's raw data, the verdicts) with the calls made in this process, as the worker makes them."""
    plan = lab_plan()
    raw = run_task(functions, plan.task({}, limit))
    return raw, judge(plan, raw, "pt")


# --- a hang costs one time limit ------------------------------------------------------------------------

def test_a_function_that_hangs_is_called_once_and_the_chain_is_not_run():
    calls = []

    def delta_l(delta_l_plus_one, theta_l_plus_one, al):
        calls.append(1)
        while True:   # catches nothing: the limit interrupts it
            pass
    raw, formulas = run_here(right() | {"delta_l": delta_l}, HANG)
    probes = [p for p in lab_plan().probes if p.formula == "delta_l"]
    assert len(probes) > 1 and len(calls) == 1   # without the rule: one call (and one limit) per probe
    assert sum("skipped" in raw["probes"][str(p.id)] for p in probes) == len(probes) - 1
    assert formulas["delta_l"].status == "error" and formulas["delta_l"].mistake == "endless_loop"
    # the chain needs delta_l: not run, and not a pass on no steps at all
    assert all(t.get("skipped") == "delta_l" for t in raw["trajectories"].values())
    assert formulas["step"].status == "error" and "já tinha passado do limite de tempo" in formulas["step"].message
    assert all(formulas[n].ok for n in ("sigmoid", "delta_L", "gradient", "optimize"))


def test_a_step_that_hangs_runs_once():
    calls = []

    def step(X, Y, thetas, eta):
        calls.append(1)
        while True:
            pass
    raw, formulas = run_here({"step": step}, HANG)
    assert len(calls) == 1 and len(raw["trajectories"]) > 1   # one trajectory ran, the others were skipped
    assert formulas["step"].status == "error" and "não retornou" in formulas["step"].message


# --- an argument changed in place -----------------------------------------------------------------------

def test_a_function_that_changes_an_argument_in_place_fails_and_names_it():
    def delta_l(delta_l_plus_one, theta_l_plus_one, al):
        al *= (1 - al)   # the value returned is right; al is not
        return delta_l_plus_one @ theta_l_plus_one * al
    result = check_lab(**(right() | {"delta_l": delta_l}), lang="pt")
    f = result.formulas["delta_l"]
    assert f.status == "fail" and f.mistake == "changes_argument"
    assert "delta_l alterou diretamente o argumento al" in f.message and "al *=" in f.diagnosis
    assert all(result.formulas[n].ok for n in ("sigmoid", "delta_L", "gradient", "optimize"))
    assert "delta_l" in result.formulas["step"].message   # the chain fails, and says whose failure it inherits
    # the verdict line says what failed: not its values, which agree, but the change in place
    verdict = result.text(200).splitlines()[-1]
    assert verdict.startswith("FALHA: step difere do autograd; delta_l altera diretamente um dos seus argumentos"), verdict


def test_a_verdict_line_says_when_the_only_failure_is_an_argument_changed_in_place():
    def softmax(z):
        z -= z.max(axis=1, keepdims=True)   # every value returned right; the caller's z changed
        np.exp(z, out=z)
        return z / z.sum(axis=1, keepdims=True)
    result = check_lab(softmax=softmax, assignment="lab2")
    assert result.formulas["softmax"].mistake == "changes_argument"
    assert result.text(200).splitlines()[-1] == ("FAIL: softmax changes an argument in place (its values agree "
                                                 "with autograd)")


def test_optimize_that_updates_theta_in_place_passes_with_a_warning():
    def optimize(old_theta, gradient, eta):
        old_theta -= eta * gradient
        return old_theta
    result = check_lab(optimize=optimize, lang="pt")
    f = result.formulas["optimize"]
    assert f.ok and "optimize alterou diretamente o argumento old_theta" in f.warning
    assert "atenção:" in result.text(100) and "atenção" in result._repr_html_()
    assert result.to_json()["formulas"]["optimize"]["warning"] == f.warning
    assert check_lab(optimize=right()["optimize"]).formulas["optimize"].warning is None


def test_optimize_that_returns_none_asks_whether_theta_was_updated_in_place():
    def optimize(old_theta, gradient, eta):
        old_theta -= eta * gradient
    result = check_lab(**(right() | {"optimize": optimize}), lang="pt")
    f = result.formulas["optimize"]
    assert f.status == "fail" and "devolveu None — o θ recebido foi alterado diretamente?" in f.message
    step = result.formulas["step"]
    assert step.status == "fail" and "um novo θ é None" in step.message and "forma ()" not in step.message


def test_a_chain_that_fails_while_every_function_passes_names_the_one_that_changed_an_argument():
    """delta_l changes al only once its own calls are done (it counts them): every call of it alone is right
    and leaves its inputs alone; in the chain, gradient(δ⁽ˡ⁾, a⁽ˡ⁾) reads the al it changed."""
    alone = sum(p.formula == "delta_l" for p in lab_plan().probes)
    calls = []

    def delta_l(delta_l_plus_one, theta_l_plus_one, al):
        calls.append(1)
        result = delta_l_plus_one @ theta_l_plus_one * al * (1 - al)
        if len(calls) > alone:
            al *= 2   # after its own product: its value stays right
        return result
    result = check_lab(**(right() | {"delta_l": delta_l}), lang="pt")
    assert all(result.formulas[n].ok for n in ("sigmoid", "delta_L", "delta_l", "gradient", "optimize"))
    step = result.formulas["step"]
    assert step.status == "fail" and "delta_l alterou diretamente o argumento al" in step.message


def test_a_step_that_changes_x_fails_and_one_that_updates_thetas_warns():
    fns = right()

    def step(X, Y, thetas, eta):
        activations = [X]
        for theta in thetas:
            activations.append(fns["sigmoid"](activations[-1] @ theta.T))
        deltas = [fns["delta_L"](activations[-1], Y)]
        for l in range(len(thetas) - 1, 0, -1):
            deltas.insert(0, fns["delta_l"](deltas[0], thetas[l], activations[l]))
        new = [fns["optimize"](theta, fns["gradient"](d, a), eta) for theta, d, a in zip(thetas, deltas, activations)]
        X *= 1.5   # after the step: its θ are right
        return new
    changes_x = check_lab(step=step, lang="pt").formulas["step"]
    assert changes_x.status == "fail" and "step alterou diretamente o argumento X" in changes_x.message

    def step_in_place(X, Y, thetas, eta):
        new = step(X.copy(), Y, thetas, eta)
        thetas[:] = new
        return new
    warns = check_lab(step=step_in_place, lang="pt").formulas["step"]
    assert warns.ok and "step alterou diretamente o argumento thetas" in warns.warning


def test_a_right_function_is_not_said_to_change_anything():
    raw, formulas = run_here(right(), 10.0)
    assert all(f.ok and f.warning is None for f in formulas.values())
    assert not any("changed" in o for o in raw["probes"].values())
    assert not any("changed" in t for t in raw["trajectories"].values())


# --- check_lab calls the functions in a fork: the notebook's process runs none of their code --------------

def stubborn(aL, Y):
    """A hang the per-call limit cannot end: the limit's exception is caught, and the loop goes on."""
    while True:
        try:
            time.sleep(1)
        except BaseException:   # noqa: BLE001 — on purpose
            pass


def in_a_thread(run, seconds: float):
    """``run()`` in a daemon thread; its value, or None when it did not return within ``seconds`` (then the
    thread is left behind, and the test fails rather than hangs)."""
    out = []
    thread = threading.Thread(target=lambda: out.append(run()), daemon=True)
    thread.start()
    thread.join(seconds)
    return out[0] if out else None


#: seconds allowed for a check whose function hangs: its limit, the grace, forking and judging (well under
#: a second each here), with room for a loaded machine; a check that hangs for good never returns at all
BOUND = 15.0


@pytest.fixture
def short_grace(monkeypatch):
    monkeypatch.setattr(forked, "GRACE", 0.3)   # the child's grace past a limit: short, for speed


def test_a_hang_that_catches_the_limit_is_ended_from_outside_even_from_a_thread(short_grace):
    lab_plan()   # autograd's answers, computed before the clock starts
    result = in_a_thread(lambda: check_lab(**(right() | {"delta_L": stubborn}), timeout=HANG), BOUND)
    assert result is not None, "check_lab did not return"
    assert result.formulas["delta_L"].status == "error" and "did not return within" in result.formulas["delta_L"].message
    assert all(result.formulas[n].ok for n in ("sigmoid", "delta_l", "gradient", "optimize"))


def test_the_callers_sigalrm_timer_and_handler_are_left_alone():
    def mine(signum, frame):
        raise AssertionError("the caller's alarm went off during the test")
    previous = signal.signal(signal.SIGALRM, mine)
    try:
        signal.setitimer(signal.ITIMER_REAL, 60)
        assert check_lab(**right()).ok
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 60 and signal.getsignal(signal.SIGALRM) is mine   # still set, still ours
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_nested_check_lab_keeps_the_outer_limit_and_leaves_nothing_running(tmp_path, short_grace):
    pid_file = tmp_path / "inner.pid"

    def inner(aL, Y):
        pid_file.write_text(str(os.getpid()))
        stubborn(aL, Y)

    def delta_L(aL, Y):   # checks inside a checked function, with a limit far longer than the outer one's;
        while True:       # the outer limit's exception is caught, so only the outer parent can end this
            try:
                check_lab(delta_L=inner, timeout=600)
            except BaseException:   # noqa: BLE001 — on purpose
                pass
    lab_plan()
    result = in_a_thread(lambda: check_lab(delta_L=delta_L, timeout=HANG), BOUND)
    assert result is not None and result.formulas["delta_L"].status == "error"
    inner_pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5   # SIGKILL is delivered at once; being reaped may take a moment
    while alive(inner_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(inner_pid), "the inner check's child outlived the outer check"


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (killed, waiting to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_a_function_that_ends_its_process_is_its_finding_and_the_others_are_still_checked():
    def delta_L(aL, Y):
        os._exit(3)
    result = check_lab(**(right() | {"delta_L": delta_L}))
    assert result.formulas["delta_L"].status == "error" and "os._exit(3)" in result.formulas["delta_L"].message
    assert all(result.formulas[n].ok for n in ("sigmoid", "delta_l", "gradient", "optimize"))


def test_a_function_past_the_memory_limit_is_its_finding_and_the_notebook_keeps_its_own(monkeypatch):
    """A sigmoid computing 2**2**2**2**2**2 (no memory holds it): the child's memory limit stops it (made 32 MB
    beyond the notebook's size here: 0.4 s, far within the time limit; without it, the child took 20 GB), its
    MemoryError is sigmoid's finding, the others are judged, and the notebook's own process has no new limit."""
    import resource
    monkeypatch.setattr(forked, "MEMORY", 32 * 2**20)
    before = resource.getrlimit(resource.RLIMIT_AS)
    calls = []

    def sigmoid(z):
        if not calls:   # once per child: its later calls are quick
            calls.append(z)
            return 2**2**2**2**2**2
        return 1 / (1 + np.exp(-z))
    result = check_lab(**(right() | {"sigmoid": sigmoid}), timeout=5)
    assert result.formulas["sigmoid"].status == "error" and "raised MemoryError" in result.formulas["sigmoid"].message
    assert all(result.formulas[n].ok for n in ("delta_L", "delta_l", "gradient", "optimize"))
    assert resource.getrlimit(resource.RLIMIT_AS) == before and not calls
