"""``mlp-compare --explain``: each row's formula for one entry, with the NumPy twin's own numbers in place.

For every quantity of a step the explanation takes **entry [0, 0]** — the first
sample and the first unit of z, a and δ; the weight from input unit 0 to unit 0
for θ and ∂J/∂θ and their optimizer state; entry [0] of b and ∂J/∂b; J is
written out whole — and prints

    BP1 output error: δ⁽²⁾[0, 0] = (a⁽²⁾ − y) · a⁽²⁾ · (1 − a⁽²⁾) = (0.60547144 − 0.7) · … = −0.02258058

the formula in symbols, the same formula with the numbers of the NumPy step
record (and of the weights, targets and optimizer state the step started from),
and the value those numbers give. Each line is tagged with where its formula
comes from: forward, loss, BP1 (output error δ⁽ᴸ⁾), BP2 (hidden error δ⁽ˡ⁾),
BP3 (∂J/∂b⁽ˡ⁾), BP4 (∂J/∂θ⁽ˡ⁾), update and optimizer state.

The value is evaluated from the substituted numbers, independently of the
NumPy code; where it differs from the record's entry beyond the run's tolerance
(a broken network from ``--inject-bug``), the line says so: ``≠ NumPy …  ✗``.

Explanations are given when every matrix of the step has at most
:data:`EXPLAIN_LIMIT` entries — then the table prints each one whole, and every
substituted number can be found in it.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from manual_mlp import MLP, Optimizer, StepRecord, get_loss
from manual_mlp.losses import BCE_GRAD_EPS, BCE_LOG_FLOOR, targets_matrix
from manual_mlp.validation import sup

from ..verify.compare import QuantityDiff, quantity_label
from .expression import (ATOM, NUMBERS, SYMBOLS, Call, Expr, Max, Num, Positive, Pow, Square, Style, WherePositive,
                         const, format_number, total)
from ..i18n import N_, tr, tr_n
from ..verify.run import RunConfig
from ..verify.table import WHOLE_MATRIX_LIMIT
from ..verify.tolerance import Tolerance

Array = np.ndarray
Index = tuple[int, ...]

#: a step is explained when each of its matrices has at most this many entries (the table prints them whole)
EXPLAIN_LIMIT = WHOLE_MATRIX_LIMIT
#: tags of the formulas, in the order the math flows
TAGS = ("forward", "loss", "BP1", "BP2", "BP3", "BP4", "update", "state")
FIRST = (0, 0)

#: the tag that names each row's step of the algorithm
TAGS = {"forward": N_("forward pass"), "loss": N_("loss"), "BP1": N_("BP1 output error"), "BP2": N_(
    "BP2 hidden error"), "BP3": N_("BP3 bias gradient"), "BP4": N_("BP4 weight gradient"), "update": N_("update"),
        "state": N_("optimizer state")}


@dataclass
class StepInputs:
    """What a step started from, beside its record: targets, weights and optimizer state before the update."""

    step: int
    Y: Array                                     # (N, n_L) targets (class labels already one-hot)
    thetas: list[Array]                          # θ⁽ˡ⁾ before the update
    biases: list[Array] | None
    state: dict[str, dict[str, list[Array]]]     # optimizer state before the update (empty on the first step)
    t: int                                       # the optimizer's step count in this step, 1 on the first


class StepRecorder:
    """Stands in for the NumPy network in :func:`mlp_harness.run_comparison` and keeps, for step 1 and the
    latest step, what the step started from and its record; everything else is the network's own."""

    def __init__(self, net: MLP):
        self.net = net
        self.steps: dict[int, tuple[StepInputs, StepRecord]] = {}

    def train_step(self, X: Array, Y: Array, optimizer: Optimizer, loss="half_sse", step: int = 1) -> StepRecord:
        net = self.net
        before = StepInputs(step, targets_matrix(np.asarray(Y), net.sizes[-1], net.dtype),
                            [theta.copy() for theta in net.thetas],
                            None if net.biases is None else [b.copy() for b in net.biases],
                            copy.deepcopy(optimizer.state), optimizer.t + 1)
        record = net.train_step(X, Y, optimizer, loss, step)
        self.steps = {k: v for k, v in self.steps.items() if k == 1} | {step: (before, record)}
        return record

    def __getattr__(self, name):
        return getattr(self.net, name)


@dataclass(frozen=True)
class Explanation:
    tag: str                  # one of TAGS
    target: str               # e.g. "δ⁽²⁾[0, 0]"
    expr: Expr
    recorded: float           # the record's entry (NumPy twin)
    update: bool = False      # written "←" rather than "="

    @property
    def value(self) -> float:
        return self.expr.value()

    def agrees(self, tolerance: Tolerance) -> bool:
        """The formula's value equals the record's entry within the run's tolerance; in a diverged step
        (inf or NaN in the record) it must give the same non-finite value."""
        value, recorded = self.value, self.recorded
        if not (np.isfinite(value) and np.isfinite(recorded)):
            return value == recorded or (np.isnan(value) and np.isnan(recorded))
        return bool(tolerance.allows(np.asarray(value), np.asarray(recorded)))

    def line(self, lang: str = "en", tolerance: Tolerance | None = None) -> str:
        """'tag: target = formula = numbers = value', and '≠ NumPy …  ✗' where the record differs."""
        parts = [self.expr.text(SYMBOLS)]
        numbers, value = self.expr.text(numbers_in(lang)), format_number(self.value)
        parts += [p for p in (numbers, value) if p != parts[-1]]
        text = f"{tr(lang, TAGS[self.tag])}: {self.target} {'←' if self.update else '='} " + " = ".join(parts)
        if tolerance is not None and not self.agrees(tolerance):
            text += f"  ≠ NumPy {format_number(self.recorded)}  ✗"
        return text


def numbers_in(lang: str) -> Style:
    """The formula with numbers, a sum cut short saying its number of terms in ``lang``: '… (4 termos)'."""
    return replace(NUMBERS, count=lambda n: tr_n(lang, "({count} term)", "({count} terms)", n, count=n))


@dataclass
class Context:
    """One step: the run's settings, what the step started from, and its NumPy record."""

    config: RunConfig
    before: StepInputs
    record: StepRecord

    @property
    def L(self) -> int:
        return self.record.depth

    def rec(self, quantity: str, layer: int | None, index: Index, symbol: str) -> Num:
        """An entry of the step record."""
        if "(" in quantity:   # optimizer state, e.g. "exp_avg(theta)"
            value = _state(self.record.optimizer_state, quantity, layer)
        else:
            value = self.record.get(quantity, layer)
        return Num(float(value[index]), symbol, ("record", quantity, layer, index))

    def old(self, kind: str, layer: int, index: Index, symbol: str) -> Num:
        """An entry of θ, b (kind "theta", "b") or an optimizer state (e.g. "exp_avg(theta)") before the step."""
        if kind in ("theta", "b"):
            value = (self.before.thetas if kind == "theta" else self.before.biases)[layer - 1][index]
        else:
            previous = _state(self.before.state, kind, layer)
            value = 0.0 if previous is None else previous[index]   # moments start at zero (torch's too)
        return Num(float(value), symbol, ("before", kind, layer, index))

    def y(self, index: Index) -> Num:
        return Num(float(self.before.Y[index]), "y", ("batch", "Y", index))

    def setting(self, name: str, value: float, symbol: str) -> Num:
        return Num(float(value), symbol, ("setting", name))


def _state(states: dict[str, dict[str, list[Array]]], quantity: str, layer: int) -> Array | None:
    """Optimizer state "name(kind)" of layer 1…L, in an optimizer's state layout (None when there is none yet)."""
    name, _, kind = quantity.partition("(")
    per_layer = states.get(name, {}).get(kind.rstrip(")"), [])
    return per_layer[layer - 1] if layer <= len(per_layer) else None


def product(factors: list[Expr]) -> Expr:
    out = factors[0]
    for factor in factors[1:]:
        out = out * factor
    return out


# --- forward pass and loss --------------------------------------------------------------------------

def previous(l: int) -> str:
    return "X" if l == 1 else f"a{sup(l - 1)}"


def explain_z(ctx: Context, l: int) -> Explanation:
    """z⁽ˡ⁾[0, 0] = Σₖ a⁽ˡ⁻¹⁾[0, k]·θ⁽ˡ⁾[0, k] (+ b⁽ˡ⁾[0])."""
    theta = ctx.before.thetas[l - 1]
    terms = [ctx.rec("a", l - 1, (0, k), f"{previous(l)}[0, {k}]") * ctx.old("theta", l, (0, k), f"θ{sup(l)}[0, {k}]")
             for k in range(theta.shape[1])]
    expr: Expr = total(terms, f"Σₖ {previous(l)}[0, k]·θ{sup(l)}[0, k]")
    if ctx.before.biases is not None:
        expr = expr + ctx.old("b", l, (0,), f"b{sup(l)}")
    return Explanation("forward", f"z{sup(l)}[0, 0]", expr, float(ctx.record.zs[l - 1][FIRST]))


def softmax_entry(ctx: Context, l: int, n: int, j: int) -> Expr:
    """softmax(z⁽ˡ⁾)[n, j] = exp(z[n, j] − m) / Σₖ exp(z[n, k] − m), m = maxₖ z[n, k]: the row's max taken out,
    as the twins and torch compute it, so that no exp overflows where z is large (exp(710) is ∞ in float64)."""
    z = lambda k: ctx.rec("z", l, (n, k), f"z{sup(l)}" if k == j else f"z{sup(l)}[{n}, {k}]")  # noqa: E731
    width, m = ctx.record.zs[l - 1].shape[1], row_max(ctx, l, n)
    shifted = lambda k: Call("exp", z(k) - m)  # noqa: E731
    return shifted(j) / total([shifted(k) for k in range(width)], f"Σₖ exp(z{sup(l)}[{n}, k] − {m.symbol})", ATOM)


def row_max(ctx: Context, l: int, n: int) -> Num:
    """maxₖ z⁽ˡ⁾[n, k], the number softmax and log-softmax take out of row n before any exp."""
    return Num(float(ctx.record.zs[l - 1][n].max()), f"maxₖ z{sup(l)}[{n}, k]")


def activation_expr(ctx: Context, l: int, at: Index = FIRST) -> Expr:
    """f(z⁽ˡ⁾[n, j]) for the layer's activation."""
    name = ctx.config.output_activation if l == ctx.L else ctx.config.activation
    z = ctx.rec("z", l, at, f"z{sup(l)}")
    if name == "softmax":
        return softmax_entry(ctx, l, *at)
    return {"sigmoid": lambda: const(1) / (const(1) + Call("exp", -z)),
            "tanh": lambda: Call("tanh", z),
            "relu": lambda: Max(z, const(0)),
            "leaky_relu": lambda: WherePositive(z, z, const(0.01) * z),
            "identity": lambda: z}[name]()


def explain_a(ctx: Context, l: int, at: Index = FIRST) -> Explanation:
    return Explanation("forward", f"a{sup(l)}{list(at)}", activation_expr(ctx, l, at),
                       float(ctx.record.activations[l][at]))


def log_output(ctx: Context, n: int, j: int) -> Expr:
    """log softmax(z⁽ᴸ⁾)[n, j]: log a⁽ᴸ⁾ with a softmax output, else z − m − log Σₖ exp(z − m) from the logits,
    m = maxₖ z[n, k] (taken out so that no exp overflows, as torch's log_softmax does)."""
    L = ctx.L
    if ctx.config.output_activation == "softmax":
        return Call("log", ctx.rec("a", L, (n, j), f"a{sup(L)}"))
    width = ctx.record.zs[-1].shape[1]
    z = lambda k: ctx.rec("z", L, (n, k), f"z{sup(L)}")  # noqa: E731
    m = row_max(ctx, L, n)
    return z(j) - m - Call("log", total([Call("exp", z(k) - m) for k in range(width)],
                                        f"Σₖ exp(z{sup(L)}[n, k] − {m.symbol})"))


def clamped_log(x: Expr) -> Expr:
    """log x, clamped at −100 as nn.BCELoss does (the clamp is written only where it acts)."""
    log = Call("log", x)
    return Max(log, const(BCE_LOG_FLOOR)) if not log.value() >= BCE_LOG_FLOOR else log


def loss_terms(ctx: Context) -> tuple[list[Expr], str]:
    """The terms J sums over every sample n and output j, and how Σ of them is written."""
    L, (N, width) = ctx.L, ctx.before.Y.shape
    entries = [(n, j) for n in range(N) for j in range(width)]
    a = lambda n, j: ctx.rec("a", L, (n, j), f"a{sup(L)}")  # noqa: E731
    name = ctx.config.loss
    if name in ("half_sse", "mse"):
        return [Square(ctx.y((n, j)) - a(n, j)) for n, j in entries], f"Σ (y − a{sup(L)})²"
    if name == "bce":
        return ([ctx.y((n, j)) * clamped_log(a(n, j)) + (const(1) - ctx.y((n, j))) * clamped_log(const(1) - a(n, j))
                 for n, j in entries], f"Σ [y log a{sup(L)} + (1 − y) log(1 − a{sup(L)})]")
    return [ctx.y((n, j)) * log_output(ctx, n, j) for n, j in entries], f"Σ y log softmax(z{sup(L)})"


def explain_loss(ctx: Context) -> Explanation:
    """J, written out whole: ½Σ(y − a)², Σ(y − a)²/(N·n), −Σ[y log a + (1 − y) log(1 − a)]/(N·n) or
    −Σ y log softmax(z)/N."""
    terms, symbol = loss_terms(ctx)
    sum_ = total(terms, symbol, ATOM)   # "½ · Σ (y − a)²": the Σ written bare
    N, width = ctx.before.Y.shape
    expr = {"half_sse": lambda: const(0.5, "½") * sum_,
            "mse": lambda: sum_ / const(N * width, "(N·n)"),
            "bce": lambda: -sum_ / const(N * width, "(N·n)"),
            "cross_entropy": lambda: -sum_ / const(N, "N")}[ctx.config.loss]()
    return Explanation("loss", "J", expr, float(ctx.record.loss))


# --- backward pass: BP1 to BP4 ----------------------------------------------------------------------

def fprime_factors(ctx: Context, l: int, at: Index = FIRST) -> list[Expr]:
    """f′(z⁽ˡ⁾[n, j]) as factors: σ: a · (1 − a); tanh: 1 − a²; relu: [z > 0]; leaky: 1 or 0.01; identity: 1."""
    name = ctx.config.output_activation if l == ctx.L else ctx.config.activation
    a, z = ctx.rec("a", l, at, f"a{sup(l)}"), ctx.rec("z", l, at, f"z{sup(l)}")
    return {"sigmoid": lambda: [a, const(1) - a],
            "tanh": lambda: [const(1) - Square(a)],
            "relu": lambda: [Positive(z)],
            "leaky_relu": lambda: [WherePositive(z, const(1), const(0.01))],
            "identity": lambda: [const(1)]}[name]()


def loss_gradient(ctx: Context, at: Index = FIRST) -> Expr:
    """∂J/∂a⁽ᴸ⁾[n, j]: a − y; 2(a − y)/(N·n); (a − y)/(a(1 − a)·N·n), a(1 − a) kept ≥ 1e-12 as torch does."""
    L, (N, width) = ctx.L, ctx.before.Y.shape
    a, y = ctx.rec("a", L, at, f"a{sup(L)}"), ctx.y(at)
    if ctx.config.loss == "half_sse":
        return a - y
    if ctx.config.loss == "mse":
        return const(2) * (a - y) / const(N * width, "(N·n)")
    variance = a * (const(1) - a)
    if not variance.value() >= BCE_GRAD_EPS:
        variance = Max(variance, const(BCE_GRAD_EPS))
    return (a - y) / (variance * const(N * width, "(N·n)"))


def explain_output_delta(ctx: Context, at: Index = FIRST) -> Explanation:
    """BP1: δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾), or (softmax(z⁽ᴸ⁾) − y)/N for cross-entropy on the logits."""
    L, (n, _) = ctx.L, at
    if get_loss(ctx.config.loss).on_logits:
        a = (ctx.rec("a", L, at, f"a{sup(L)}") if ctx.config.output_activation == "softmax"
             else softmax_entry(ctx, L, *at))
        row = ctx.before.Y[n]
        if row.sum() != 1:   # targets that are not probabilities: torch's (softmax(z)·Σⱼyⱼ − y)/N
            a = a * total([ctx.y((n, j)) for j in range(row.size)], f"Σⱼ y[{n}, j]")
        expr = (a - ctx.y(at)) / const(ctx.before.Y.shape[0], "N")
    else:
        expr = product([loss_gradient(ctx, at)] + fprime_factors(ctx, L, at))
    return Explanation("BP1", f"δ{sup(L)}{list(at)}", expr, float(ctx.record.deltas[-1][at]))


def explain_hidden_delta(ctx: Context, l: int, at: Index = FIRST) -> Explanation:
    """BP2: δ⁽ˡ⁾[n, j] = (Σₖ δ⁽ˡ⁺¹⁾[n, k]·θ⁽ˡ⁺¹⁾[k, j]) · f′(z⁽ˡ⁾[n, j]), with θ⁽ˡ⁺¹⁾ before its update."""
    width, (n, j) = ctx.record.deltas[l].shape[1], at
    terms = [ctx.rec("delta", l + 1, (n, k), f"δ{sup(l + 1)}[{n}, {k}]") *
             ctx.old("theta", l + 1, (k, j), f"θ{sup(l + 1)}[{k}, {j}]") for k in range(width)]
    carried = total(terms, f"Σₖ δ{sup(l + 1)}[{n}, k]·θ{sup(l + 1)}[k, {j}]")
    return Explanation("BP2", f"δ{sup(l)}{list(at)}", product([carried] + fprime_factors(ctx, l, at)),
                       float(ctx.record.deltas[l - 1][at]))


def explain_grad_theta(ctx: Context, l: int, at: Index = FIRST) -> Explanation:
    """BP4: ∂J/∂θ⁽ˡ⁾[j, k] = Σₙ δ⁽ˡ⁾[n, j]·a⁽ˡ⁻¹⁾[n, k]."""
    N, (j, k) = ctx.record.deltas[l - 1].shape[0], at
    terms = [ctx.rec("delta", l, (n, j), f"δ{sup(l)}[{n}, {j}]") *
             ctx.rec("a", l - 1, (n, k), f"{previous(l)}[{n}, {k}]") for n in range(N)]
    expr = total(terms, f"Σₙ δ{sup(l)}[n, {j}]·{previous(l)}[n, {k}]")
    return Explanation("BP4", f"∂J/∂θ{sup(l)}{list(at)}", expr, float(ctx.record.nabla_thetas[l - 1][at]))


def explain_grad_b(ctx: Context, l: int, at: Index = (0,)) -> Explanation:
    """BP3: ∂J/∂b⁽ˡ⁾[j] = Σₙ δ⁽ˡ⁾[n, j] (j = 0 unless ``at`` says)."""
    N, j = ctx.record.deltas[l - 1].shape[0], at[0]
    expr = total([ctx.rec("delta", l, (n, j), f"δ{sup(l)}[{n}, {j}]") for n in range(N)], f"Σₙ δ{sup(l)}[n, {j}]")
    return Explanation("BP3", f"∂J/∂b{sup(l)}[{j}]", expr, float(ctx.record.nabla_biases[l - 1][(j,)]))


# --- update and optimizer state ---------------------------------------------------------------------

def entry_of(kind: str) -> Index:
    return FIRST if kind == "theta" else (0,)


def names(kind: str, l: int) -> tuple[str, str]:
    """(parameter symbol, gradient symbol): ("θ⁽ˡ⁾", "∂J/∂θ⁽ˡ⁾") or ("b⁽ˡ⁾", "∂J/∂b⁽ˡ⁾")."""
    symbol = f"{'θ' if kind == 'theta' else 'b'}{sup(l)}"
    return symbol, f"∂J/∂{symbol}"


def gradient(ctx: Context, kind: str, l: int, at: Index | None = None) -> Expr:
    """g = ∂J/∂θ, plus λθ when the weight decay is coupled (sgd, adam), as torch.optim adds it."""
    symbol, grad_symbol = names(kind, l)
    index = entry_of(kind) if at is None else at
    g: Expr = ctx.rec("grad_theta" if kind == "theta" else "grad_b", l, index, grad_symbol)
    settings = ctx.config.optimizer_settings
    if settings.decay and settings.name in ("sgd", "adam"):
        g = g + ctx.setting("weight_decay", settings.decay, "λ") * ctx.old(kind, l, index, symbol)
    return g


def state_symbol(state: str, kind: str, l: int) -> str:
    return quantity_label(f"{state}({kind})", l)


def sgd_update(ctx: Context, kind: str, l: int, at: Index | None = None) -> Expr:
    """θ − η·g; with momentum θ − η·buf, or θ − η·(g + μ·buf) with Nesterov's."""
    s, index = ctx.config.optimizer_settings, entry_of(kind) if at is None else at
    theta, eta = ctx.old(kind, l, index, names(kind, l)[0]), ctx.setting("lr", s.lr, "η")
    if not s.momentum:
        return theta - eta * gradient(ctx, kind, l, index)
    buf = ctx.rec(f"momentum_buffer({kind})", l, index, state_symbol("momentum_buffer", kind, l))
    if s.nesterov:
        return theta - eta * (gradient(ctx, kind, l) + ctx.setting("momentum", s.momentum, "μ") * buf)
    return theta - eta * buf


def adam_update(ctx: Context, kind: str, l: int) -> Expr:
    """θ − η/(1 − β₁ᵗ) · (m / (√v / √(1 − β₂ᵗ) + ε)) in torch's order; AdamW first scales θ by (1 − ηλ)."""
    s, index = ctx.config.optimizer_settings, entry_of(kind)
    theta, eta = ctx.old(kind, l, index, names(kind, l)[0]), ctx.setting("lr", s.lr, "η")
    beta1, beta2 = ctx.setting("beta1", s.betas[0], "β₁"), ctx.setting("beta2", s.betas[1], "β₂")
    t = ctx.setting("t", ctx.before.t, "t")
    m = ctx.rec(f"exp_avg({kind})", l, index, state_symbol("exp_avg", kind, l))
    v = ctx.rec(f"exp_avg_sq({kind})", l, index, state_symbol("exp_avg_sq", kind, l))
    if s.name == "adamw" and s.decay:
        theta = theta * (const(1) - eta * ctx.setting("weight_decay", s.decay, "λ"))
    denominator = Call("√", v) / Call("√", const(1) - Pow(beta2, t)) + ctx.setting("eps", s.eps, "ε")
    return theta - eta / (const(1) - Pow(beta1, t)) * (m / denominator)


def explain_update(ctx: Context, kind: str, l: int, at: Index | None = None) -> Explanation:
    """θ⁽ˡ⁾ or b⁽ˡ⁾ after the step, at entry ``at`` (plain gradient descent) or [0, 0] / [0] (any optimizer)."""
    if ctx.config.optimizer == "sgd" and not ctx.config.momentum:
        expr = sgd_update(ctx, kind, l, at)
    else:
        at = None   # momentum and Adam are written out for the first entry only
        expr = sgd_update(ctx, kind, l) if ctx.config.optimizer == "sgd" else adam_update(ctx, kind, l)
    new = (ctx.record.thetas if kind == "theta" else ctx.record.biases)[l - 1]
    index = entry_of(kind) if at is None else at
    return Explanation("update", f"{names(kind, l)[0]}{list(index)}", expr, float(new[index]), update=True)


def explain_state(ctx: Context, quantity: str, l: int) -> Explanation:
    """buf ← g (first step) or μ·buf + g; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g² (from zero at first)."""
    state, _, kind = quantity.rstrip(")").partition("(")
    s, index, symbol = ctx.config.optimizer_settings, entry_of(kind), state_symbol(state, kind, l)
    old, g = ctx.old(quantity, l, index, symbol), gradient(ctx, kind, l)
    if state == "momentum_buffer":
        first = _state(ctx.before.state, quantity, l) is None   # torch starts the buffer at g itself, not at μ·0 + g
        expr = g if first else ctx.setting("momentum", s.momentum, "μ") * old + g
    else:
        beta = ctx.setting(*(("beta1", s.betas[0], "β₁") if state == "exp_avg" else ("beta2", s.betas[1], "β₂")))
        expr = beta * old + (const(1) - beta) * (g if state == "exp_avg" else Square(g))
    recorded = float(_state(ctx.record.optimizer_state, quantity, l)[index])
    return Explanation("state", f"{symbol}{list(index)}", expr, recorded, update=True)


# --- the step ---------------------------------------------------------------------------------------

def explain_quantity(ctx: Context, quantity: str, layer: int | None) -> Explanation:
    if quantity == "loss":
        return explain_loss(ctx)
    if quantity == "delta":
        return explain_output_delta(ctx) if layer == ctx.L else explain_hidden_delta(ctx, layer)
    builders: dict[str, Callable[[Context, int], Explanation]] = {
        "z": explain_z, "a": explain_a, "grad_theta": explain_grad_theta, "grad_b": explain_grad_b,
        "theta": lambda c, l: explain_update(c, "theta", l), "b": lambda c, l: explain_update(c, "b", l)}
    if quantity in builders:
        return builders[quantity](ctx, layer)
    return explain_state(ctx, quantity, layer)


def explain_step(config: RunConfig, before: StepInputs,
                 record: StepRecord) -> dict[tuple[str, int | None], Explanation]:
    """An explanation for every quantity of the step, keyed like the table's rows: (quantity, layer)."""
    ctx = Context(config, before, record)
    return {(quantity, layer): explain_quantity(ctx, quantity, layer) for quantity, layer, _ in record.quantities()}


def too_big(before: StepInputs, record: StepRecord, limit: int = EXPLAIN_LIMIT, lang: str = "en") -> str | None:
    """Why the step is too big to explain (the first matrix with more than ``limit`` entries), or None."""
    arrays = [("X", record.activations[0]), ("Y", before.Y)]
    arrays += [(quantity_label(q, l), np.asarray(v)) for q, l, v in record.quantities()]
    for label, value in arrays:
        if value.size > limit:
            return tr(lang, "{label} has {size} entries (shape {shape})", label=label, size=value.size,
                      shape=value.shape)
    return None


def explanation_notes(recorder: StepRecorder, config: RunConfig, lang: str = "en"
                      ) -> tuple[list[str], Callable[[int, QuantityDiff], list[str]] | None]:
    """(lines to print before the table, the table's per-row hook) for the steps the recorder kept."""
    first_inputs, first_record = recorder.steps[1]
    reason = too_big(first_inputs, first_record, lang=lang)
    if reason:
        return [tr(lang, "--explain: not shown, the network is too big to follow by hand: {reason}; explanations "
                         "need every matrix to have at most {limit} entries, so that the table prints each one "
                         "whole (use fewer samples with --batch-size, or smaller --layers)", reason=reason,
                   limit=EXPLAIN_LIMIT)], None
    explained = {step: explain_step(config, *kept) for step, kept in recorder.steps.items()}
    tolerance = config.fixed_tolerance   # a formula's entry against the record: the same twin, another order

    def notes(step: int, diff: QuantityDiff) -> list[str]:
        explanation = explained.get(step, {}).get((diff.quantity, diff.layer))
        return [] if explanation is None else ["  ↳ " + explanation.line(lang, tolerance)]
    return [tr(lang, "--explain: under each row, its formula for entry [0, 0] (first sample, first unit; [0] of b; "
                     "J whole), with the NumPy twin's numbers in place")], notes
