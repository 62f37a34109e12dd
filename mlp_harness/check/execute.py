"""Calling someone else's function: with copies of the arguments, a time limit, and every failure kept as data.

This module is what runs *next to* a student's code (in the worker process, or
in the student's own notebook for :func:`mlp_harness.check.check_lab`), so it
uses NumPy alone. A task says which calls to make; :func:`drive` makes them one
request at a time — :func:`run_task` answers each in this process, the worker
process answers them for :mod:`mlp_harness.check.isolate` — and returns plain
data (JSON-ready: arrays as nested lists), never raising for anything the
student's code does. Reading what a call returned (its
``__array__``, its ``__len__``) or what it raised (its ``__str__``) runs the
student's code too, so that happens under the same time limit and guard as
the call: whatever it raises or however long it takes, it is that function's
finding.

Task layout (all arrays as nested lists)::

    {"names": ["sigmoid", "delta_L", ...],              # optional: the assignment's functions (default: the lab's)
     "functions": {"delta_L": "delta_L", ...},          # the lab's name -> the name in the submission
     "limit": 20.0,                                     # seconds per call
     "probes": [{"id": 3, "formula": "delta_L", "layer": 2, "rank": 1,   # rank: see plan.call_ranks
                 "args": [{"array": [[...]]}, {"array": ...}],
                 "pick": 1, "parts": 2}, ...],     # optional: value 1 of the 2 the function returns
     "trajectories": [{"id": 0, "kind": "step" | "chain", "sigma": "own" | "reference",
                       "X": ..., "Y": ..., "thetas": [...], "eta": 0.1, "steps": 10}, ...]}
"""
from __future__ import annotations

import errno
import re
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Collection
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
#: the argument that holds the θ a function updates: changing it in place is a warning, any other a failure
UPDATES = {"optimize": 0, "step": 2}
#: the parameters' names in the lab's notebook, for a function whose own cannot be read (a callable object)
PARAMETERS = {"sigmoid": ("z",), "delta_L": ("aL", "Y"), "delta_l": ("delta_l_plus_one", "theta_l_plus_one", "al"),
              "gradient": ("delta_i", "a_previous"), "optimize": ("old_theta", "gradient", "eta"),
              "step": ("X", "Y", "thetas", "eta")}


#: what ends a check instead of being the submission's finding: Ctrl-C, where a person can press it (check_lab,
#: in their own notebook). :func:`isolated` empties it in the worker, where nobody can: there a
#: KeyboardInterrupt is the submission's own doing
_STOPS_THE_CHECK: tuple[type[BaseException], ...] = (KeyboardInterrupt,)
#: a SIGALRM this much earlier than the limit is not the limit's: the timer never fires early, and 1 ms
#: covers the limit's rounding to the timer's microseconds
ALARM_SLACK = 1e-3


class CallTimeout(BaseException):
    """Raised inside a call that ran past its limit (a BaseException, so ``except Exception`` does not swallow it).

    ``early`` is the seconds after which a SIGALRM that was not the limit's arrived (the submission's own
    ``signal.alarm``), or None when the limit ran out."""

    def __init__(self, early: float | None = None):
        super().__init__()
        self.early = early


#: the resource limits the process runs under ({"memory": bytes, "file_size": bytes, "processes": n}; set by the
#: worker, empty elsewhere): an error that comes from hitting one says which (see :func:`resource_hit`)
LIMITS: dict[str, int] = {}


def resource_hit(exc: BaseException) -> dict | None:
    """{"memory": bytes} for a MemoryError, {"processes": n} for a fork refused (EAGAIN), {"file_size": bytes}
    for a write past the file-size limit (EFBIG) — when this process runs under that limit; else None."""
    if isinstance(exc, MemoryError):
        kind = "memory"
    elif isinstance(exc, OSError) and exc.errno in (errno.EAGAIN, errno.EFBIG):
        kind = "processes" if exc.errno == errno.EAGAIN else "file_size"
    else:
        return None
    return {kind: LIMITS[kind]} if kind in LIMITS else None


def stops_the_check(exc: BaseException) -> bool:
    return isinstance(exc, _STOPS_THE_CHECK)


def isolated() -> None:
    """Settings for the worker, a process that runs nothing but a submission: a KeyboardInterrupt is the
    submission's finding, and a SIGALRM that arrives outside every time limit (a stray alarm of the
    submission's) is ignored instead of ending the process. (A handler, not SIG_IGN: the programs the
    submission starts get the default back.)"""
    global _STOPS_THE_CHECK
    _STOPS_THE_CHECK = ()
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, lambda signum, frame: None)


def encode(value) -> object:
    """An argument or a result as JSON-ready data: arrays as {"array": nested lists}, numbers as numbers; a float32
    array (a float32 assignment's) says so, {"array": …, "dtype": "float32"}, and is decoded as one (its numbers
    are float64 numbers too, and JSON carries them exactly)."""
    if isinstance(value, np.ndarray):
        return {"array": value.tolist()} | ({"dtype": "float32"} if value.dtype == np.float32 else {})
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def decode(value) -> object:
    """:func:`encode`'s data as arrays: {"array": …, "dtype": "float32"} rounds each number to the nearest float32
    (a number beyond float32's range becomes ±∞, as a float32 array would hold it)."""
    if isinstance(value, dict) and "array" in value:
        with np.errstate(over="ignore"):
            return np.asarray(value["array"], dtype=np.float32 if value.get("dtype") == "float32" else np.float64)
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

    start = time.monotonic()

    def expire(signum, frame):
        elapsed = time.monotonic() - start
        raise CallTimeout(elapsed if elapsed < seconds - ALARM_SLACK else None)
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: the code file name IPython gives a cell: ipykernel's temporary '/tmp/ipykernel_4242/806922853.py', older
#: IPython's '<ipython-input-5-…>'
KERNEL_CELL = re.compile(r"ipykernel_\d+[/\\]\d+\.py$|^<ipython-input-")


def where(tb) -> dict | None:
    """{"cell": 12 or None, "file": …, "line": 3, "function": …} of the innermost frame in the submission's code."""
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<cell ") or
              not any(part in f.filename for part in ("site-packages", "mlp_harness", "/lib/python"))]
    if not frames:
        return None
    frame = frames[-1]
    cell = int(frame.filename[6:-1]) if frame.filename.startswith("<cell ") else None
    number = kernel_cell(frame.filename)   # a cell of the notebook check_lab was called from: In [number]
    kernel = number is not None or bool(KERNEL_CELL.search(frame.filename))
    return {"cell": cell, "file": None if cell or kernel else frame.filename.rsplit("/", 1)[-1],
            "line": frame.lineno, "function": None if frame.name == "<module>" else frame.name} | (
                {"kernel_cell": number or True} if kernel else {})


def kernel_cell(filename: str) -> int | None:
    """The execution count of the notebook's cell IPython compiled into ``filename`` (its "In [5]"), where this
    process is — or was forked from — that notebook's kernel; None elsewhere."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    number = getattr(getattr(shell, "compile", None), "_filename_map", {}).get(filename)
    return number if type(number) is int else None


def quietly(read: Callable, limit: float | None, default=None):
    """``read()`` — which runs the submission's code — within ``limit`` s; ``default`` whatever it raises."""
    try:
        with time_limit(limit):
            return read()
    except BaseException as exc:   # noqa: BLE001 — what cannot be read is left out
        if stops_the_check(exc):
            raise
        return default


def type_name(value) -> str:
    """The name of ``value``'s type, read past whatever its metaclass makes of ``__name__``."""
    return type.__dict__["__name__"].__get__(type(value))


def plain_text(value) -> str | None:
    """``value`` as a plain ``str`` (a subclass's own methods gone), or None when it is no text."""
    return str.__str__(value) if isinstance(value, str) else None


def message_of(exc: BaseException, limit: float | None) -> str | None:
    """The first line of ``str(exc)`` (300 characters at most); None when its ``__str__`` raised, hung or
    returned no text."""
    text = quietly(lambda: plain_text(str(exc)), limit)
    return None if text is None else (text.splitlines() or [""])[0][:300]


def timeout_error(limit: float | None, early: float | None = None) -> dict:
    """A call stopped by its time limit (``early``: by a SIGALRM of the submission's own, after that many s)."""
    return {"type": "Timeout", "timeout": True, "message": f"{limit:g} s", "where": None, "limit": limit,
            "early": early}


def error_data(exc: BaseException, limit: float | None) -> dict:
    """What a submission raised, as data. Every part is read under a guard (its ``__str__``, its
    ``__traceback__`` and its ``name`` are the submission's code): what cannot be read is left out."""
    if type(exc) is CallTimeout:
        return timeout_error(limit, exc.early)
    message = message_of(exc, limit)
    tb = BaseException.__dict__["__traceback__"].__get__(exc)
    return {"type": type_name(exc), "message": message or "", "unreadable_message": message is None,
            "where": quietly(lambda: where(tb), limit),
            "name": quietly(lambda: plain_text(getattr(exc, "name", None)), limit),
            "resource": quietly(lambda: resource_hit(exc), limit)}


def is_timeout(error: dict | None) -> bool:
    """The call was stopped (its limit, or a SIGALRM) — told by a key no exception's data has, as a submission
    may raise an exception of its own named Timeout."""
    return bool(error) and error.get("timeout") is True


def as_floats(value) -> Array:
    """``value`` as a float64 array — unless it has more than MAX_RETURNED entries: then as it is, as its size is
    known before any conversion copies it (a broadcast view of 10¹² entries costs nothing until then)."""
    array = np.asarray(value)
    return array if array.size > MAX_RETURNED else np.asarray(array, dtype=np.float64)


def as_result(value) -> dict:
    """A function's return value as data: a float array, or what it was instead."""
    if value is None:
        return {"returned": "None"}
    try:
        array = np.asarray(value)
        if np.iscomplexobj(array):
            return {"returned": "complex"}
        array = as_floats(array)
    except Exception:   # noqa: BLE001 — whatever the object does when converted, it is not an array of numbers
        return {"returned": type_name(value)}
    if array.size > MAX_RETURNED:   # far bigger than any answer: its shape says enough
        return {"shape": list(array.shape)}
    return {"value": array.tolist(), "shape": list(array.shape)}


def unchanged(before, after) -> bool:
    """``after`` (the copy a function was given) still equals ``before``: the same type, shape, dtype and
    entries; a list the same length and items. Only our own arrays' methods run here (types are checked first)."""
    if isinstance(before, np.ndarray):   # the same bits: a NaN left where it was is no change
        return (type(after) is np.ndarray and after.shape == before.shape and after.dtype == before.dtype
                and np.ascontiguousarray(after).tobytes() == np.ascontiguousarray(before).tobytes())
    if isinstance(before, list):
        return type(after) is list and len(after) == len(before) and all(map(unchanged, before, after))
    return True   # a number is passed by value


def changed_arguments(args: list, copies: list) -> list[int]:
    """The positions of the arguments a call changed in place (their copies no longer equal the originals)."""
    try:
        return [i for i, (arg, copy) in enumerate(zip(args, copies)) if not unchanged(arg, copy)]
    except Exception:   # noqa: BLE001 — a copy left in a state nothing can compare has been changed
        return list(range(len(args)))


def call(fn: Callable, args: list, limit: float | None,
         read: Callable = lambda value: value) -> tuple[object, dict | None, float, list[int]]:
    """``read(fn(*copies of args))`` within ``limit`` seconds: (its value, None, seconds, changed) or (None, the
    error, seconds, changed); ``changed`` lists the arguments the call changed in place. ``read`` turns what
    the function returned into data: that runs the submission's code too (an ``__array__``, a ``__len__``),
    so it has the same limit, and what it raises is the function's error."""
    copies = [[a.copy() for a in arg] if isinstance(arg, list) else arg.copy() if isinstance(arg, np.ndarray)
              else arg for arg in args]
    start = time.perf_counter()
    try:
        with time_limit(limit), np.errstate(all="ignore"):
            value = read(fn(*copies))
        return value, None, time.perf_counter() - start, changed_arguments(args, copies)
    except BaseException as exc:   # anything the student's code raises (SystemExit too) is a finding
        if stops_the_check(exc):
            raise
        return None, error_data(exc, limit), time.perf_counter() - start, changed_arguments(args, copies)


def parameter_names(fn: Callable, lab_name: str) -> list[str]:
    """The names of a function's positional parameters as its code spells them (``al``), the lab's beyond
    them or for a callable that is no plain function."""
    lab = list(PARAMETERS.get(lab_name, ()))   # an assignment's own functions: their code's names only
    if type(fn) is not types.FunctionType:
        return lab
    code = fn.__code__
    own = [n for n in code.co_varnames[:code.co_argcount] if type(n) is str]
    return own[:len(lab)] + lab[len(own):] if lab else own


def changes(changed: list[int], names: list[str]) -> dict:
    """{"changed": [{"index": 2, "name": "al"}, …]} for a call that changed arguments in place, else {}."""
    return {"changed": [{"index": i, "name": names[i] if i < len(names) else f"#{i + 1}"} for i in changed]} \
        if changed else {}


def as_part(pick: int, parts: int) -> Callable[[object], dict]:
    """:func:`as_result` of value ``pick`` of a function that returns ``parts`` values (a tuple or a list);
    {"returned": what it is} when it is no tuple or list of that length ('ndarray', 'tuple (3)')."""
    def read(value) -> dict:
        if value is None:
            return {"returned": "None"}
        if not isinstance(value, (tuple, list)):
            return {"returned": type_name(value)}
        if len(value) != parts:
            return {"returned": f"{type_name(value)} ({len(value)})"}
        return as_result(value[pick])
    return read


def probe_result(fn: Callable, args: list, limit: float | None, names: list[str], pick: int | None = None,
                 parts: int = 1) -> dict:
    """One call as data: {"value", "shape"} or {"shape"} (too big) or {"returned"} or {"error"}, and "seconds";
    "changed" (see :func:`changes`) when it changed an argument in place. ``pick``: the call's value of that
    place, of a function that returns ``parts`` values."""
    value, error, seconds, changed = call(fn, args, limit, as_result if pick is None else as_part(pick, parts))
    return ({"error": error} if error else value) | {"seconds": seconds} | changes(changed, names)


def stopped_by_limit(error: dict | None) -> bool:
    """The call ran out of its time limit (not a SIGALRM of the submission's own)."""
    return is_timeout(error) and error.get("early") is None

def _sigma(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: Array) -> Array:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


#: NumPy's activations, by name, for a chain's forward pass made with the reference's (see :func:`bias_chain_step`)
REFERENCE = {"sigmoid": _sigma, "tanh": np.tanh, "softmax": _softmax}


def watched(fns: dict[str, Callable], name: str, seen: dict, *args):
    """``fns[name](*args)``; the first argument a function of the chain changes in place goes into ``seen``
    ({"function": "delta_l", "argument": "al", "index": 2}): the chain passes it on to the functions after it.
    optimize's θ is left out: nothing in the step reads it after the update."""
    before = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    value = fns[name](*args)
    changed = [] if seen else [i for i in changed_arguments(before, list(args)) if i != UPDATES.get(name)]
    if changed:
        seen.update(function=name, argument=parameter_names(fns[name], name)[changed[0]], index=changed[0])
    return value


def chain_step(fns: dict[str, Callable], X: Array, Y: Array, thetas: list[Array], eta: float,
               sigma: Callable, seen: dict) -> list:
    """One training step made of the lab's functions, as the lab's "Generalizar" cell chains them; ``seen``
    gets the first argument one of them changes in place (see :func:`watched`)."""
    activations = [X]
    for theta in thetas:
        activations.append(as_floats(sigma(activations[-1] @ theta.T)))
    L = len(thetas)
    deltas = [None] * L
    deltas[L - 1] = watched(fns, "delta_L", seen, activations[L], Y)
    for l in range(L - 1, 0, -1):
        deltas[l - 1] = watched(fns, "delta_l", seen, deltas[l], thetas[l], activations[l])
    grads = [watched(fns, "gradient", seen, deltas[l], activations[l]) for l in range(L)]
    return [watched(fns, "optimize", seen, thetas[l], grads[l], eta) for l in range(L)]


def bias_chain_step(fns: dict[str, Callable], X: Array, Y: Array, thetas: list[Array], biases: list[Array],
                    eta: float, forward: tuple[Callable, Callable], seen: dict) -> tuple[list, list]:
    """One training step on one mini-batch made of the functions of a network with biases (see
    :data:`mlp_harness.check.assignment.BIAS_CHAIN`): ``forward`` is (the hidden layers' activation, the
    output's); z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ + b⁽ˡ⁾. Returns (the new θ's, the new b's); ``seen`` as in :func:`chain_step`."""
    L, activations = len(thetas), [X]
    for l, (theta, b) in enumerate(zip(thetas, biases), start=1):
        activations.append(as_floats((forward[1] if l == L else forward[0])(activations[-1] @ theta.T + b)))
    deltas = [None] * L
    deltas[L - 1] = watched(fns, "delta_L", seen, activations[L], Y)
    for l in range(L - 1, 0, -1):
        deltas[l - 1] = watched(fns, "delta_l", seen, deltas[l], thetas[l], activations[l])
    grads = [watched(fns, "gradient", seen, deltas[l], activations[l]) for l in range(L)]
    bias_grads = [watched(fns, "bias_gradient", seen, deltas[l]) for l in range(L)]
    return ([watched(fns, "optimize", seen, thetas[l], grads[l], eta) for l in range(L)],
            [watched(fns, "optimize", seen, biases[l], bias_grads[l], eta) for l in range(L)])


#: what a step returned when a new θ in its list is None (an optimize that updated θ in place, returning nothing)
NONE_THETA = "None among the new thetas"


def thetas_of(value, depth: int) -> list[Array] | dict | str:
    """The new θ's a step returned, as float arrays; {"shapes": …} when one is too big to send back; or why they
    are not that."""
    if value is None:
        return "None"
    if not isinstance(value, (list, tuple)):
        return type_name(value)
    if len(value) != depth:
        return f"{len(value)} values for {depth} layers"
    if any(v is None for v in value):
        return NONE_THETA
    try:
        arrays = [as_floats(v) for v in value]
    except Exception:   # noqa: BLE001 — whatever they do when converted, they are not arrays of numbers
        return "values that are not arrays of numbers"
    if any(a.size > MAX_RETURNED for a in arrays):   # far bigger than any θ: the shapes say enough
        return {"shapes": [list(a.shape) for a in arrays]}
    return arrays


def params_of(value, depth: int) -> tuple[list[Array], list[Array]] | dict | str:
    """The (new θ's, new b's) a step on a network with biases returned (see :func:`thetas_of`), or why they are
    not that."""
    if value is None:
        return "None"
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return type_name(value) + (f" ({len(value)})" if isinstance(value, (list, tuple)) else "")
    thetas, biases = (thetas_of(part, depth) for part in value)
    for part in (thetas, biases):
        if not isinstance(part, list):
            return part
    return thetas, biases


def step_function(fns: dict[str, Callable], spec: dict, seen: dict) -> Callable:
    """The student's step(), or the chain of their functions (with their σ or NumPy's), as one step; ``seen``
    gets the first argument a function of the chain changes in place (see :func:`watched`)."""
    if spec["kind"] == "step":
        return fns["step"]
    if "biases" in spec:
        forward = tuple(fns[n] if spec["sigma"] == "own" else REFERENCE[n] for n in spec["forward"])
        return lambda X, Y, thetas, biases, eta: bias_chain_step(fns, X, Y, thetas, biases, eta, forward, seen)
    sigma = fns["sigmoid"] if spec["sigma"] == "own" else _sigma
    return lambda X, Y, thetas, eta: chain_step(fns, X, Y, thetas, eta, sigma, seen)


def step_result(fns: dict[str, Callable], spec: dict, limit: float | None) -> dict:
    """One step from the θ's ``spec`` gives: {"thetas": the new θ's as lists}, or {"error"}, {"returned"} or
    {"shapes"} (a θ too big to send back); "changed" ({"function", "argument", "index"}) when step() or a
    function of the chain changed an argument in place."""
    thetas, seen, biased = decode(spec["thetas"]), {}, "biases" in spec
    args = [decode(spec["X"]), decode(spec["Y"]), thetas] + ([decode(spec["biases"])] if biased else []) + [spec["eta"]]
    one = step_function(fns, spec, seen)
    read = (lambda value: params_of(value, len(thetas))) if biased else (lambda value: thetas_of(value, len(thetas)))
    new, error, _, changed = call(one, args, limit, read)
    if changed and not seen and spec["kind"] == "step":
        names = quietly(lambda: parameter_names(one, "step"), limit, list(PARAMETERS["step"]))
        names += [f"#{i + 1}" for i in range(len(names), len(args))]
        seen.update(function="step", argument=names[changed[0]], index=changed[0])
    end = {"error": error} if error else {"returned": new} if isinstance(new, str) else new \
        if isinstance(new, dict) else {"thetas": [theta.tolist() for theta in new[0]],
                                       "biases": [b.tolist() for b in new[1]]} \
        if biased else {"thetas": [theta.tolist() for theta in new]}
    return end | ({"changed": seen} if seen else {})


def serve(fns: dict[str, Callable], request: dict, limit: float | None) -> dict:
    """One request of :func:`drive`'s, answered in this process: a probe's outcome or a step's."""
    if request["call"] != "probe":
        return step_result(fns, request, limit)
    name = request["formula"]
    names = quietly(lambda: parameter_names(fns[name], name), limit, list(PARAMETERS.get(name, ())))
    return probe_result(fns[name], decode(request["args"]), limit, names, request.get("pick"),
                        request.get("parts", 1))


def call_order(probes: list[dict]) -> list[dict]:
    """The probes in the order their answers are computed: by their "rank" (see
    :func:`mlp_harness.check.plan.call_ranks`: every call after each call whose autograd answer is one of
    its inputs — for the lab, every σ, then δ⁽ᴸ⁾, then δ⁽ˡ⁾ from the top layer down, then ∂J/∂θ, then the
    updates), across every case at once, so the process a call runs in has never been handed its answer."""
    return sorted(probes, key=lambda p: p.get("rank", 0))


def trajectory_needs(spec: dict) -> list[str]:
    """The lab's functions a trajectory (or one of its steps) calls."""
    if spec["kind"] == "step":
        return ["step"]
    if "needs" in spec:   # a network with biases: its chain and, with its own activations, those
        return list(spec["needs"]) + (list(dict.fromkeys(spec["forward"])) if spec["sigma"] == "own" else [])
    return list(CHAIN_NEEDS) + (["sigmoid"] if spec["sigma"] == "own" else [])


def batch_of(spec: dict, k: int) -> dict:
    """Step k's X and Y (k from 0): the whole of them, or the rows of its mini-batch (``spec["rows"]``), in their
    dtype."""
    if "rows" not in spec:
        return {"X": spec["X"], "Y": spec["Y"]}
    start, stop = spec["rows"][k]
    return {key: spec[key] | {"array": spec[key]["array"][start:stop]} for key in ("X", "Y")}


def as_handed(arrays: list, spec: dict) -> list[dict]:
    """What a step returned (nested lists), as the next step is handed it: in the dtype of the θ's the
    trajectory started from — a float32 assignment's step gets float32 arrays, its returned numbers rounded to
    float32 as a float32 notebook would hold them (by :func:`decode`, where the step runs), whatever dtype it
    returned."""
    dtype = {"dtype": spec["thetas"][0]["dtype"]} if spec["thetas"] and "dtype" in spec["thetas"][0] else {}
    return [{"array": array} | dtype for array in arrays]


def walk(spec: dict, ask: Callable[[dict, str], dict]) -> dict:
    """Up to ``spec["steps"]`` steps, each asked for on its own from the θ's (and b's) the previous one returned:
    {"thetas": [...per step], "biases"?: [...per step], "error"?, "returned"?, "shapes"?, "skipped"?,
    "changed"?} ("changed": the first step's that changed an argument in place)."""
    steps, thetas, changed = [], spec["thetas"], None
    biases, kept = spec.get("biases"), ({"biases": []} if "biases" in spec else {})
    request = {"call": "step"} | {key: spec[key] for key in ("kind", "sigma", "eta", "forward", "needs") if key in spec}
    for k in range(spec["steps"]):
        given = {"thetas": thetas} | ({"biases": biases} if kept else {})
        outcome = ask(request | batch_of(spec, k) | given, "step" if spec["kind"] == "step" else "chain")
        changed = changed or outcome.get("changed")
        if "thetas" not in outcome:
            return {"thetas": steps} | kept | outcome | ({"changed": changed} if changed else {})
        steps.append(outcome["thetas"])
        thetas = as_handed(outcome["thetas"], spec)
        if kept:
            kept["biases"].append(outcome["biases"])
            biases = as_handed(outcome["biases"], spec)
    return {"thetas": steps} | kept | ({"changed": changed} if changed else {})


def drive(task: dict, found: dict[str, str], ask: Callable[[dict, str], dict], ended: Collection[str] = ()) -> dict:
    """Every call the task asks for, of the functions ``found``, each as one request to ``ask(request, group)``
    (group: the function called, or "step" / "chain"), in :func:`call_order`: {"probes", "trajectories"}.

    A function (or a whole step) that runs out of its time limit once, or is in ``ended`` (it ended an
    earlier process running this task), is not called again: its later calls are {"skipped": name}, so a
    hang costs one time limit, not one per call."""
    stopped: set[str] = set()
    probes = {}
    for probe in call_order(task["probes"]):
        name = probe["formula"]
        if found.get(name) != "function":
            continue
        if name in stopped:
            probes[str(probe["id"])] = {"skipped": name}
            continue
        picks = {key: probe[key] for key in ("pick", "parts") if key in probe}
        probes[str(probe["id"])] = outcome = ask({"call": "probe", "formula": name, "args": probe["args"]} | picks,
                                                 name)
        if stopped_by_limit(outcome.get("error")) or name in ended:
            stopped.add(name)
    trajectories = {}
    for spec in task["trajectories"]:
        needs = trajectory_needs(spec)
        if not all(found.get(name) == "function" for name in needs):
            continue
        skip = next((name for name in needs + ["step"] if name in stopped), None)
        trajectories[str(spec["id"])] = outcome = {"thetas": [], "skipped": skip} if skip else walk(spec, ask)
        if stopped_by_limit(outcome.get("error")) or (not skip and "step" in ended):
            stopped.add("step")
    return {"probes": probes, "trajectories": trajectories}


def find_functions(namespace: dict, names: dict[str, str],
                   wanted: tuple[str, ...] = ALL_FUNCTIONS) -> tuple[dict[str, Callable], dict[str, str]]:
    """(the lab's name -> the function, the lab's name -> 'function' / 'missing' / 'not a function: NAME: int').

    A mapping adds a name and hides none: the mapped name is looked for first, then the lab's own, so one
    ``--name`` for a whole course still finds the lab's names in the files that use them. ``wanted``: the
    assignment's functions (the lab's by default).
    """
    fns, found = {}, {}
    for lab_name in wanted:
        held = [(n, namespace.get(n)) for n in dict.fromkeys((names.get(lab_name, lab_name), lab_name))]
        held = [(n, obj) for n, obj in held if obj is not None]
        function = next((obj for _, obj in held if callable(obj)), None)
        if function is not None:
            fns[lab_name], found[lab_name] = function, "function"
        elif held:   # e.g. `for step in range(3)`: a variable of that name, no function
            found[lab_name] = f"not a function: {held[0][0]}: {type_name(held[0][1])}"
        else:
            found[lab_name] = "missing"
    return fns, found


def run_task(namespace: dict, task: dict, calling: Callable[[str], None] = lambda name: None,
             ended: dict[str, dict] | None = None) -> dict:
    """Every call the task asks for, on the functions the namespace offers, made in this process (in
    :func:`drive`'s order); plain data back. ``calling(name)`` is told which function is about to run (for a
    message if the process must be stopped; "step" for a whole step, the student's or the chain).

    A function (or a whole step) that runs out of its time limit once is not called again (see
    :func:`drive`). ``ended`` ({name: error}) names those that ended an earlier process running this task (a
    hang only that process's parent could stop): their first call is that error, without running it, and
    the rest are skipped."""
    fns, found = find_functions(namespace, task.get("functions", {}), tuple(task.get("names", ALL_FUNCTIONS)))
    limit, ended = task.get("limit"), ended or {}

    def ask(request: dict, group: str) -> dict:
        name = "step" if group == "chain" else group
        if name in ended:
            return {"error": ended[name], "seconds": 0.0} if request["call"] == "probe" else {"error": ended[name]}
        calling(name)
        return serve(fns, request, limit)
    return {"found": found} | drive(task, found, ask, ended) | {"reads": reads_of(fns, limit)}


def reads_of(fns: dict[str, Callable], limit: float | None) -> dict[str, list[str]]:
    """The module-level arrays each function reads (see :func:`arrays_read`)."""
    return {name: quietly(lambda: arrays_read(fn), limit, []) for name, fn in fns.items()}


def arrays_read(fn: Callable) -> list[str]:
    """The module-level arrays a function reads (X, Y, theta1 …): names it should have been given instead.
    A callable that is no plain function (an object with ``__call__``) has no code of its own to read."""
    if type(fn) is not types.FunctionType:
        return []
    space = fn.__globals__
    return sorted(n for n in fn.__code__.co_names if isinstance(space.get(n), np.ndarray))
