"""Judging what a submission's functions returned: ✓ or ✗ per formula, where, by how much, and why.

A call passes when its output has autograd's shape and every entry is within
the harness's float64 tolerance (:class:`mlp_harness.verify.tolerance.Tolerance`,
|got − expected| ≤ atol + rtol·|expected|) — in a float32 assignment, within the
call's own rounding-error bound of the exact answer (:mod:`mlp_harness.check.rounding`,
|got − exact| ≤ E). A formula passes when every call
of it passes; otherwise the first failing call (the lab's cases come first) is
reported with its first differing entry, the right formula with autograd's
numbers in place, and — when the function behaves exactly like a known mistake
on every call — the mistake's name and what it computes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from manual_mlp.validation import sub

from ..i18n import N_, tr
from ..teach.expression import format_number
from ..teach.explain import (Context, StepInputs, explain_a, explain_grad_b, explain_grad_theta,
                             explain_hidden_delta, explain_output_delta, explain_update)
from ..verify.tolerance import Tolerance
from .catalogue import CATALOGUE
from .execute import UPDATES, is_timeout
from .cases import HYPER
from .mistakes import (MISTAKE_WORDS, UPDATE_FORMULAS, Mistake, compute_or_none, failure_kind, failure_or_none,
                       fixed_batch_size, fixed_hyperparameters, mistakes_for, not_finite, placements)
from .plan import Probe
from .rounding import widened, within

Array = np.ndarray
TOLERANCE = Tolerance.for_dtype("float64")
#: a function that agrees only this far (float32 keeps 7 digits: 1e-5 relative is ~100 of its ulps) computes
#: in float32 — for the diagnosis only: it still fails
SINGLE = Tolerance(rtol=1e-5, atol=1e-7)
#: a float32 assignment's values this close to the exact answers, though beyond their bounds, are a small systematic
#: change (float32's fixed rule, 10⁴·ε = 1.2e-3) — for the diagnosis only: they still fail
NEAR32 = Tolerance.for_dtype("float32")
#: values as near autograd's as a computation in float16 leaves them: its unit roundoff is 2⁻¹¹ ≈ 4.9e-4, so a few
#: roundings of intermediate values of size about 1 leave up to 1e-3 absolute (a value near 0: a − y, 1 − a²) or 1e-2
#: relative; beyond this, a float16 answer is some other mistake
HALF = Tolerance(rtol=1e-2, atol=1e-3)
#: a float32 assignment's function behaves like a mistake where it gives the wrong formula's exact value within
#: four times the call's bound plus 2⁻²⁰ (16 of float32's ulps) of that value and of the call's largest: the wrong
#: formula's own rounding, which no bound describes (measured on the catalogue's mistakes: within 0.1 of the
#: call's bound; two mistakes Adam's ε tells apart only at ε = 1e-3 are 20 bounds apart there) — for the diagnosis
#: only, as a mistake is named only after a failure
MATCH_BOUNDS, MATCH32 = 4.0, 2.0 ** -20

#: the limit a submission's process ran into
LIMITS = {"memory": N_("used more than {size} of memory, the limit (--memory)"),
          "cpu_seconds": N_("used more than {seconds} CPU seconds, the limit (--cpu-seconds)"),
          "file_size": N_("wrote a file larger than {size}, the limit"),
          "processes": N_("started more than {count} processes or threads, the limit")}


@dataclass
class Finding:
    """What one call (or one step of a trajectory) showed."""

    status: str                          # "pass", "fail" or "error"
    max_abs_diff: float | None = None
    message: str = ""
    hint: str | None = None              # the message without autograd's numbers (None: it has none)
    mismatch: dict | None = None         # case, call, target, index, expected, got (and step for steps)
    explanation: str | None = None
    expected: Array | None = None        # the whole matrices, for the side-by-side table
    got: Array | None = None


@dataclass
class FormulaResult:
    name: str
    status: str                          # "pass", "fail", "missing" or "error"
    message: str
    max_abs_diff: float | None = None
    first_mismatch: dict | None = None
    diagnosis: str | None = None         # the mistake in plain words
    mistake: str | None = None           # its catalogue name
    explanation: str | None = None
    calls: int = 0
    source: str | None = None            # for "step": "step" (their step()) or "chain" (their functions)
    expected: Array | None = field(default=None, repr=False)
    got: Array | None = field(default=None, repr=False)
    pending: bool = False                # "missing" because it is still a blank (raises NotImplementedError)
    formula: str | None = None           # the right formula (the assignment's signature), for the reports
    hint: str | None = None              # the message without autograd's numbers (None: it has none); see
    #                                      mlp_harness.check.feedback
    outputs: tuple | None = field(default=None, repr=False)   # a failure's outputs on every call, to group
    #                                                           identical ones (see :func:`output_of`)
    blamed: tuple[str, ...] = ()         # a chained step's failure: the functions already wrong that explain it
    warning: str | None = None           # right or not, something to fix (optimize updated θ in place)
    batched: bool = True                 # for "step" on a network with biases: handed mini-batches (False: the
    #                                      whole set at every step, an assignment without batch_size)

    @property
    def ok(self) -> bool:
        return self.status == "pass"

    def to_json(self) -> dict:
        return {"status": self.status, "max_abs_diff": self.max_abs_diff, "first_mismatch": self.first_mismatch,
                "diagnosis": self.diagnosis, "mistake": self.mistake, "message": self.message,
                "explanation": self.explanation, "calls": self.calls} | (
                    {"source": self.source} if self.source else {}) | (
                    {"warning": self.warning} if self.warning else {})


def verdict_diff(findings: list[Finding]) -> float | None:
    """max |Δ| over the comparisons behind a verdict: on a pass, the largest of every call's; on a failure,
    None when the failing call compared nothing (it raised, returned None or the wrong shape: a 0.0 from the
    calls before it would read as agreement), and NaN — null in JSON — when an entry was not a number."""
    bad = next((f for f in findings if f.status != "pass"), None)
    if bad is not None and bad.max_abs_diff is None:
        return None
    diffs = [f.max_abs_diff for f in findings if f.max_abs_diff is not None]
    return max(diffs, key=lambda d: (np.isnan(d), d)) if diffs else None   # a NaN outranks every number


def first_bad(expected: Array, got: Array) -> tuple[int, ...]:
    return first_of(~TOLERANCE.allows(got, expected))   # NaN is never allowed


def first_of(bad: Array) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()


def allowed_by(probe: Probe, got: Array) -> Array:
    """Each entry of ``got`` (of autograd's shape) is right: within the float64 tolerance of autograd's answer, or
    in a float32 assignment within the call's bound of the exact one (NaN never)."""
    if probe.allowed is None:
        return TOLERANCE.allows(got, probe.expected)
    return within(probe.exact, probe.allowed, got)


def explain_probe(probe: Probe, index: tuple[int, ...], lang: str) -> str | None:
    """The right formula at ``index`` with autograd's numbers in place (see ``mlp-compare --explain``)."""
    case, l = probe.case, probe.layer
    b = probe.batch
    before = StepInputs(1, b.Y, list(b.thetas), None if b.biases is None else list(b.biases), {}, 1)
    ctx = Context(case.config, before, probe.record)
    kind = "b" if probe.target.startswith("b") else "theta"
    build = {"a": lambda: explain_a(ctx, l, index), "delta_L": lambda: explain_output_delta(ctx, index),
             "delta_l": lambda: explain_hidden_delta(ctx, l, index),
             "gradient": lambda: explain_grad_theta(ctx, l, index),
             "bias_gradient": lambda: explain_grad_b(ctx, l, index),
             "update": lambda: explain_update(ctx, kind, l, index)}.get(CATALOGUE[probe.signature].explain)
    return None if build is None else build().line(lang)


def compare_probe(probe: Probe, got: Array) -> tuple[float, tuple[int, ...] | None]:
    """(max |got − autograd's answer|, the first entry not allowed (:func:`allowed_by`) or None)."""
    if probe.allowed is None:
        return compare_arrays(probe.expected, got)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = float(np.max(np.abs(got - probe.expected))) if got.size else 0.0
        bad = ~allowed_by(probe, got)
    return diff, first_of(bad) if np.any(bad) else None


def compare_arrays(expected: Array, got: Array) -> tuple[float, tuple[int, ...] | None]:
    """(max |got − expected|, the first entry out of tolerance or None)."""
    with np.errstate(invalid="ignore", over="ignore"):
        diff = float(np.max(np.abs(got - expected))) if expected.size else 0.0
        ok = bool(np.all(TOLERANCE.allows(got, expected)))
    return diff, None if ok else first_bad(expected, got)


def where_text(where: dict | None, lang: str) -> str:
    """' (code cell 12, line 3, in delta_L)' — where in the submission an error happened; a function defined in
    a notebook's cell that check_lab ran is in "your cell [5]" (its execution count, as Jupyter shows it
    beside the cell) or "your cell": its kernel's temporary file name is no place a student can find."""
    if not where:
        return ""
    kernel = where.get("kernel_cell")   # True, or the cell's execution count
    parts = [tr(lang, "code cell {cell}", cell=where["cell"]) if where.get("cell") else
             tr(lang, "your cell [{number}]", number=kernel) if type(kernel) is int else
             tr(lang, "your cell") if kernel else where.get("file")]
    parts += [tr(lang, "line {line}", line=where["line"])] if where.get("line") else []
    parts += [tr(lang, "in {function}", function=where["function"])] if where.get("function") else []
    return " (" + ", ".join(p for p in parts if p) + ")"


def message_text(error: dict, lang: str) -> str:
    """The message of what a submission raised (a placeholder when its ``__str__`` failed)."""
    return tr(lang, "(a message that cannot be shown: its __str__ failed)") if error.get(
        "unreadable_message") else error["message"]


#: a number written with a point or an exponent (0.0226, -2.3e-05, 1e3): what an array's repr is made of
DECIMAL = re.compile(r"[-+−]?(?:\d+\.\d*|\.\d+|\d+(?=[eE][-+]?\d))(?:[eE][-+]?\d+)?")


def without_numbers(text: str) -> str:
    """``text`` with every decimal number replaced by "…": a submission's own error message may print the
    arrays it was given, which are autograd's (δ⁽ˡ⁺¹⁾ for delta_l is delta_L's answer). Whole numbers —
    shapes, sizes, indices — stay."""
    return DECIMAL.sub("…", text)


def size_text(size: int) -> str:
    """4 GB, 64 MB: a limit in bytes as the options give it."""
    return f"{size / (1 << 30):g} GB" if size >= 1 << 30 else f"{size / (1 << 20):g} MB"


def limit_text(resource: dict, lang: str) -> str:
    """The resource limit an error came from: 'used more than 4 GB of memory, the limit (--memory)'."""
    kind, value = next(iter(resource.items()), (None, None))
    if type(value) is not int or kind not in ("memory", "file_size", "cpu_seconds", "processes"):
        return ""   # no limit of the worker's (the data comes from the submission's process)
    fields = {"memory": {"size": size_text(value)}, "file_size": {"size": size_text(value)},
              "cpu_seconds": {"seconds": value}, "processes": {"count": value}}[kind]
    return tr(lang, LIMITS[kind], **fields)


def ended_text(error: dict, lang: str, numbers: bool = True) -> str:
    """A call during which the process running it ended: the limit it hit, or its signal or exit code (and
    the last line it wrote to stderr, its decimal numbers left out with ``numbers=False``)."""
    ended = error["ended"]
    if ended.get("code") is None:
        return tr(lang, "was not run: the processes that ran this file ended too often")
    if isinstance(error.get("resource"), dict) and limit_text(error["resource"], lang):
        return limit_text(error["resource"], lang)
    how = tr(lang, "signal {name}", name=ended["signal"]) if ended.get("signal") else \
        tr(lang, "exit code {code}", code=ended["code"])
    detail = error["message"] if numbers else without_numbers(error["message"])
    return tr(lang, "ended the process running it ({how}) {detail}", how=how, detail=detail).strip()


def error_text(error: dict, lang: str, numbers: bool = True) -> str:
    """An error of the submission's as one line; ``numbers=False`` leaves out the decimal numbers of its
    message (see :func:`without_numbers`)."""
    if is_timeout(error):
        return (tr(lang, "stopped by a SIGALRM after {seconds:.1f} s, before its {limit:g} s limit (a signal.alarm "
                         "of its own?)", seconds=error["early"], limit=error["limit"]) if error.get("early") is not None
                else tr(lang, "did not return within {limit:g} s", limit=error["limit"]))
    if isinstance(error.get("ended"), dict):
        return ended_text(error, lang, numbers)
    message = message_text(error, lang)
    message = message if numbers else without_numbers(message)
    text = f"{error['type']}: {message}{where_text(error.get('where'), lang)}"
    limit = limit_text(error["resource"], lang) if isinstance(error.get("resource"), dict) else ""
    return f"{text} — {limit}" if limit else text


def shape_finding(probe: Probe, shape: tuple, got: Array | None, lang: str) -> Finding:
    """A returned array of the wrong shape (``got`` is None when it was too big to send back)."""
    expected, case = probe.expected, probe.case.name
    mismatch = {"case": case, "call": probe.call_text, "target": probe.target, "index": None,
                "expected_shape": list(expected.shape), "got_shape": list(shape)}
    message = tr(lang, "case {case}: {call} returned shape {got}, but autograd's {target} has shape {expected}",
                 case=probe.label(lang), call=probe.call_text, got=tuple(shape),
                 target=probe.target, expected=expected.shape)
    return Finding("fail", message=message, mismatch=mismatch, got=got, expected=expected)


def distinct_numbers(expected: float, got: float) -> tuple[str, str]:
    """The two numbers as the table writes them (8 decimals), or with as many significant digits as it takes
    (up to 17, float64's) to tell them apart when they differ beyond the tolerance below the 8th decimal."""
    a, b = format_number(expected), format_number(got)
    digits = 9
    while a == b and digits <= 17 and expected != got:
        a, b = (f"{x:.{digits}g}".replace("-", "−") for x in (float(expected), float(got)))
        digits += 1
    return a, b


def index_text(index: tuple) -> str:
    """An entry's index as a message writes it after the quantity: '[0, 2]'; nothing for a number (Adam's t)."""
    return str(list(index)) if len(index) else ""


def judge_value(probe: Probe, got: Array, lang: str) -> Finding:
    """A returned array against autograd's: shape, finiteness, then every entry."""
    expected, case = probe.expected, probe.case.name
    if got.shape != expected.shape:
        return shape_finding(probe, got.shape, got, lang)
    diff, index = compare_probe(probe, got)
    if index is None:
        return Finding("pass", diff)
    mismatch = {"case": case, "call": probe.call_text, "target": probe.target, "index": list(index),
                "expected": float(expected[index]), "got": float(got[index])} | (
                    {} if probe.allowed is None else {"exact": float(probe.exact[index]),
                                                      "allowed": float(probe.allowed[index])})
    key, hint_key = ((N_("case {case}: {target}{index} — autograd {expected}, yours {got} (|Δ| = {diff})"),
                       N_("case {case}: {target}{index} differs from autograd's")) if np.isfinite(got[index]) else
                      (N_("case {case}: {target}{index} — autograd {expected}, yours {got} (not a finite number)"),
                       N_("case {case}: {target}{index} is not a finite number")))
    if probe.allowed is not None and np.isfinite(got[index]):
        key = N_("case {case}: {target}{index} — autograd {expected}, yours {got} (|Δ| = {diff} from the exact "
                 "value, more than float32's rounding allows here, {allowed})")
    shown_expected, shown_got = distinct_numbers(expected[index], got[index])
    off = abs(got[index] - (expected if probe.exact is None else probe.exact)[index])
    message = tr(lang, key, case=probe.label(lang), target=probe.target, index=index_text(index),
                 expected=shown_expected, got=shown_got, diff=f"{off:.2e}",
                 allowed=f"{probe.allowed[index]:.1e}" if probe.allowed is not None else "")
    hint = tr(lang, hint_key, case=probe.label(lang), target=probe.target, index=index_text(index))
    return Finding("fail", diff, message, hint, mismatch, explain_probe(probe, index, lang), expected, got)


def judge_probe(probe: Probe, outcome: dict, lang: str) -> Finding:
    if "skipped" in outcome:   # not called: the function had run out of its time limit on an earlier call
        return Finding("error", message=tr(lang, "case {case}: {call} was not called — {function} had already run "
                                                 "out of its time limit on an earlier call", case=probe.label(lang),
                                           call=probe.call_text, function=probe.formula))
    if "error" in outcome:   # raised, or stopped (its time-out, a SIGALRM)
        key = N_("case {case}: {call} {error}") if is_timeout(outcome["error"]) else N_(
            "case {case}: {call} raised {error}")
        raised = lambda numbers: tr(lang, key, case=probe.label(lang), call=probe.call_text,  # noqa: E731
                                    error=error_text(outcome["error"], lang, numbers))
        return Finding("error", message=raised(True), hint=raised(False))
    if "returned" in outcome:
        update = CATALOGUE[probe.signature].kind == "update" if probe.signature else probe.formula in UPDATES
        none = (N_("case {case}: {call} returned None — was θ updated in place? {function} must return the new θ")
                if update and probe.pick is None else N_("case {case}: {call} returned None"))
        other = (N_("case {case}: {call} returned a {type}, not an array of numbers") if probe.pick is None
                 else N_("case {case}: {call} returned {type}; it must return {returns}"))
        key = none if outcome["returned"] == "None" else other
        returns = CATALOGUE[probe.signature].returns.symbol if probe.signature else ""
        return Finding("fail", message=tr(lang, key, case=probe.label(lang), call=probe.call_text,
                                          type=outcome["returned"], function=probe.formula, returns=returns))
    if "value" not in outcome:   # too big to send back: only its shape came
        return shape_finding(probe, tuple(outcome["shape"]), None, lang)
    return judge_value(probe, np.asarray(outcome["value"], dtype=np.float64).reshape(outcome["shape"]), lang)


def behaves_like(mistake, probes: list[Probe], outcomes: dict) -> bool:
    """The function did what the mistake computes on every call — the same numbers, or the same kind of shape
    error (a product of matrices, an entry-by-entry operation) where the mistake's formula does not fit the
    shapes — and that differs from the right answer somewhere: a mistake is never named on shape errors of
    another kind, which some other slip (a θ read from the notebook, say) gives equally."""
    shown = False
    for probe in probes:
        outcome, wrong = outcomes[str(probe.id)], wrong_values(mistake, probe)
        if (outcome.get("error") or {}).get("type") in ("ZeroDivisionError", "FloatingPointError") and \
                not_finite(mistake, probe.args):   # a division by zero, raised in Python's floats
            shown = True
            continue
        if not wrong:   # the mistake cannot be computed here: the function must have failed the same way
            error = outcome.get("error") or {}
            if error.get("type") != "ValueError" or \
                    failure_kind(error.get("message", "")) != failure_or_none(mistake, probe.args):
                return False
            shown = True
            continue
        if "value" not in outcome:
            return False
        got = np.asarray(outcome["value"], dtype=np.float64).reshape(outcome["shape"])
        if not any(same_as_wrong(got, value, probe) for value in wrong):
            return False
        shown = shown or wrong[0].shape != probe.expected.shape or not np.all(allowed_by(probe, wrong[0]))
    return shown


def wrong_values(mistake, probe: Probe) -> list[Array]:
    """The wrong formula's output on the call's arguments, [] where it cannot be computed. In a float32
    assignment, exactly (the float32 arguments made float64) and then as float32 arithmetic has it, where its
    overflows and underflows come sooner (e^z beyond z = 88): a function may compute either."""
    if probe.allowed is None:
        wrong = compute_or_none(mistake, probe.args, probe.pick)
        return [] if wrong is None else [wrong]
    exact = compute_or_none(mistake, widened(probe.args), probe.pick)
    single = compute_or_none(mistake, probe.args, probe.pick)
    return [] if exact is None else [exact] + ([] if single is None else [single])


def same_as_wrong(got: Array, wrong: Array, probe: Probe | None = None) -> bool:
    """What a function gave is what a wrong formula gives: the same shape, every finite entry within the
    tolerance (a float32 assignment's ``probe``: within :data:`MATCH32`), and not finite wherever the wrong
    formula is not (a division by zero gives ±∞ or NaN, as the order of its operations has it)."""
    if got.shape != wrong.shape:
        return False
    finite = np.isfinite(wrong)
    with np.errstate(invalid="ignore", over="ignore"):
        close = TOLERANCE.allows(got, wrong) if probe is None or probe.allowed is None else \
            np.abs(got - wrong) <= match_allowance(probe, wrong)
        return bool(np.all(np.where(finite, close, ~np.isfinite(got))))


def match_allowance(probe: Probe, wrong: Array) -> Array:
    """How far a float32 function may be from a wrong formula's exact value and still be said to compute it
    (:data:`MATCH32`): four times the call's bound (its largest entry where the shapes differ), and 2⁻²⁰ of the
    value and of the call's largest finite one."""
    bound = probe.allowed if probe.allowed.shape == wrong.shape else np.max(probe.allowed, initial=0.0)
    magnitude = np.abs(np.where(np.isfinite(wrong), wrong, 0.0))
    return MATCH_BOUNDS * bound + MATCH32 * (magnitude + np.max(magnitude, initial=0.0))


def fixed_n(probes: list[Probe], outcomes: dict) -> Mistake | None:
    """softmax with cross-entropy's δ⁽ᴸ⁾ divided by one fixed batch size, one of those the calls have, that
    gives what the function gave on every call (:func:`~.mistakes.fixed_batch_size`), or None."""
    if not probes or probes[0].signature != "delta_L_softmax_cross_entropy":
        return None
    sizes = sorted({p.expected.shape[0] for p in probes})
    return next((m for m in map(fixed_batch_size, sizes) if behaves_like(m, probes, outcomes)), None) \
        if len(sizes) > 1 else None


def fixed_mistake(probes: list[Probe], outcomes: dict) -> Mistake | None:
    """An update with some of its hyper-parameters written as numbers (:func:`fixed_hyperparameters`) that gives
    what the function gave on every call, or None. Each hyper-parameter is tried at each value the assignment's
    own calls hand it — everywhere it is used, then (Adam's β) in the bias correction alone —, on those calls
    and the calls that vary it alone (where the others are the assignment's), so several fixed at once are found
    one by one; the whole set must then give every call."""
    signature = CATALOGUE.get(probes[0].signature) if probes else None
    if signature is None or signature.name not in UPDATE_FORMULAS:
        return None
    fixed = {}
    for i, arg in ((i, a.name) for i, a in enumerate(signature.args) if a.name in HYPER):
        calls = [p for p in probes if p.varied in ("", arg)]
        values = sorted({float(p.args[i]) for p in probes if not p.varied})
        tries = [{i: (arg, HYPER[arg][0], value, where)} for value in values for where in placements(signature.name, i)]
        fixed |= next((one for one in tries if behaves_like(
            fixed_hyperparameters(signature.name, signature.formula, one), calls, outcomes)), {})
    mistake = fixed_hyperparameters(signature.name, signature.formula, fixed) if fixed else None
    return mistake if mistake and behaves_like(mistake, probes, outcomes) else None


def returned_pairs(probes: list[Probe], outcomes: dict) -> list[tuple[Array, Array]] | None:
    """(autograd's answer, the value returned) of every call, or None when a call returned no array of its shape."""
    values = [(p, outcomes[str(p.id)]) for p in probes]
    if not all("value" in o and tuple(o["shape"]) == p.expected.shape for p, o in values):
        return None
    return [(p.expected, np.asarray(o["value"], dtype=np.float64).reshape(o["shape"])) for p, o in values]


def near_float32(pairs: list[tuple[Array, Array]] | None, lang: str) -> tuple[str, str] | None:
    """Every value agrees with autograd's to float32's precision (SINGLE), though not to float64's: made of float32
    numbers (a float32 or float16 array, or float64 values cast from one), the function computes in float32
    (single_precision); else a small systematic change of its size, not rounding — an ε added, a clip, an input
    made float32 on the way (small_difference). None when any value differs more, or nothing was returned."""
    if not pairs or not all(np.all(SINGLE.allows(got, want)) for want, got in pairs):
        return None
    if all(np.array_equal(got, got.astype(np.float32).astype(np.float64)) for _, got in pairs):
        return plain("single_precision", lang)
    size = max(float(np.max(np.abs(got - want))) / max(float(np.max(np.abs(want))), 1e-300)
               for want, got in pairs if want.size)
    return plain("small_difference", lang, size=f"{size:.0e}")


def near_half(pairs: list[tuple[Array, Array]] | None, lang: str) -> tuple[str, str] | None:
    """(reference, value) pairs whose every value is a float16 number and within :data:`HALF` of its reference,
    where the references are not float16 numbers themselves: the function computes in float16
    (half_precision). None otherwise, or when nothing was returned."""
    if not pairs or not all(np.all(HALF.allows(got, want)) for want, got in pairs):
        return None
    as_half = lambda x: x.astype(np.float16).astype(np.float64)   # noqa: E731
    if all(np.array_equal(got, as_half(got)) for _, got in pairs) and \
            not all(np.array_equal(want, as_half(want)) for want, _ in pairs):
        return plain("half_precision", lang)
    return None


def near_exact32(probes: list[Probe], outcomes: dict, lang: str) -> tuple[str, str] | None:
    """A float32 assignment's function whose every value is within float32's fixed rule (:data:`NEAR32`) of the
    exact answers, though not within their bounds: a small systematic change (small_difference_float32) —
    float32 numbers are expected there, never a finding. None otherwise."""
    pairs = returned_pairs(probes, outcomes)
    return near_values32(pairs and [(p.exact, got) for p, (_, got) in zip(probes, pairs)], lang)


def near_values32(pairs: list[tuple[Array, Array]] | None, lang: str) -> tuple[str, str] | None:
    """(reference, value) pairs of a float32 assignment — the exact answers, or a whole step's autograd's (within
    its bound of the exact step) — whose every value is within :data:`NEAR32` of its reference: a small systematic
    change (small_difference_float32). None otherwise, or when nothing was returned."""
    if not pairs or not all(np.all(NEAR32.allows(got, want)) for want, got in pairs):
        return None
    size = max(float(np.max(np.abs(got - want))) / max(float(np.max(np.abs(want))), 1e-300)
               for want, got in pairs if got.size)
    return plain("small_difference_float32", lang, size=f"{size:.0e}")


def plain(mistake: str, lang: str, **fields) -> tuple[str, str]:
    """(name, "name: what it means") for a mistake known by its symptom rather than by a wrong formula."""
    return mistake, tr(lang, "{name}: {description}", name=mistake,
                       description=tr(lang, MISTAKE_WORDS[mistake], **fields))


def diagnose(formula: str, probes: list[Probe], outcomes: dict, lang: str,
             reads: list[str] = ()) -> tuple[str | None, str | None]:
    """(mistake name, the mistake in plain words) for a failed formula, or (None, None). ``reads`` names the
    notebook's arrays the function reads instead of its parameters: that comes first, as it explains any
    shape error or number. A catalogue mistake is named only when no other fits equally; when several give
    exactly what the function gave, all are named as possible."""
    if reads:
        return plain("global_variable", lang, names=", ".join(reads))
    fitting = [m for m in mistakes_for(probes[0].signature if probes else formula) if behaves_like(m, probes, outcomes)]
    fitting += [m for m in (fixed_mistake(probes, outcomes), fixed_n(probes, outcomes)) if m is not None]
    loss = probes[0].case.config.loss if probes else "half_sse"
    if len(fitting) == 1:
        return fitting[0].name, fitting[0].describe(lang, loss)
    if fitting:
        return " / ".join(m.name for m in fitting), tr(lang, "one of these, which give the same numbers here: "
                                                             "{options}", options="; ".join(
            m.describe(lang, loss) for m in fitting))
    pairs = returned_pairs(probes, outcomes)
    near = near_half(pairs, lang) or (near_exact32(probes, outcomes, lang) if probes and probes[0].allowed is not None
                                      else near_float32(pairs, lang))
    if near is not None:
        return near
    for probe in probes:
        outcome = outcomes[str(probe.id)]
        error = outcome.get("error")
        if error and error["type"] == "NameError" and error.get("name"):
            return plain("undefined_name", lang, name=error["name"])
        if error and error["type"] == "TypeError" and "converted to Python scalars" in error["message"]:
            return plain("math_on_array", lang)
        if outcome.get("returned") == "None":
            return plain("missing_return", lang)
        if is_timeout(error) and error.get("early") is None:   # not its own alarm
            return plain("endless_loop", lang)
        if outcome.get("shape") and len(outcome["shape"]) == 2 and probe.expected.shape[1:] == (1,) and \
                tuple(outcome["shape"]) == (probe.expected.shape[0],) * 2:
            return plain("broadcast", lang)
    misfit = next((p for p in probes if shape_failed(p, outcomes[str(p.id)])), None)
    if misfit is not None:
        return plain("shape_mismatch", lang, shapes=shapes_text(misfit, lang))
    return None, None


def shape_failed(probe: Probe, outcome: dict) -> bool:
    """The call failed on shapes: NumPy's error for shapes that do not fit, or an answer of the wrong shape."""
    error = outcome.get("error") or {}
    if error.get("type") == "ValueError":
        return failure_kind(error.get("message", "")) != "other"
    return "shape" in outcome and tuple(outcome["shape"]) != probe.expected.shape


def layer_shape(shape: str, probe: Probe) -> str:
    """A signature's shape in symbols with the call's layers in place: '(N, nₗ₋₁)' at l = 2 is '(N, n₁)'; of
    'θ | b' alternatives, the one of the call's target."""
    options = [part.strip() for part in shape.split("|")]
    bias = probe.target.startswith("b") or "(b" in probe.target   # b⁽ˡ⁾, or its state: v(b⁽ˡ⁾)
    shape = options[1] if len(options) > 1 and bias else options[0]
    l = probe.layer
    for symbol, layer in (("nₗ₊₁", l + 1), ("nₗ₋₁", l - 1), ("nₗ", l), ("n_L", l)):
        shape = shape.replace(symbol, f"n{sub(layer)}")
    return shape


def shapes_text(probe: Probe, lang: str) -> str:
    """'δ⁽²⁾ is (N, n₂) = (5, 2), a⁽¹⁾ is (N, n₁) = (5, 4); ∂J/∂θ⁽²⁾ is (n₂, n₁) = (2, 4): BP4 …' — what met
    in a call that failed on shapes, and what the formula needs, in the lab's notation."""
    signature = CATALOGUE[probe.signature]
    given = [tr(lang, "{symbol} is {shape} = {actual}", symbol=name, shape=layer_shape(arg.shape, probe),
                actual=np.shape(value))
             for name, arg, value in zip(probe.arg_names, signature.args, probe.args) if np.ndim(value)]
    returns = signature.returns if probe.pick is None else signature.parts[probe.pick]
    wanted = tr(lang, "{symbol} is {shape} = {actual}", symbol=probe.target, shape=layer_shape(returns.shape, probe),
                actual=probe.expected.shape)
    return tr(lang, "{given}; {wanted}: {formula}", given=", ".join(given), wanted=wanted, formula=signature.formula)


def not_implemented(formula: str, errors: list[dict | None], lang: str) -> FormulaResult | None:
    """A blank still to be written — every call raised NotImplementedError — as "missing", not as a failure.

    When the error comes from another function (a step() that calls a delta_L still blank), that one is named.
    """
    if not errors or not all(e and e["type"] == "NotImplementedError" for e in errors):
        return None
    inside = (errors[0].get("where") or {}).get("function")
    message = (tr(lang, "calls {function}, which is not implemented yet",
                  function=inside) if inside and inside != formula
               else tr(lang, "not implemented yet: write it, then run its cell again"))
    return FormulaResult(formula, "missing", message, pending=True)


def first_failed(findings: list[Finding], outcomes: list[dict]) -> Finding | None:
    """The first call that did not pass — one that ran before a skipped one: the calls are made in their
    answers' order (a δ⁽ˡ⁾ from the top layer down), so the time-out that skipped the rest may come later
    in the plan's order than a call it skipped."""
    failed = [(f, o) for f, o in zip(findings, outcomes) if f.status != "pass"]
    return next((f for f, o in failed if "skipped" not in o), failed[0][0] if failed else None)


def judge_formula(formula: str, probes: list[Probe], outcomes: dict, found: str, lang: str,
                  reads: list[str] = ()) -> FormulaResult:
    """Every call of one of the lab's functions; the verdict on the function."""
    if found == "missing":
        return FormulaResult(formula, "missing", tr(lang, "not found"))
    if found != "function":   # e.g. `sigmoid = sigmoid(z1)`: the name now holds a value, the function is gone
        _, name, what = found.split(": ")   # "not a function: NAME: TYPE"
        return FormulaResult(formula, "missing", tr(lang, "not found: {name} holds a {what} here, not a function "
                                                          "(reassigned after its def?)", name=name, what=what))
    blank = not_implemented(formula, [outcomes[str(p.id)].get("error") for p in probes], lang)
    if blank:
        return blank
    findings = [judge_probe(p, outcomes[str(p.id)], lang) for p in probes]
    largest = verdict_diff(findings)
    bad = first_failed(findings, [outcomes[str(p.id)] for p in probes])
    changed, warning = changed_in_place(formula, probes, outcomes, lang)
    if bad is None and changed is None:
        return FormulaResult(formula, "pass", tr(lang, "all {calls} calls agree with autograd", calls=len(probes)),
                             largest, calls=len(probes),
                             warning=warning)
    if bad is None:   # every value right, but an argument changed in place: the chain gets it changed
        probe, argument = changed
        mistake, diagnosis = plain("changes_argument", lang, argument=argument)
        return FormulaResult(formula, "fail", tr(lang, "case {case}: {function} changed its argument {argument} in "
                                                       "place", case=probe.label(lang), function=formula,
                                                 argument=argument), largest, None, diagnosis, mistake,
                             calls=len(probes), warning=warning)
    mistake, diagnosis = diagnose(formula, probes, outcomes, lang, reads)
    if mistake is None and changed is not None:
        mistake, diagnosis = plain("changes_argument", lang, argument=changed[1])
    return FormulaResult(formula, bad.status, bad.message, largest, bad.mismatch, diagnosis, mistake,
                         bad.explanation, len(probes), expected=bad.expected, got=bad.got, hint=bad.hint,
                         warning=warning,
                         outputs=tuple(output_of(outcomes[str(p.id)]) for p in probes))


def output_of(outcome: dict) -> tuple:
    """What one call gave, in a form two submissions' can be compared in (:func:`same_outputs`):
    ("value", array), ("error", type, message), ("returned", what), ("skipped", function) or ("shape", shape)
    when too big to send."""
    if "error" in outcome:
        return "error", outcome["error"]["type"], outcome["error"].get("message")
    if "returned" in outcome:
        return "returned", outcome["returned"]
    if "skipped" in outcome:   # not called: the function had already run out of its time limit
        return "skipped", outcome["skipped"]
    if "value" not in outcome:
        return "shape", tuple(outcome["shape"])
    return "value", np.asarray(outcome["value"], dtype=np.float64).reshape(outcome["shape"])


def same_value(a: Array, b: Array) -> bool:
    """Two outputs equal within the tolerance a verdict uses, either way round (NaN matching NaN, ±∞ itself)."""
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        same = (a == b) | (np.isnan(a) & np.isnan(b)) | (TOLERANCE.allows(a, b) & TOLERANCE.allows(b, a))
    return bool(np.all(same))


def same_outputs(a: tuple, b: tuple) -> bool:
    """Two functions gave the same thing on every call (:func:`output_of`): the same wrong formula, likely."""
    return len(a) == len(b) and all(
        x[0] == y[0] and (same_value(x[1], y[1]) if x[0] == "value" else x == y) for x, y in zip(a, b))


def changed_in_place(formula: str, probes: list[Probe], outcomes: dict,
                     lang: str) -> tuple[tuple[Probe, str] | None, str | None]:
    """(the first call that changed an argument in place, with that argument's name — or None; a warning when
    the function changed the θ it updates). Changing θ is the update done in place: a warning, as the value
    may be right, though the caller's θ is overwritten; changing any other argument is a failure, as a
    training step uses it again after the call."""
    changed, warning = None, None
    for probe in probes:
        signature = CATALOGUE.get(probe.signature)
        updated, state = (signature.updates, signature.state) if signature else ((UPDATES.get(formula),), ())
        for argument in outcomes[str(probe.id)].get("changed", []):
            if argument["index"] in state:
                continue
            if argument["index"] in updated:
                warning = warning or tr(lang, "{function} changed its argument {argument} in place: the notebook's "
                                              "θ is overwritten too, so running the training cell again starts "
                                              "from the weights already trained; return a new array (θ − η·∇, not "
                                              "θ −= η·∇)", function=formula, argument=argument["name"])
            elif changed is None:
                changed = (probe, argument["name"])
    return changed, warning
