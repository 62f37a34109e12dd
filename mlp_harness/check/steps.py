"""Judging whole steps: the student's step() or their functions chained, step by step against the PyTorch twin.

Step k is held to the twin's step *from the θ the student's step k − 1
produced* (step 1 from the case's θ), so a difference is pinned to the step
where it arises and is never an echo of an earlier one. A failed step is
diagnosed with the network mistakes of ``mlp-compare --inject-bug`` (the
catalogue in :mod:`mlp_harness.teach.mutants`): a mistake is named when its
broken network, run from the same θ, gives exactly the student's θ at the
first failing step of every case it can show on.

In a float32 assignment the step is handed float32 arrays — the θ (and b) its
step before returned, rounded to float32 as a float32 notebook holds them —
and each new θ⁽ˡ⁾ and b⁽ˡ⁾ is held to autograd's float32 step from exactly those
numbers within twice the step's rounding-error bound (:func:`mlp_harness.check.
rounding.step_allowed`, where the proof is); a mistake is named when its broken
network's float32 step is within :data:`MATCH_BOUNDS` of those allowed
differences of the student's.
"""
from __future__ import annotations

import numpy as np

from manual_mlp import get_loss, make_optimizer
from manual_mlp.validation import InputError, sup

from ..i18n import N_, tr, tr_n
from ..teach.expression import format_number
from ..teach.mutants import MUTANTS, Mutant
from .execute import NONE_THETA, UPDATES, is_timeout
from .mistakes import step_mistakes
from .plan import Trajectory
from .rounding import step_allowed, unbounded_step, within
from .verdict import (MATCH_BOUNDS, TOLERANCE, Finding, FormulaResult, compare_arrays, error_text, first_of,
                      near_float32, near_half, near_values32, not_implemented, plain, verdict_diff)

Array = np.ndarray

#: a whole step that agrees, by who chained it
PASSED = {"step": N_("your step() agrees with autograd for {steps} steps on {cases} networks"), "chain": N_(
    "your functions, chained into a training step, agree with autograd for {steps} steps on {cases} networks")}


def as_thetas(raw: list) -> list[Array]:
    return [np.asarray(theta, dtype=np.float64) for theta in raw]


def targets(traj: Trajectory) -> list[str]:
    """The parameters a step returns, in the order they are judged: θ⁽¹⁾ … θ⁽ᴸ⁾, then b⁽¹⁾ … b⁽ᴸ⁾ with biases."""
    depth = traj.case.depth
    return [f"θ{sup(l)}" for l in range(1, depth + 1)] + [f"b{sup(l)}" for l in range(1, depth + 1) if traj.biases]


def split(traj: Trajectory, params: list[Array]) -> tuple[list[Array], list[Array] | None]:
    """(the θ's, the b's or None): a step's parameters as one list (see :func:`targets`) taken apart."""
    depth = traj.case.depth
    return list(params[:depth]), list(params[depth:]) if traj.biases else None


def in_float32(traj: Trajectory) -> bool:
    return traj.case.config.dtype == "float32"


def handed(traj: Trajectory, params: list[Array]) -> list[Array]:
    """A step's parameters as the next step is handed them (``execute.as_handed``): rounded to float32 in a
    float32 assignment (where the step runs, and here alike), as they are otherwise."""
    if not in_float32(traj):
        return params
    with np.errstate(over="ignore"):
        return [np.asarray(p, dtype=np.float64).astype(np.float32) for p in params]


def twin_rule(traj: Trajectory, k: int, before: list[Array]) -> tuple[list[Array], list[Array] | None]:
    """(the twin's θ's (and b's) after step k of the trajectory from ``before``, on step k's batch; in a float32
    assignment, how far from each a right step may be (:func:`~mlp_harness.check.rounding.step_allowed`), else
    None: the float64 rule, :data:`~mlp_harness.check.verdict.TOLERANCE`)."""
    thetas, biases = split(traj, before)
    rows = traj.rows[k - 1] if traj.biases else slice(None)
    record = traj.case.autograd_step(thetas, biases, rows)
    wanted = list(record.thetas) + (list(record.biases) if traj.biases else [])
    if not in_float32(traj):
        return wanted, None
    return wanted, step_allowed(traj.case.config, record, thetas, biases, traj.case.Y[rows])


def twin_step(traj: Trajectory, k: int, before: list[Array]) -> list[Array]:
    """The twin's θ's (and b's) after step k of the trajectory, from ``before`` (on step k's batch)."""
    return twin_rule(traj, k, before)[0]


def compare_step(want: Array, have: Array, allowed: Array | None) -> tuple[float, tuple[int, ...] | None]:
    """(max |have − want|, the first entry not allowed or None): within ``allowed`` of autograd's in a float32
    assignment, else the float64 rule (NaN never allowed)."""
    if allowed is None:
        return compare_arrays(want, have)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = float(np.max(np.abs(have - want))) if want.size else 0.0
        bad = ~within(want, allowed, have)
    return diff, first_of(bad) if np.any(bad) else None


def swapped(traj: Trajectory, wanted: list[Array], got: list[Array]) -> bool:
    """A step with biases that returned its pair the other way round: the b's where the θ's go, and back."""
    thetas, biases = split(traj, wanted)
    if not traj.biases or len(got) != len(wanted) or [t.shape for t in thetas] == [b.shape for b in biases]:
        return False
    mine_thetas, mine_biases = split(traj, got)
    return [h.shape for h in mine_thetas] == [b.shape for b in biases] and \
        [h.shape for h in mine_biases] == [t.shape for t in thetas]


def judge_step(traj: Trajectory, k: int, before: list[Array], got: list[Array], lang: str) -> Finding:
    """Step k of a trajectory: every new θ⁽ˡ⁾ (then b⁽ˡ⁾) against the twin's step from ``before``."""
    largest, (wanted, allowed) = 0.0, twin_rule(traj, k, before)
    if swapped(traj, wanted, got):
        return Finding("fail", message=tr(lang, "case {case}, step {step}: the step returned (biases, thetas): the "
                                                "pair is (thetas, biases)", case=traj.case.label, step=k))
    if allowed is not None and unbounded_step(allowed):
        return Finding("error", message=tr(lang, "case {case}, step {step}: float32's rounding-error bound of this "
                                                 "step overflowed (its numbers are too large), so it cannot be "
                                                 "checked in float32", case=traj.case.label, step=k))
    for want, have, target, limit in zip(wanted, got, targets(traj), allowed or [None] * len(wanted)):
        if have.shape != want.shape:
            return Finding("fail", message=tr(lang, "case {case}, step {step}: the new {target} has shape {got}, "
                                                    "but θ has shape {expected}" if target.startswith("θ") else
                                                    "case {case}, step {step}: the new {target} has shape {got}, "
                                                    "but b has shape {expected}", case=traj.case.label, step=k,
                                              target=target, got=have.shape, expected=want.shape)
                           + (tr(lang, "; keep each b one-dimensional, (nₗ,): a sum with keepdims=True, or b plus "
                                       "a (1, nₗ) array, makes it 2-D") if have.shape == (1,) + want.shape else ""))
        diff, index = compare_step(want, have, limit)
        largest = max(largest, diff)
        if index is not None:
            mismatch = {"case": traj.case.name, "step": k, "target": target, "index": list(index),
                        "expected": float(want[index]), "got": float(have[index])} | (
                            {} if limit is None else {"allowed": float(limit[index])})
            key = N_("case {case}, step {step}: new {target}{index} — autograd {expected}, yours {got} (|Δ| = "
                     "{diff})") if limit is None or not np.isfinite(have[index]) else N_(
                    "case {case}, step {step}: new {target}{index} — autograd {expected}, yours {got} (|Δ| = {diff}, "
                    "more than float32's rounding allows here, {allowed})")
            message = tr(lang, key, case=traj.case.label, step=k, target=target, index=list(index),
                         expected=format_number(want[index]), got=format_number(have[index]),
                         diff=f"{abs(have[index] - want[index]):.2e}",
                         allowed="" if limit is None else f"{limit[index]:.1e}")
            hint = tr(lang, "case {case}, step {step}: the new {target}{index} differs from autograd's",
                      case=traj.case.label, step=k, target=target,
                      index=list(index))
            return Finding("fail", diff, message, hint, mismatch, expected=want, got=have)
    return Finding("pass", largest)


def shape_of_step(traj: Trajectory, k: int, shapes: list[list[int]], lang: str) -> Finding:
    """Step k returned a θ far too big to send back (more entries than any θ has): its shape against θ's."""
    sizes = [int(np.prod(shape)) for shape in shapes]
    l = sizes.index(max(sizes))
    return Finding("fail", message=tr(lang, "case {case}, step {step}: the new {target} has shape {got}, but θ has "
                                            "shape {expected}", case=traj.case.label, step=k, target=f"θ{sup(l + 1)}",
                                      got=tuple(shapes[l]), expected=traj.case.thetas[l].shape))


def steps_of(traj: Trajectory, result: dict) -> list[list[Array]]:
    """Each step's parameters as one list (see :func:`targets`), as the trajectory's result holds them."""
    biases = result.get("biases", []) if traj.biases else [[]] * len(result["thetas"])
    return [as_thetas(thetas) + as_thetas(b) for thetas, b in zip(result["thetas"], biases)]


def judge_trajectory(traj: Trajectory, result: dict, lang: str, passed: list | None = None) -> tuple[Finding, tuple | None]:
    """(the first failing step's finding, or a pass; (θ before it, the student's θ after it, the step's
    number) when it failed). With biases, θ stands for the θ's and b's together (see :func:`targets`). Each step
    that passed is added to ``passed`` as (traj, θ before it, the student's θ after it, its number)."""
    before, largest = list(traj.case.thetas) + (list(traj.case.biases) if traj.biases else []), 0.0
    for k, got in enumerate(steps_of(traj, result), start=1):
        finding = judge_step(traj, k, before, got, lang)
        if finding.status != "pass":
            return finding, (before, got, k)
        if passed is not None:
            passed.append((traj, before, got, k))
        largest, before = max(largest, finding.max_abs_diff), handed(traj, got)
    k = len(result["thetas"]) + 1
    if "skipped" in result:   # not run: a function it needs (or an earlier step) had run out of its time limit
        key = N_("case {case}: not run — an earlier step had already run out of its time limit") \
            if result["skipped"] == "step" else N_("case {case}: not run — {function} had already run out of its "
                                                   "time limit")
        return Finding("error", message=tr(lang, key, case=traj.case.label, function=result["skipped"])), None
    if result.get("returned") == NONE_THETA:
        return Finding("fail", message=tr(lang, "case {case}, step {step}: a new θ is None — did optimize update θ "
                                                "in place instead of returning it?",
                                          case=traj.case.label, step=k)), None
    if "shapes" in result:   # a θ too big to send back: only the shapes came
        return shape_of_step(traj, k, result["shapes"], lang), None
    if "error" in result:
        def raised(numbers: bool) -> str:
            return tr(lang, "case {case}, step {step}: {error}", case=traj.case.label, step=k,
                      error=error_text(result["error"], lang, numbers))
        return Finding("error", message=raised(True), hint=raised(False)), None
    if "returned" in result:
        return Finding("fail", message=tr(lang, "case {case}, step {step}: the step returned {what}, not the pair "
                                                "(thetas, biases) of the new θ and b lists" if traj.biases else
                                                "case {case}, step {step}: the step returned {what}, not the list "
                                                "of new θ", case=traj.case.label, step=k,
                                          what=result["returned"])), None
    return Finding("pass", largest), None


def mutant_step(mutant: Mutant, traj: Trajectory, before: list[Array], k: int) -> list[Array] | None:
    """The broken network's θ (and b) after step k from ``before``, or None where the mistake cannot show."""
    case, (thetas, biases) = traj.case, split(traj, before)
    rows = traj.rows[k - 1] if traj.biases else slice(None)
    X, Y = case.X[rows], case.Y[rows]
    try:
        net = mutant.network(case.config, thetas, biases, X.shape[0])
    except InputError:
        return None
    with np.errstate(all="ignore"):
        record = net.train_step(X, Y, make_optimizer(case.config.optimizer_settings), case.config.loss)
    return list(record.thetas) + (list(record.biases) if traj.biases else [])


def same_step(got: list[Array], other: list[Array], allowed: list[Array] | None) -> bool:
    """A step's parameters are another step's: every entry within the float64 rule, or in a float32 assignment
    within :data:`MATCH_BOUNDS` times the step's allowed differences — the other computation's own float32
    rounding, of the size of a right step's; never so loose that two catalogued mistakes meet (they differ by
    many times it: tests/test_float32_steps.py)."""
    if len(got) != len(other) or any(o.shape != g.shape for o, g in zip(other, got)):
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        if allowed is None:
            return all(np.all(TOLERANCE.allows(g, o)) for o, g in zip(other, got))
        return all(np.all(np.abs(g - o) <= MATCH_BOUNDS * a) for o, g, a in zip(other, got, allowed))


def matches(mutant: Mutant, failures: list, passed: tuple = ()) -> bool:
    """The mistake gives the student's θ at every failing step it can show on (and can show on one at least),
    and at every step the student got right: a δ⁽ᴸ⁾ divided by a fixed 4 fails only on a batch of 2, where it is
    (a − y)/N², but is right on the batches of 4, where (a − y)/N² is not."""
    shown = 0
    for traj, before, got, k in failures:
        wrong = mutant_step(mutant, traj, before, k)
        if wrong is None:
            continue
        if not same_step(got, wrong, twin_rule(traj, k, before)[1]):
            return False
        shown += 1
    return shown > 0 and all(same_step(got, wrong, twin_rule(traj, k, before)[1]) for traj, before, got, k in passed
                             if (wrong := mutant_step(mutant, traj, before, k)) is not None)


def eta_used(traj: Trajectory, before: list[Array], got: list[Array], k: int) -> float | None:
    """The η step k used, when the student's θ (and b) is exactly a step of plain gradient descent from
    ``before`` at some η (fitted by least squares over every θ⁽ˡ⁾ and b⁽ˡ⁾, then checked entry by entry): None
    when no η gives it."""
    thetas, biases = split(traj, before)
    record = traj.case.autograd_step(thetas, biases, traj.rows[k - 1] if traj.biases else None)
    gradients = [np.asarray(g, dtype=np.float64) for g in
                 list(record.nabla_thetas) + (list(record.nabla_biases) if traj.biases else [])]
    if any(g.shape != t.shape for g, t in zip(gradients, got)):
        return None
    norm = sum(float(np.sum(g * g)) for g in gradients)
    if not norm:
        return None
    with np.errstate(all="ignore"):
        eta = sum(float(np.sum((b - t) * g)) for b, t, g in zip(before, got, gradients)) / norm
        fits = same_step(got, [b - eta * g for b, g in zip(before, gradients)], twin_rule(traj, k, before)[1])
    return float(f"{eta:.6g}") if fits and np.isfinite(eta) else None


def fixed_eta(failures: list[tuple[Trajectory, list[Array], list[Array], int]], lang: str,
              passed: tuple = ()) -> tuple[str, str] | None:
    """A step that ignores its η: at every failing step, a step of gradient descent at one same other η (the
    twin's gradients, another η) — it passes where the case's η is that one, as the lab's is, and only there (a
    step right at another η is something else: a δ⁽ᴸ⁾ divided by a fixed 4 moves θ by η/2 on a batch of 2)."""
    used = {eta_used(traj, before, got, k) for traj, before, got, k in failures}
    eta = used.pop() if len(used) == 1 else None
    if eta is None or any(np.isclose(eta, traj.case.eta) for traj, *_ in failures) or \
            any(not np.isclose(eta, traj.case.eta) for traj, *_ in passed):
        return None
    given = ", ".join(sorted({f"{traj.case.eta:g}" for traj, *_ in failures}))
    return plain("step_eta_fixed", lang, used=f"{eta:g}", given=given)


def fixed_n_step(failures: list[tuple[Trajectory, list[Array], list[Array], int]], lang: str,
                 passed: tuple) -> tuple[str, str] | None:
    """A step whose δ⁽ᴸ⁾ divides by one fixed batch size k where each batch's N belongs (a mean loss): every
    failing step is a step of gradient descent at η·N/k, and every step that passed has N = k."""
    traj = failures[0][0]
    if not passed or not traj.biases or get_loss(traj.case.config.loss).sums_over_samples:   # one N, or no 1/N
        return None
    sizes = {len(traj.case.X[traj.rows[k - 1]]) for traj, _, _, k in passed}
    if len(sizes) != 1:
        return None
    k = sizes.pop()
    for traj, before, got, step in failures:
        eta, n = eta_used(traj, before, got, step), len(traj.case.X[traj.rows[step - 1]])
        if eta is None or n == k or not np.isclose(eta, traj.case.eta * n / k, rtol=1e-5):
            return None
    return plain("n_fixed", lang, k=str(k))


def stopped_at_once(result: dict) -> bool:
    """The step's first call raised (not a time-out) or returned no list of θ's (and b's) the case can take."""
    error = result.get("error")
    return not result["thetas"] and ("returned" in result or error is not None and not is_timeout(error))


def two_layers_only(findings: list[tuple[Trajectory, Finding]], results: dict, lang: str) -> tuple[str, str] | None:
    """A step() written for two layers (θ⁽¹⁾, θ⁽²⁾ unpacked, or indexed one by one, and no loop over the layers):
    it agrees with autograd on every two-layer case and stops at its first step on every case of another depth
    (see :func:`stopped_at_once`). Those cases named with their depth, or None."""
    others = [traj for traj, _ in findings if traj.case.depth != 2]
    two = [finding for traj, finding in findings if traj.case.depth == 2]
    if not others or not two or any(f.status != "pass" for f in two) or \
            not all(stopped_at_once(results[str(traj.id)]) for traj in others):
        return None
    cases = ", ".join(tr_n(lang, "{case} ({n} layer)", "{case} ({n} layers)", traj.case.depth, case=traj.case.name,
                           n=traj.case.depth) for traj in others)
    return plain("step_two_layers", lang, cases=cases)


def step_pairs(failures: list[tuple[Trajectory, list[Array], list[Array], int]]) -> list[tuple[Array, Array]] | None:
    """(the twin's θ or b, the student's) at every failing step, or None when a shape differs."""
    pairs = [pair for traj, before, got, k in failures for pair in zip(twin_step(traj, k, before), got)]
    return pairs if all(want.shape == have.shape for want, have in pairs) else None


def in_its_derivative(text: str, traj: Trajectory) -> str:
    """A mutant's words, written for the lab's sigmoid (σ′), for the case's hidden activation: f′ elsewhere."""
    return text if traj.case.config.activation == "sigmoid" else text.replace("σ′", "f′")


def diagnose_steps(failures: list[tuple[Trajectory, list[Array], list[Array], int]],
                   lang: str, passed: tuple = ()) -> tuple[str, str] | None:
    """The catalogue mistakes that give the student's θ at every failing step; several when a whole step
    cannot tell them apart (θ + η∇ and y − a move θ alike); else a step that ignores the η it is given."""
    traj = failures[0][0]
    candidates = step_mistakes(traj.case.config.loss) if traj.biases else list(MUTANTS.values())
    found = [m for m in candidates if matches(m, failures, passed)]
    if not found:
        near = near_values32 if in_float32(traj) else near_float32   # float32 values are no finding in float32
        pairs = step_pairs(failures)
        return fixed_eta(failures, lang, passed) or fixed_n_step(failures, lang, passed) or near_half(pairs, lang) \
            or near(pairs, lang)
    described = [in_its_derivative(tr(lang, "{name}: {description} ({wrong})", name=m.name,
                                      description=m.describe(lang), wrong=m.wrong), traj) for m in found]
    return " / ".join(m.name for m in found), tr(lang, "one of these, which give the same step here: {options}",
                                                 options="; ".join(described)) \
        if len(found) > 1 else described[0]

def step_changes(mine: list[Trajectory], results: dict, largest: float | None,
                 lang: str) -> tuple[dict | None, str | None, tuple | None]:
    """What arguments changed in place say of whole steps: (the chain's function that changed one, for a
    failure to name; the warning for a step() that updated its list of θ in place; a step() that changed X
    or Y in place, as (trajectory, failing finding))."""
    change = next((results[str(t.id)]["changed"] for t in mine if "changed" in results[str(t.id)]), None)
    if change is None or change["function"] != "step":
        return change, None, None
    if change["index"] in (UPDATES["step"], UPDATES["step"] + 1):   # its θ's, or its b's (a step with biases)
        return None, tr(lang, "{function} changed its argument {argument} in place: the notebook's θ is "
                              "overwritten too, so running the training cell again starts from the weights already "
                              "trained; return a new array (θ − η·∇, not θ −= η·∇)", function="step",
                        argument=change["argument"]), None
    traj = mine[0]
    return None, None, (traj, Finding("fail", largest, tr(lang, "case {case}: {function} changed its argument "
                                                                "{argument} in place", case=traj.case.label,
                                                          function="step", argument=change["argument"])))


def judge_steps(trajectories: list[Trajectory], results: dict, source: str, broken: list[str],
                lang: str) -> FormulaResult:
    """The verdict on whole steps: ``source`` is "step" (their step()) or "chain" (their functions chained);
    ``broken`` names the lab's functions that already failed on their own (a chain inherits their mistakes)."""
    result = steps_verdict(trajectories, results, source, broken, lang)
    result.batched = any(len({(r.start, r.stop) for r in t.rows}) > 1 for t in trajectories if t.kind == source)
    return result


def steps_verdict(trajectories: list[Trajectory], results: dict, source: str, broken: list[str],
                  lang: str) -> FormulaResult:
    """:func:`judge_steps`'s verdict, before it says whether the steps were handed mini-batches."""
    mine = [t for t in trajectories if t.kind == source and str(t.id) in results]
    if source == "step":   # a step() still blank
        blank = not_implemented("step", [None if results[str(t.id)]["thetas"] else results[str(t.id)].get("error")
                                         for t in mine], lang)
        if blank:
            blank.source = source
            return blank
    own_sigma = [t for t in mine if source == "chain" and t.sigma == "own"]
    main = [t for t in mine if t not in own_sigma]
    findings, failures, passed = [], [], []
    for traj in main + own_sigma:
        finding, failed_at = judge_trajectory(traj, results[str(traj.id)], lang, passed if traj in main else None)
        findings.append((traj, finding))
        if failed_at is not None and traj in main:
            failures.append((traj,) + failed_at)
    steps, largest = sum(t.steps for t in mine), verdict_diff([f for _, f in findings])
    bad = next(((t, f) for t, f in findings if f.status != "pass"), None)
    change, warning, own = step_changes(mine, results, largest, lang)
    bad = bad or own
    if bad is None:
        return FormulaResult("step", "pass", tr(lang, PASSED[source], steps=steps, cases=len(main)),
                             largest, calls=steps, source=source, warning=warning)
    traj, finding = bad
    blamed = tuple(broken) if source == "chain" else ()
    own = (", ".join(dict.fromkeys(traj.forward)) if traj.biases else "sigmoid") if traj in own_sigma else ""
    message, hint = (step_message(text, own, blamed, change, lang) if text else None
                     for text in (finding.message, finding.hint))
    # a chain that inherits a broken function's mistake is diagnosed there, not here
    named = diagnose_steps(failures, lang, tuple(passed)) if failures and not blamed else None
    named = named or (two_layers_only(findings, results, lang) if source == "step" else None)
    mistake, diagnosis = named or (None, None)
    return FormulaResult("step", finding.status, message, largest, finding.mismatch, diagnosis, mistake, None,
                         steps, source, finding.expected, finding.got, hint=hint, blamed=blamed, warning=warning,
                         outputs=tuple(part for t in mine for part in trajectory_outputs(results[str(t.id)])))


def step_message(message: str, own: str, blamed: tuple[str, ...], change: dict | None, lang: str) -> str:
    """A failing step's message, with why: only with the submission's own activations in the forward pass
    (``own`` names them: "sigmoid" for the lab's), a function already wrong, or — every function passing
    alone — the one that changed an argument in place."""
    if own == "sigmoid":
        return tr(lang, "{message} — only with your sigmoid in the forward pass (with NumPy's σ the chain agrees): "
                        "see sigmoid", message=message)
    if own:
        return tr(lang, "{message} — only with your {names} in the forward pass (with NumPy's the chain agrees): "
                        "see {names}", message=message, names=own)
    if blamed:
        return tr_n(lang, "{message} — expected, since {names} already failed on its own",
                    "{message} — expected, since {names} already failed on their own", len(blamed), message=message,
                    names=", ".join(blamed))
    if change:
        return tr(lang, "{message} — {function} changed its argument {argument} in place, and the chain used the "
                        "changed value", message=message, function=change["function"],
                  argument=change["argument"])
    return message


def trajectory_outputs(result: dict) -> tuple:
    """A trajectory as :func:`~mlp_harness.check.verdict.output_of` gives a call: every θ of every step in
    one array, then how it ended (("error", type, message), ("returned", what), ("skipped", function) or
    ("done",))."""
    thetas = [np.ravel(np.asarray(theta, dtype=np.float64)) for key in ("thetas", "biases")
              for step in result.get(key, []) for theta in step]
    values = np.concatenate(thetas) if thetas else np.zeros(0)
    end = (("error", result["error"]["type"], result["error"].get("message")) if "error" in result else
           ("returned", result["returned"]) if "returned" in result else
           ("skipped", result["skipped"]) if "skipped" in result else ("done",))
    return ("value", values), end
