"""Calling someone else's function: with copies of the arguments, a time limit, and every failure kept as data.

This module is what runs *next to* a student's code (in the worker process, or
in the student's own notebook for :func:`mlp_harness.check.check_lab`), so it
uses NumPy alone. A task says which calls to make; :func:`run_task` makes them
and returns plain data (JSON-ready: arrays as nested lists), never raising for
anything the student's code does.

Task layout (all arrays as nested lists)::

    {"functions": {"delta_L": "delta_L", ...},          # the lab's name -> the name in the submission
     "limit": 20.0,                                     # seconds per call
     "probes": [{"id": 3, "formula": "delta_L", "args": [{"array": [[...]]}, {"array": ...}]}, ...],
     "trajectories": [{"id": 0, "kind": "step" | "chain", "sigma": "own" | "reference",
                       "X": ..., "Y": ..., "thetas": [...], "eta": 0.1, "steps": 10}, ...]}
"""
from __future__ import annotations

import signal
import threading
import time
import traceback
from contextlib import contextmanager
from typing import Callable

import numpy as np

Array = np.ndarray

#: the lab's functions, in the order they are checked, and the whole step
LAB_FUNCTIONS = ("sigmoid", "delta_L", "delta_l", "gradient", "optimize")
ALL_FUNCTIONS = LAB_FUNCTIONS + ("step",)
#: how many arguments each takes, in the lab's order (sigmoid(z), delta_L(aL, Y), …, step(X, Y, thetas, eta))
ARITY = {"sigmoid": 1, "delta_L": 2, "delta_l": 3, "gradient": 2, "optimize": 3, "step": 4}
#: what the chain of the lab's functions needs (σ is optional: the reference σ stands in)
CHAIN_NEEDS = ("delta_L", "delta_l", "gradient", "optimize")
#: entries of a returned array beyond which only its shape is kept (the checker's answers have at most 25)
MAX_RETURNED = 10_000


class CallTimeout(BaseException):
    """Raised inside a call that ran past its limit (a BaseException, so ``except Exception`` does not swallow it)."""


def encode(value) -> object:
    """An argument or a result as JSON-ready data: arrays as {"array": nested lists}, numbers as numbers."""
    if isinstance(value, np.ndarray):
        return {"array": value.tolist()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value) -> object:
    if isinstance(value, dict) and "array" in value:
        return np.asarray(value["array"], dtype=np.float64)
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the body after ``seconds`` (only in the main thread of a Unix process; elsewhere, no limit)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise CallTimeout()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def where(tb) -> dict | None:
    """{"cell": 12 or None, "file": …, "line": 3, "function": …} of the innermost frame in the submission's code."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<cell ") or
              not any(part in f.filename for part in ("site-packages", "mlp_harness", "/lib/python"))]
    if not frames:
        return None
    frame = frames[-1]
    cell = int(frame.filename[6:-1]) if frame.filename.startswith("<cell ") else None
    return {"cell": cell, "file": None if cell else frame.filename.rsplit("/", 1)[-1], "line": frame.lineno,
            "function": None if frame.name == "<module>" else frame.name}

def error_data(exc: BaseException, limit: float | None) -> dict:
    if isinstance(exc, CallTimeout):
        return {"type": "Timeout", "message": f"{limit:g} s", "where": None, "limit": limit}
    message = str(exc).splitlines()[0] if str(exc) else ""
    return {"type": type(exc).__name__, "message": message[:300], "where": where(exc.__traceback__),
            "name": getattr(exc, "name", None)}


def as_result(value) -> dict:
    """A function's return value as data: a float array, or what it was instead."""
    if value is None:
        return {"returned": "None"}
    try:
        if np.iscomplexobj(value):
            return {"returned": "complex"}
        array = np.asarray(value, dtype=np.float64)
    except Exception:   # noqa: BLE001 — whatever the object does when converted, it is not an array of numbers
        return {"returned": type(value).__name__}
    if array.size > MAX_RETURNED:   # far bigger than any answer: its shape says enough
        return {"shape": list(array.shape)}
    return {"value": array.tolist(), "shape": list(array.shape)}


def call(fn: Callable, args: list, limit: float | None) -> tuple[object, dict | None, float]:
    """``fn(*copies of args)`` within ``limit`` seconds: (its value, None, seconds) or (None, the error, seconds)."""
    copies = [[a.copy() for a in arg] if isinstance(arg, list) else arg.copy() if isinstance(arg, np.ndarray)
              else arg for arg in args]
    start = time.perf_counter()
    try:
        with time_limit(limit), np.errstate(all="ignore"):
            value = fn(*copies)
        return value, None, time.perf_counter() - start
    except KeyboardInterrupt:
        raise
    except BaseException as exc:   # anything the student's code raises (SystemExit too) is a finding
        return None, error_data(exc, limit), time.perf_counter() - start


def probe_result(fn: Callable, args: list, limit: float | None) -> dict:
    """One call as data: {"value", "shape"} or {"returned"} or {"error"}, and "seconds"."""
    value, error, seconds = call(fn, args, limit)
    return ({"error": error} if error else as_result(value)) | {"seconds": seconds}

def _sigma(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


def chain_step(fns: dict[str, Callable], X: Array, Y: Array, thetas: list[Array], eta: float,
               sigma: Callable) -> list:
    """One training step made of the lab's functions, as the lab's "Generalizar" cell chains them."""
    activations = [X]
    for theta in thetas:
        activations.append(np.asarray(sigma(activations[-1] @ theta.T), dtype=np.float64))
    L = len(thetas)
    deltas = [None] * L
    deltas[L - 1] = fns["delta_L"](activations[L], Y)
    for l in range(L - 1, 0, -1):
        deltas[l - 1] = fns["delta_l"](deltas[l], thetas[l], activations[l])
    grads = [fns["gradient"](deltas[l], activations[l]) for l in range(L)]
    return [fns["optimize"](thetas[l], grads[l], eta) for l in range(L)]


def thetas_of(value, depth: int) -> list[Array] | str:
    """The new θ's a step returned, as float arrays, or why they are not that."""
    if value is None:
        return "None"
    if not isinstance(value, (list, tuple)):
        return type(value).__name__
    if len(value) != depth:
        return f"{len(value)} values for {depth} layers"
    try:
        return [np.array(v, dtype=np.float64) for v in value]
    except (TypeError, ValueError):
        return "values that are not arrays of numbers"


def run_trajectory(fns: dict[str, Callable], spec: dict, limit: float | None) -> dict:
    """Up to ``spec["steps"]`` steps of the student's step() or chain; {"thetas": [...per step], "error"?}."""
    X, Y, eta = decode(spec["X"]), decode(spec["Y"]), spec["eta"]
    thetas = decode(spec["thetas"])
    if spec["kind"] == "chain":
        sigma = fns["sigmoid"] if spec["sigma"] == "own" else _sigma
        one = lambda X, Y, thetas, eta: chain_step(fns, X, Y, thetas, eta, sigma)  # noqa: E731
    else:
        one = fns["step"]
    steps = []
    for _ in range(spec["steps"]):
        value, error, _ = call(one, [X, Y, thetas, eta], limit)
        if error:
            return {"thetas": steps, "error": error}
        new = thetas_of(value, len(thetas))
        if isinstance(new, str):
            return {"thetas": steps, "returned": new}
        steps.append([theta.tolist() for theta in new])
        thetas = new
    return {"thetas": steps}

def find_functions(namespace: dict, names: dict[str, str]) -> tuple[dict[str, Callable], dict[str, str]]:
    """(the lab's name -> the function, the lab's name -> 'function' / 'missing' / 'not a function: NAME: int').

    A mapping adds a name and hides none: the mapped name is looked for first, then the lab's own, so one
    ``--name`` for a whole course still finds the lab's names in the files that use them.
    """
    fns, found = {}, {}
    for lab_name in ALL_FUNCTIONS:
        held = [(n, namespace.get(n)) for n in dict.fromkeys((names.get(lab_name, lab_name), lab_name))]
        held = [(n, obj) for n, obj in held if obj is not None]
        function = next((obj for _, obj in held if callable(obj)), None)
        if function is not None:
            fns[lab_name], found[lab_name] = function, "function"
        elif held:   # e.g. `for step in range(3)`: a variable of that name, no function
            found[lab_name] = f"not a function: {held[0][0]}: {type(held[0][1]).__name__}"
        else:
            found[lab_name] = "missing"
    return fns, found


def run_task(namespace: dict, task: dict, calling: Callable[[str], None] = lambda name: None) -> dict:
    """Every call the task asks for, on the functions the namespace offers; plain data back.
    ``calling(name)`` is told which function is about to run (for a message if the process must be stopped)."""
    fns, found = find_functions(namespace, task.get("functions", {}))
    limit = task.get("limit")
    probes = {}
    for probe in task["probes"]:
        if probe["formula"] in fns:
            calling(probe["formula"])
            probes[str(probe["id"])] = probe_result(fns[probe["formula"]], decode(probe["args"]), limit)
    trajectories = {}
    for spec in task["trajectories"]:
        needs = ["step"] if spec["kind"] == "step" else list(CHAIN_NEEDS) + (["sigmoid"] if spec["sigma"] == "own" else [])
        if all(name in fns for name in needs):
            calling(needs[0] if spec["kind"] == "step" else "step")
            trajectories[str(spec["id"])] = run_trajectory(fns, spec, limit)
    reads = {name: arrays_read(fn) for name, fn in fns.items()}
    return {"found": found, "probes": probes, "trajectories": trajectories, "reads": reads}


def arrays_read(fn: Callable) -> list[str]:
    """The module-level arrays a function reads (X, Y, theta1 …): names it should have been given instead."""
    code, space = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    return sorted(n for n in (code.co_names if code else ()) if isinstance(space.get(n), np.ndarray))
