"""Checking someone's own backprop: in their notebook (:func:`check_lab`) or a file in a separate process.

In a notebook, after writing the lab's functions::

    from mlp_harness.check import check_lab
    check_lab(globals())                       # or check_lab(delta_L=delta_L, gradient=gradient)

shows a table (HTML in Jupyter) with ✓ or ✗ per function; ``.ok`` and
``.to_json()`` serve tests and graders. :func:`check_file` runs a ``.py`` or
``.ipynb`` in a separate process with a time limit, as ``mlp-check`` does.
Each takes ``assignment=`` — a built-in one's name (``"lab2"``), a teacher's
TOML file, or an :class:`~mlp_harness.check.assignment.Assignment` — and checks
the lab's (``lab1``) without it.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from difflib import SequenceMatcher
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from manual_mlp.validation import InputError

from ..i18n import LANGS, _, default_lang, language, tr
from .assignment import Assignment, load_assignment
from .cases import assignment_cases
from .catalogue import CATALOGUE
from .execute import run_task
from .feedback import check_level
from .forked import can_fork, run_forked
from .isolate import STOPPING, run_isolated, stop_all
from .limits import DEFAULT as DEFAULT_LIMITS, Limits
from .plan import Plan, make_plan
from .result import CheckResult, cell_problems, missing_hint, missing_only, printable_data
from .rubric import Rubric, rubric_for
from .sandbox import require as require_sandbox
from .steps import judge_steps
from .submission import flagged_modules, read_submission
from .verdict import FormulaResult, judge_formula

#: seconds a cell or one call of a student's function may run (there is no limit on the whole file: see
#: :mod:`mlp_harness.check.isolate`)
DEFAULT_TIMEOUT = 20.0


#: each assignment's plan, by its file's hash: computed once per process
_PLANS: dict[str, Plan] = {}


def in_its_language(function: Callable) -> Callable:
    """Run ``function`` with the packages' messages raised in its ``lang`` argument (the environment's when not
    given), and the language before restored after."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        lang = kwargs.get("lang") or default_lang()
        with language(lang if lang in LANGS else None):
            return function(*args, **kwargs)
    return wrapper


def plan_for(assignment: Assignment) -> Plan:
    """The calls every submission of ``assignment`` gets, with autograd's answers (computed once per process)."""
    if assignment.key not in _PLANS:
        _PLANS[assignment.key] = make_plan(assignment_cases(assignment), assignment)
    return _PLANS[assignment.key]


def lab_plan() -> Plan:
    """The lab's plan (lab1)."""
    return plan_for(load_assignment())


def parse_names(pairs: list[str], option: str = "--name") -> dict[str, str]:
    """{the assignment's name: name in the submission} from ``option``'s LAB=THEIRS pairs (mlp-check's --name,
    the pytest plugin's --check-backprop-name); the last pair for a name wins."""
    names = {}
    for pair in pairs:
        lab_name, sep, theirs = pair.partition("=")
        if not sep or not lab_name or not theirs.isidentifier():
            raise InputError(_("{option} expects LAB=THEIRS with a Python name on the right, got {value!r}").format(
                option=option, value=pair))
        names[lab_name] = theirs
    return names


def check_names(names: dict[str, str] | None, functions: tuple[str, ...] | None = None,
                option: str = "--name") -> dict[str, str]:
    """{the assignment's name: name in the submission}; refuses a name the assignment does not have."""
    functions = functions or load_assignment().names
    names = dict(names or {})
    unknown = sorted(set(names) - set(functions))
    if unknown:
        raise InputError(_("unknown function {name!r} in {option}; the lab's functions are {names}").format(
            name=unknown[0], option=option, names=', '.join(functions)))
    return names


def judge(plan: Plan, raw: dict, lang: str) -> dict[str, FormulaResult]:
    """Every formula's verdict from what the calls returned."""
    found, outcomes = raw["found"], raw["probes"]
    reads = raw.get("reads", {})
    functions = plan.assignment.functions
    formulas = {name: judge_formula(name, [p for p in plan.probes if p.formula == name], outcomes, found[name], lang,
                                    reads.get(name, []))
                for name, signature in functions.items() if signature.kind != "step"}
    for name, f in formulas.items():
        f.formula = functions[name].formula
    if not plan.trajectories:   # no whole step to run (an assignment whose network is not the lab's)
        return formulas
    written = lambda n: found[n] == "function" and not formulas[n].pending  # noqa: E731
    needs = plan.assignment.chain_needs
    source = "step" if found.get("step") == "function" else (
        "chain" if needs and all(written(n) for n in needs) else None)
    if source:
        broken = [n for n in needs if formulas[n].status in ("fail", "error")]
        formulas["step"] = judge_steps(plan.trajectories, raw["trajectories"], source, broken, lang)
        if functions.get("step") is CATALOGUE["step_biases"]:
            formulas["step"].formula = functions["step"].formula
    return formulas   # a `step` that is no function (a loop variable, say) is not offered: no row


def check_arguments(namespace, lang: str, names, timeout, functions: dict, known: tuple[str, ...],
                    feedback: str = "full") -> str:
    """The language, once check_lab's arguments are known to be usable: a clear TypeError or ValueError
    for a caller's slip (the student's code is judged, never blamed, for it)."""
    check_level(feedback)
    if namespace is not None and not isinstance(namespace, Mapping):
        raise TypeError(f"check_lab's first argument is a namespace such as globals(), not a "
                        f"{type(namespace).__name__}; pass functions by name: check_lab(delta_L=delta_L)")
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    unknown = sorted(set(functions) - set(known) - set((names or {}).values()))
    if unknown:
        raise TypeError(f"check_lab() got {unknown[0]!r}, which is none of the lab's functions "
                        f"({', '.join(known)}); another name maps with names={{'delta_L': 'my_name'}}")
    if names is not None and not all(isinstance(v, str) and v.isidentifier() for v in names.values()):
        raise ValueError("names maps the lab's names to Python names, e.g. {'delta_L': 'meu_delta'}")
    if timeout is not None and not (isinstance(timeout, (int, float)) and 0.01 <= timeout <= 3600):
        raise ValueError(f"timeout is a number of seconds from 0.01 to 3600 (or None), not {timeout!r}")
    return lang


@in_its_language
def check_lab(namespace: dict | None = None, *, lang: str | None = None, names: dict[str, str] | None = None,
              timeout: float | None = DEFAULT_TIMEOUT, assignment: str | Assignment | None = None,
              feedback: str = "full", **functions) -> CheckResult:
    """Check the lab's functions found in ``namespace`` (e.g. ``globals()``) and/or given by name, called in
    a fork of this process (see :mod:`mlp_harness.check.forked`: a hang costs one ``timeout`` and a little,
    and this process's signals and timers are left alone; without ``os.fork``, in this process).
    ``names`` maps the lab's names to others (``{"delta_L": "meu_delta_saida"}``); ``feedback``
    ("full", "hint" or "verdict") is how much the result's texts reveal (:mod:`.feedback`).

    Given by name alone (``check_lab(delta_L=delta_L)``), the result has a row for those functions only, so
    a notebook can check each function in the cell after it. A function whose body is still
    ``raise NotImplementedError`` is "missing", with the message "not implemented yet".
    ``lang`` (one of :data:`mlp_harness.i18n.LANGS`: "en", "pt", "es") defaults to the environment's (see
    :func:`mlp_harness.i18n.default_lang`).
    ``assignment`` (default ``"lab1"``, the lab's) names the functions and the network they are checked on.
    """
    assignment = load_assignment(assignment)
    known = assignment.names
    lang = check_arguments(namespace, lang or default_lang(), names, timeout, functions, known, feedback)
    space = dict(namespace or {})
    space.update(functions)
    plan = plan_for(assignment)
    task = plan.task(check_names(names, known), timeout)
    raw = run_forked(space, task) if can_fork() else None
    raw = printable_data(run_task(space, task) if raw is None else raw)
    formulas = judge(plan, raw, lang)
    if namespace is None and functions:
        given = {n for n in known if n in functions or (names or {}).get(n) in functions}
        formulas = {n: f for n, f in formulas.items() if n in given or n == "step" and f.status != "missing"}
    result = CheckResult(None, formulas, lang=lang, rubric=rubric_for(known), assignment=assignment,
                         feedback=feedback)
    result.bad_input = missing_only(result.formulas)
    if result.bad_input:
        result.error = tr(lang, "nothing to check: none of {names} was given", names=", ".join(known))
    return result


def arity_span(span) -> bool:
    """[fewest, most] as the worker reports it: whole numbers, most None for *args (anything else is ignored)."""
    return (isinstance(span, list) and len(span) == 2 and type(span[0]) is int
            and (span[1] is None or type(span[1]) is int))


def same_arity(defined: dict, found: dict[str, str], formulas: dict, names: dict[str, str],
               assignment: Assignment | None = None) -> dict[str, list[str]]:
    """Each of the lab's functions not found (``step``: neither written nor chained) -> the submission's own
    functions that take as many arguments and are neither the lab's names nor mapped: what --name could map.
    ``defined`` is the worker's {name: [fewest, most arguments]}."""
    functions = (assignment or load_assignment()).functions
    taken = set(functions) | set(names.values())
    free = {n: span for n, span in defined.items() if n not in taken and arity_span(span)}
    fits = lambda span, n: span[0] <= n and (span[1] is None or n <= span[1])  # noqa: E731
    hints = {}
    for lab_name, signature in functions.items():
        if found.get(lab_name) == "missing" and (lab_name != "step" or "step" not in formulas):
            candidates = [n for n, span in free.items() if fits(span, len(signature.args))]
            if candidates:   # the likeliest first: the one `--name` is suggested with
                hints[lab_name] = sorted(candidates, key=lambda n: -likeness(n, lab_name))
    return hints


#: names students give the lab's functions (in Portuguese, mostly), to rank --name's candidates
ALIASES = {"sigmoid": ("sigmoide", "sigma"), "delta_L": ("delta_saida", "erro_saida", "delta_output", "output_delta"),
           "delta_l": ("delta_oculta", "erro_oculta", "delta_hidden", "hidden_delta"),
           "gradient": ("gradiente", "grad"), "optimize": ("otimizar", "otimiza", "atualizar", "atualiza_pesos",
                                                           "update"), "step": ("passo", "treino", "train_step")}


def likeness(candidate: str, lab_name: str) -> float:
    """How alike a function's name is to a lab function's name or one of its usual aliases (0 to 1)."""
    return max(SequenceMatcher(None, candidate.lower(), alias.lower()).ratio()
               for alias in (lab_name,) + ALIASES.get(lab_name, ()))


def result_of_run(path: str, raw: dict, plan: Plan, lang: str, timeout: float,
                  rubric: Rubric | None = None, names: dict[str, str] | None = None) -> CheckResult:
    """The verdict on a file from what its worker process returned (or what stopped it), scored by ``rubric``
    (the plan's assignment's own by default); ``names`` is the --name mapping the file was checked with."""
    raw = printable_data(raw)
    rubric = rubric or rubric_for(plan.assignment.names)
    if "timeout" in raw or "crashed" in raw or "worker_error" in raw or "forged" in raw:
        where = raw.get("progress") or {}
        at = (tr(lang, " in code cell {cell}", cell=where["cell"]) if where.get("cell") else
              tr(lang, " while {function} was running", function=where["function"]) if where.get("function") else "")
        error = (tr(lang, "stopped after {seconds:g} s{at}: the file did not finish (an endless loop?)",
                    seconds=raw["timeout"], at=at) if "timeout" in raw else
                 tr(lang, "the file's process sent the checker a message that is not the checker's{at}: its own "
                          "code wrote it, and nothing it says is judged", at=at) if "forged" in raw else
                 tr(lang, "the file ended its own process (exit code {code}){at} {detail}", code=raw.get("crashed"),
                    at=at, detail=raw.get("stderr", "")).strip()
                 if "crashed" in raw
                 else raw["worker_error"])
        return CheckResult(path, {}, error=error, lang=lang, rubric=rubric)
    cells, fatal = cell_problems(raw["cells"], lang)
    formulas = judge(plan, raw["task"], lang)
    unfinished = next((c for c in raw["cells"] if c["status"] in ("syntax_error", "error", "timeout")), None)
    if unfinished:   # a function not found may be in a cell that stopped before defining it
        file = unfinished.get("file")   # a .py file, or else a notebook's cell ("in the cell", "in file.py")
        where = file or tr(lang, "code cell {cell}", cell=unfinished["number"])
        for f in formulas.values():
            if f.status == "missing":
                f.message = tr(lang, "not found (perhaps in {where}, which did not run)",
                               ctx="a file" if file else None,
                               where=where)
    if unfinished and fatal is None and missing_only(formulas):   # it stopped before defining anything
        fatal = next(c["message"] for c in cells if c["status"] != "skipped")
    hints = {} if unfinished else same_arity(raw.get("defined") or {}, raw["task"]["found"], formulas, names or {},
                                             plan.assignment)
    for name, candidates in hints.items():
        if name in formulas:
            formulas[name].message = missing_hint(lang, name, candidates)
    result = CheckResult(path, formulas, error=fatal, cells=cells, lang=lang, rubric=rubric, hints=hints,
                         assignment=plan.assignment, uses=flagged_modules(raw.get("uses"), plan.assignment.imports))
    if fatal is None and missing_only(formulas):
        result.bad_input = True
        result.error = nothing_in(path, hints, lang, plan.assignment.names)
    return result


def nothing_in(path: str, hints: dict[str, list[str]], lang: str, functions: tuple[str, ...]) -> str:
    """'nothing to check' in a file, with the functions of the assignment's arities it does define, if any."""
    names = ", ".join(functions)
    if not hints:
        return tr(lang, "{file}: nothing to check: none of {names} is defined there (other names: --name "
                        "delta_L=your_name)", file=path, names=names)
    first = next(iter(hints))
    return tr(lang, "{file}: nothing to check: none of {names} is defined there (functions of the same arity: "
                    "{hints}; map one with --name, e.g. --name {example})", file=path, names=names,
              example=f"{first}={hints[first][0]}",
              hints="; ".join(f"{lab_name}: {', '.join(c)}" for lab_name, c in hints.items()))


@in_its_language
def check_file(path: str | Path, *, lang: str = "en", names: dict[str, str] | None = None,
               timeout: float = DEFAULT_TIMEOUT, rubric: Rubric | None = None,
               assignment: str | Assignment | None = None, feedback: str = "full",
               limits: Limits = DEFAULT_LIMITS, sandbox: bool = False) -> CheckResult:
    """Run a ``.py`` or ``.ipynb`` in a separate process (each cell and call at most ``timeout`` s, the process
    under ``limits``, under bwrap with ``sandbox``) and check the assignment's functions it defines (the lab's
    by default), scored by ``rubric`` (the assignment's own by default), its texts at the ``feedback`` level.
    A file that cannot be read raises InputError."""
    read_submission(path)   # a bad path or a notebook that is not JSON: one clear line, before any process
    return check_files([path], lang=lang, names=names, timeout=timeout, rubric=rubric, assignment=assignment,
                       feedback=feedback, limits=limits, sandbox=sandbox)[0]


def unreadable(path: str | Path, lang: str, rubric: Rubric) -> CheckResult | None:
    """A file no worker can run (no such file, a notebook that is not JSON) as its own result — bad input,
    the reason as its error — or None when it can be read."""
    try:
        read_submission(path)
    except InputError as exc:
        return CheckResult(str(path), {}, error=str(exc), lang=lang, bad_input=True, rubric=rubric)
    return None


@in_its_language
def check_files(paths: list[str], *, lang: str = "en", names: dict[str, str] | None = None,
                timeout: float = DEFAULT_TIMEOUT, jobs: int = 1, on_done=None,
                rubric: Rubric | None = None, assignment: str | Assignment | None = None,
                feedback: str = "full", limits: Limits = DEFAULT_LIMITS,
                sandbox: bool = False) -> list[CheckResult]:
    """:func:`check_file` for many files, ``jobs`` processes at a time; results in the order of ``paths``.

    The processes run in parallel; their results are judged here, one at a time
    (the PyTorch twin that judges them is not shared between threads).
    ``on_done(n)`` is called after each file, for a progress bar. A file that cannot be read is that
    file's result (bad input, the reason as its error): the other files are still checked.
    """
    check_level(feedback)
    if sandbox:
        require_sandbox()
    assignment = load_assignment(assignment)
    plan = plan_for(assignment)
    task = plan.task(check_names(names, assignment.names), timeout)
    rubric = rubric or rubric_for(assignment.names)
    results = {i: r for i, r in enumerate(unreadable(path, lang, rubric) for path in paths) if r is not None}
    folders = Counter(Path(path).resolve().parent for path in paths)
    how = lambda path: "alone" if folders[Path(path).resolve().parent] > 1 else "folder"  # noqa: E731
    STOPPING.clear()   # a run stopped earlier in this process does not stop this one
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        threads = 1 if jobs > 1 else None   # several workers on the cores: one BLAS thread each
        futures = {pool.submit(run_isolated, path, task, timeout, limits, how(path) if sandbox else None,
                               threads): i for i, path in enumerate(paths) if i not in results}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = result_of_run(str(paths[i]), future.result(), plan, lang, timeout, rubric, names)
            if on_done:
                on_done(len(results))
    except KeyboardInterrupt:   # stop every worker now rather than after its time limit
        stop_all()
        pool.shutdown(wait=True, cancel_futures=True)   # the threads remove their temporary folders
        raise
    pool.shutdown()
    for result in results.values():   # the unreadable files' rows too
        result.feedback = feedback
    return [results[i] for i in range(len(paths))]
