"""What to ask of a submission: each of the lab's functions called on autograd's own inputs, and whole steps.

Every function gets the inputs autograd computed (so one wrong formula does not
cascade into the next) and is held to autograd's output for that formula:

============  ======================================  =====================================
function      called with (the lab's argument order)  must return (autograd / torch.optim)
============  ======================================  =====================================
sigmoid       z⁽ˡ⁾                                    a⁽ˡ⁾ = torch.sigmoid(z⁽ˡ⁾)
delta_L       a⁽ᴸ⁾, Y                                 δ⁽ᴸ⁾ = ∂J/∂z⁽ᴸ⁾
delta_l       δ⁽ˡ⁺¹⁾, θ⁽ˡ⁺¹⁾, a⁽ˡ⁾                    δ⁽ˡ⁾ = ∂J/∂z⁽ˡ⁾
gradient      δ⁽ˡ⁾, a⁽ˡ⁻¹⁾                            ∂J/∂θ⁽ˡ⁾
optimize      θ⁽ˡ⁾, ∂J/∂θ⁽ˡ⁾, η                       θ⁽ˡ⁾ after torch.optim.SGD's step
============  ======================================  =====================================

The calls come from each function's signature in the catalogue
(:mod:`mlp_harness.check.catalogue`), so an assignment other than the lab's
(:mod:`mlp_harness.check.assignment`) gets its own — on every batch of one epoch.

Then whole steps: the student's own ``step(X, Y, thetas, eta)`` (on the
two-layer cases), or else their functions chained into a step, run for several
steps; each step is held to the PyTorch twin's step *from the θ the student's
previous step produced*, so step k is judged on its own, as mlp-compare does.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from manual_mlp import StepRecord
from manual_mlp.batches import epoch_slices
from manual_mlp.validation import InputError

from ..i18n import _, tr
from .assignment import Assignment
from .catalogue import CATALOGUE, Batch, Signature
from .cases import HYPER, Case, in_float64, two_layer, varied_network, with_network
from .execute import encode
from .rounding import call_rule, step_limits, within

Array = np.ndarray

#: steps of the student's step() and of the chain of their functions, on each case
STEP_STEPS = 20
CHAIN_STEPS = 10
#: a network with biases: epochs of mini-batches its step() and chain run on each case (step k on batch k)
BATCH_EPOCHS = 2


@dataclass(frozen=True)
class Probe:
    """One call of one of the lab's functions, and autograd's answer."""

    id: int
    formula: str               # the function's name in the assignment: "sigmoid", "delta_L", "bias_gradient", …
    case: Case
    record: StepRecord         # autograd's step on the case (the numbers the inputs come from)
    layer: int
    args: tuple                # arrays and η, in the signature's argument order
    arg_names: tuple[str, ...]
    expected: Array
    target: str = ""           # the quantity the call computes, in the lab's symbols: 'δ⁽²⁾', '∂J/∂θ⁽¹⁾', …
    signature: str = ""        # its signature in the catalogue (mlp_harness.check.catalogue)
    batch: Batch | None = None   # the batch the inputs come from (targets, θ and b before the step)
    pick: int | None = None      # a function that returns several values: which one this probe judges (the
    #                              function is called once per value, with the same inputs)
    varied: str = ""             # an update's hyper-parameter ("eta", "mu", …) this call has at a second value,
    #                              to show a number written in its place ("": the assignment's settings)
    exact: Array | None = None   # a float32 assignment's: the exact answer (float64, from the same float32 inputs)…
    allowed: Array | None = None  # … and how far from it a right float32 function may be (see check.rounding);
    #                               None: the float64 rule, against ``expected``

    def label(self, lang: str) -> str:
        """The case as a message names it, and the mini-batch the call's inputs come from where the case has
        several: '3-4-3 (N = 10, η = 0.5), mini-batch 3 of 3 (N = 2)', so the N a formula divides by is seen."""
        count = len(self.case.batches_rows()) if self.batch is not None else 1
        if count == 1:
            return self.case.label
        return tr(lang, "{case}, mini-batch {number} of {count} (N = {size})", case=self.case.label,
                  number=self.batch.number, count=count, size=len(self.batch.X))

    @property
    def call_text(self) -> str:
        """'delta_l(δ⁽³⁾ (5, 2), θ⁽³⁾ (2, 5), a⁽²⁾ (5, 5))': the call, with the shapes passed."""
        shown = [f"{name} {tuple(np.shape(arg))}" if isinstance(arg, np.ndarray) else f"{name} = {arg:g}"
                 for name, arg in zip(self.arg_names, self.args)]
        return f"{self.formula}({', '.join(shown)})"


@dataclass(frozen=True)
class Trajectory:
    """Several steps on one case: of the student's step() ("step") or of their functions chained ("chain").

    With biases (``rows`` given) step k is on one mini-batch, the rows ``rows[k − 1]`` of X and Y, and takes
    and returns b as well as θ; the chain's forward pass is ``forward`` (hidden, output): the submission's
    own activations ("own") or NumPy's of those names ("reference")."""

    id: int
    kind: str          # "step" or "chain"
    case: Case
    sigma: str         # "reference" (NumPy's σ) or "own" (the student's sigmoid), for the chain's forward pass
    steps: int
    rows: tuple[slice, ...] = ()           # each step's batch (a network with biases); () is the lab's full batch
    forward: tuple[str, str] = ("sigmoid", "sigmoid")
    needs: tuple[str, ...] = ()            # the functions a chain with biases is made of

    @property
    def biases(self) -> bool:
        return bool(self.rows)

    def spec(self) -> dict:
        spec = {"id": self.id, "kind": self.kind, "sigma": self.sigma, "steps": self.steps,
                "X": encode(self.case.X), "Y": encode(self.case.Y), "thetas": encode(list(self.case.thetas)),
                "eta": self.case.eta}
        if not self.biases:
            return spec
        return spec | {"biases": encode(list(self.case.biases)), "forward": list(self.forward),
                       "rows": [[r.start, r.stop] for r in self.rows]} | (
                           {"needs": list(self.needs)} if self.kind == "chain" else {})


def batch_probes(functions: dict[str, Signature], batch: Batch, first_id: int, varied: str = "") -> list[Probe]:
    """Every call of the assignment's functions on one batch, from autograd's step on it."""
    probes = []
    for name, signature in functions.items():
        if signature.probe is None:
            continue
        for layer, args, arg_names, expected, target in signature.probe(batch):
            parts = enumerate(zip(expected, target)) if isinstance(expected, tuple) else [(None, (expected, target))]
            for pick, (answer, symbol) in parts:
                probes.append(Probe(first_id + len(probes), name, batch.case, batch.record, layer, args, arg_names,
                                    answer, symbol, signature.name, batch, pick, varied))
    return probes


@dataclass
class Plan:
    probes: list[Probe]
    trajectories: list[Trajectory]
    assignment: Assignment | None = None   # None: the lab's (lab1)

    @cached_property
    def ranks(self) -> list[int]:
        """Each probe's place in the order of the calls (see :func:`call_ranks`), computed once."""
        return call_ranks(self.probes)

    def task(self, functions: dict[str, str], limit: float | None) -> dict:
        """The worker's task (see :mod:`mlp_harness.check.execute`)."""
        names = {"names": list(self.assignment.functions)} if self.assignment else {}
        return names | {"functions": functions, "limit": limit,
                "probes": [{"id": p.id, "formula": p.formula, "layer": p.layer, "rank": rank,
                            "args": encode(list(p.args))} | picked(p) for p, rank in zip(self.probes, self.ranks)],
                "trajectories": [t.spec() for t in self.trajectories]}


def picked(probe: Probe) -> dict:
    """{"pick": i, "parts": n} for a probe of one of the n values a function returns, else {}."""
    if probe.pick is None:
        return {}
    return {"pick": probe.pick, "parts": len(CATALOGUE[probe.signature].parts)}


def array_key(value: Array) -> tuple:
    """An array's shape and float64 bytes: two arrays with one key hold the same numbers."""
    array = np.asarray(value, dtype=np.float64)
    return array.shape, array.tobytes()


def call_ranks(probes: list[Probe]) -> list[int]:
    """Each probe's rank: 0 when none of its inputs is another probe's autograd answer, else one more than the
    highest rank of the probes whose answer it is given (δ⁽ᴸ⁾ is delta_l's input, a⁽ˡ⁾ is σ's answer and
    delta_L's input, a batch's new θ is the next batch's input). Calls made in rank order never hand a process
    an answer before the call that must compute it has answered, whatever the assignment's functions are (the
    lab's order comes out: σ, δ⁽ᴸ⁾, δ⁽ˡ⁾ top-down, ∂J/∂θ, the updates). A call whose answer is one of its own
    inputs (momentum's first velocity, μ·0 + ∂J/∂θ) hides nothing and produces nothing: two such calls would
    otherwise be each other's producers whenever their answers agree (two values of μ). Inputs that are answers
    of each other (a cycle, which no order can serve) stop after one round per probe."""
    producers: dict[tuple, list[int]] = {}
    for i, probe in enumerate(probes):
        key = array_key(probe.expected)
        if all(array_key(arg) != key for arg in probe.args if isinstance(arg, np.ndarray)):
            producers.setdefault(key, []).append(i)
    given = [{j for arg in probe.args if isinstance(arg, np.ndarray) for j in producers.get(array_key(arg), ())
              if j != i} for i, probe in enumerate(probes)]
    ranks = [0] * len(probes)
    for _ in probes:
        new = [max((ranks[j] + 1 for j in sources), default=0) for sources in given]
        if new == ranks:
            break
        ranks = new
    return ranks


def hyper_variants(cases: list[Case], assignment: Assignment, groups) -> list[tuple]:
    """(hyper-parameter, the network with it at a second value, the label's words, the updates that take it)
    for every hyper-parameter of an update the cases hold at one value: a number written in the function in
    its place (``return theta - 0.5 * grad``, a module's ETA, momentum's 0.9) then fails on those calls — made
    on the case of the most batches, where the state's formulas show —, whose answers are torch.optim's with
    that value. η already varying over the cases (lab1's) needs no more."""
    variants = []
    for network, functions in groups:
        updates = {n: s for n, s in functions.items() if s.kind == "update"}
        etas = {c.eta for c in cases} if network is assignment.network else {network.lr}
        for arg in HYPER:
            taking = {n: s for n, s in updates.items() if arg in (a.name for a in s.args)}
            if taking and not (arg == "eta" and len(etas) > 1):
                varied, shown = varied_network(network, arg, etas if arg == "eta" else set())
                variants.append((arg, varied, shown, taking))
    return variants


def make_plan(cases: list[Case], assignment: Assignment) -> Plan:
    """Autograd's steps on every case, the probes built from them, and the trajectories to run (the lab's
    ``step()`` and chain, for an assignment whose network is the lab's and whose functions carry the lab's names)."""
    probes: list[Probe] = []
    groups: dict[int, tuple] = {}   # the functions checked with each optimizer (a function may have its own)
    for name, signature in assignment.functions.items():
        network = assignment.network_for(name)
        groups.setdefault(id(network), (network, {}))[1][name] = signature
    for case in cases:
        for network, functions in groups.values():
            variant = case if network is assignment.network else with_network(case, network)
            for batch in variant.batches():
                probes += batch_probes(functions, batch, len(probes))
    longest = max(cases, key=lambda c: len(c.batches_rows()), default=None)   # the most steps: the state shows
    for arg, network, shown, functions in hyper_variants(cases, assignment, groups.values()):
        for batch in with_network(longest, network, shown).batches():
            probes += batch_probes(functions, batch, len(probes), arg)
    refuse_non_finite(probes, assignment)
    if assignment.network.dtype == "float32":   # each call held to its own bound: see check.rounding
        probes = refuse_unsound([bounded(p) for p in probes], assignment)
    runs = []
    if "step" in assignment.functions and assignment.functions["step"].name == "step":
        runs += [("step", case, "own", STEP_STEPS) for case in two_layer(cases)]
    if assignment.chains:
        runs += [("chain", case, sigma, CHAIN_STEPS) for sigma in ("reference", "own") for case in cases]
    trajectories = [Trajectory(i, *run) for i, run in enumerate(runs)]
    trajectories += batch_trajectories(cases, assignment, len(trajectories))
    if assignment.network.dtype == "float32":
        refuse_unsound_steps(trajectories, assignment)
    return Plan(probes, trajectories, assignment)


def refuse_non_finite(probes: list[Probe], assignment: Assignment) -> None:
    """InputError (one line) when autograd's own answer to a call is not finite: a teacher's settings that overflow
    (x_scale, η, μ near the largest float) leave nothing to hold a submission to, and a right one would fail."""
    with np.errstate(all="ignore"):
        bad = next((p for p in probes if not np.all(np.isfinite(np.asarray(p.expected, dtype=np.float64)))), None)
    if bad is not None:
        raise InputError(_("--assignment {name}: autograd's own answer to {call} on case {case} is not finite: the "
                           "assignment's numbers overflow there (x_scale, lr, momentum…); make them "
                           "smaller").format(name=assignment.name, call=bad.call_text, case=bad.case.name))


def bounded(probe: Probe) -> Probe:
    """A float32 assignment's call with its exact answer and its rounding-error bound (:mod:`.rounding`)."""
    exact, allowed = call_rule(probe.signature, probe.args, probe.pick)
    return replace(probe, exact=exact, allowed=allowed)


def refuse_unsound(probes: list[Probe], assignment: Assignment) -> list[Probe]:
    """``probes``, or InputError (one line) when torch's own float32 answer to a call is not within the call's
    bound of the exact answer: the bound would not hold a right float32 function either, and no call is judged
    by it (it never happens on the built-in assignments' float32 versions, tests/test_float32.py)."""
    bad = next((p for p in probes if not np.all(within(p.exact, p.allowed, np.asarray(p.expected, np.float64)))),
               None)
    if bad is not None:
        raise InputError(_("--assignment {name}: autograd's own float32 answer to {call} on case {case} is not "
                           "within float32's rounding-error bound of the exact answer: this call cannot be "
                           "checked in float32").format(name=assignment.name, call=bad.call_text,
                                                       case=bad.case.name))
    return probes


def refuse_unsound_steps(trajectories: list[Trajectory], assignment: Assignment) -> None:
    """InputError (one line) when torch's own float32 step from a case's θ (and b), on its first batch, is not
    within the step's bound E (:func:`mlp_harness.check.rounding.step_limits`) of the exact step — the same step
    in float64 from the same float32 numbers — in some new θ⁽ˡ⁾ or b⁽ˡ⁾, or E is not finite there: the bound
    would not hold a right float32 step either, and no step is judged by it (it never happens on the built-in
    assignments' float32 versions, tests/test_float32_steps.py)."""
    for case in {id(t.case): t.case for t in trajectories}.values():
        rows = next(t.rows[0] if t.biases else slice(None) for t in trajectories if t.case is case)
        record = case.autograd_step(rows=rows)
        exact = in_float64(case).autograd_step(rows=rows)
        limits = step_limits(case.config, record, list(case.thetas), None if case.biases is None else
                             list(case.biases), case.Y[rows])
        pairs = [("theta", l, t, e) for l, (t, e) in enumerate(zip(record.thetas, exact.thetas), start=1)] + \
            [("b", l, b, e) for l, (b, e) in enumerate(zip(record.biases or [], exact.biases or []), start=1)]
        if not all(np.all(within(e, limits.bounds[kind, l], np.asarray(value, np.float64)) &
                          np.isfinite(limits.bounds[kind, l])) for kind, l, value, e in pairs):
            raise InputError(_("--assignment {name}: autograd's own float32 step on case {case} is not within "
                               "float32's rounding-error bound of the exact step: whole steps cannot be checked in "
                               "float32 there").format(name=assignment.name, case=case.name))


def epochs_of(case: Case) -> tuple[slice, ...]:
    """The batches of BATCH_EPOCHS epochs, in the fixed order: step k is on batch k."""
    return tuple(epoch_slices(len(case.X), case.batch_size)) * BATCH_EPOCHS


def batch_trajectories(cases: list[Case], assignment: Assignment, first_id: int) -> list[Trajectory]:
    """A network with biases: the student's step(X, Y, thetas, biases, eta) on every case, or else their
    functions chained into one (with NumPy's activations, then with their own when the assignment asks for
    them), each for BATCH_EPOCHS epochs of mini-batches."""
    runs = []
    net = assignment.network
    reference = (net.activation, net.output_activation)
    if "step" in assignment.functions and assignment.functions["step"].name == "step_biases":
        runs += [("step", case, "own", reference) for case in cases]
    if assignment.bias_chain:
        own = assignment.forward_names()
        runs += [("chain", case, sigma, forward) for sigma, forward in (("reference", reference), ("own", own))
                 if forward is not None for case in cases]
    return [Trajectory(first_id + i, kind, case, sigma, len(epochs_of(case)), epochs_of(case), forward,
                       assignment.bias_chain) for i, (kind, case, sigma, forward) in enumerate(runs)]
