"""The catalogue of formula signatures: every function an assignment may ask for, and how to probe it.

An assignment (:mod:`mlp_harness.check.assignment`) names its functions by a
signature of this catalogue. A signature says what the function is called
with and what it must return (names, symbols, shapes), the formula it
computes (the same symbols in every language, its words under ``sig_NAME`` in
:mod:`mlp_harness.i18n`), which networks it fits, and how to probe it: from
one autograd step of the PyTorch twin on one batch (a :class:`Batch`), the
calls to make — each with autograd's own inputs, so one wrong formula never
cascades into the next — and autograd's answer to each.

Conventions, as in the lab: θ⁽ˡ⁾ is (nₗ, nₗ₋₁), b⁽ˡ⁾ is (nₗ,), z⁽ˡ⁾ and a⁽ˡ⁾
are (N, nₗ) for a batch of N samples, δ⁽ˡ⁾ = ∂J/∂z⁽ˡ⁾. A derivative is taken
*with respect to z* and is written "in a" (given a⁽ˡ⁾ = f(z⁽ˡ⁾)) or "in z"
(given z⁽ˡ⁾), as its signature states. A signature whose ``probe`` is None is
described but cannot be checked yet: an assignment that asks for it is
refused with one line saying so, never passed in silence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from manual_mlp import StepRecord
from manual_mlp.validation import sup
from ..i18n import N_, _

if TYPE_CHECKING:
    from .assignment import Network
    from .cases import Case

Array = np.ndarray


@dataclass(frozen=True)
class Arg:
    name: str      # the parameter's name in the signature
    symbol: str    # what it holds, in the lab's symbols
    shape: str     # its shape, in symbols


@dataclass(frozen=True)
class Batch:
    """One autograd step of one case on one batch: what it started from and the twin's record of it."""

    case: "Case"
    number: int                  # 1, 2, …: the batch's place in the epoch (batches in a fixed order)
    X: Array
    Y: Array
    thetas: tuple[Array, ...]    # θ before the step
    biases: tuple[Array, ...] | None
    record: StepRecord


#: one call a probe makes: (layer, arguments, their symbols, autograd's answer, the quantity's symbol)
Call = tuple[int, tuple, tuple[str, ...], Array, str]


@dataclass(frozen=True)
class Signature:
    name: str
    kind: str                          # activation, derivative, delta_L, delta_l, gradient, bias_gradient, update, step
    args: tuple[Arg, ...]
    returns: Arg
    formula: str                       # the right formula, in symbols
    fits: Callable[["Network"], str | None]   # why the signature does not fit a network, or None
    probe: Callable[[Batch], list[Call]] | None = None   # None: not checkable yet
    unsupported: str = ""              # what is not supported yet, when probe is None
    explain: str | None = None         # the --explain line to show for a wrong entry (see verdict.explain_probe)

    def text(self, function: str) -> str:
        """'bias_gradient(delta) -> ∂J/∂b⁽ˡ⁾': the call as the submission's ``function`` is written."""
        return f"{function}({', '.join(a.name for a in self.args)}) -> {self.returns.symbol}"


def sym(symbol: str, l: int) -> str:
    return f"{symbol}{sup(l)}"


# --- which networks a signature fits ------------------------------------------------------------------------

def any_network(net: "Network") -> str | None:
    return None


def layer_activation(name: str) -> Callable[["Network"], str | None]:
    def fits(net: "Network") -> str | None:
        return None if name in (net.activation, net.output_activation) else _("no layer of the network is {name}").format(name=name)
    return fits


def hidden_activation(name: str) -> Callable[["Network"], str | None]:
    def fits(net: "Network") -> str | None:
        return None if net.activation == name else _("the hidden layers are {name}, not {other}").format(name=net.activation, other=name)
    return fits


def output_and_loss(activation: str, loss: str) -> Callable[["Network"], str | None]:
    def fits(net: "Network") -> str | None:
        if (net.output_activation, net.loss) == (activation, loss):
            return None
        return _("it is δ⁽ᴸ⁾ for a {output} output with {loss}, not {other} with {other_loss}").format(output=activation, loss=loss, other=net.output_activation, other_loss=net.loss)
    return fits


def with_biases(net: "Network") -> str | None:
    return None if net.bias else _("the network {sizes}").format(sizes="has no biases (bias = false)")


def plain_sgd(net: "Network") -> str | None:
    if net.optimizer == "sgd" and not net.momentum and not net.weight_decay:
        return None
    return _("it is plain gradient descent, and the optimizer is not")


def with_optimizer(name: str, momentum: bool) -> Callable[["Network"], str | None]:
    def fits(net: "Network") -> str | None:
        return None if net.optimizer == name and bool(net.momentum) == momentum else \
            _("the optimizer is {name} (momentum {value:g})").format(name=net.optimizer, value=net.momentum)
    return fits


def lab_network(net: "Network") -> str | None:
    """The lab's step(X, Y, thetas, eta): sigmoid, ½Σ(y − a)², no biases, plain gradient descent, full batch."""
    lab = (net.activation, net.output_activation, net.loss, net.bias, net.batch_size) == \
        ("sigmoid", "sigmoid", "half_sse", False, None)
    return None if lab and plain_sgd(net) is None else \
        _("the whole step is the lab's: sigmoid, half_sse, no biases, plain gradient descent, full batch")


# --- probes: the calls to make on one batch, from autograd's record --------------------------------------------

def layers_with(batch: Batch, activation: str) -> list[int]:
    return [l for l in range(1, batch.record.depth + 1) if batch.case.activation_at(l) == activation]


def activation_probe(name: str) -> Callable[[Batch], list[Call]]:
    """f(z⁽ˡ⁾) on every layer whose activation is f: z from autograd, a⁽ˡ⁾ its answer."""
    def probe(b: Batch) -> list[Call]:
        r = b.record
        return [(l, (r.zs[l - 1],), (sym("z", l),), r.activations[l], sym("a", l)) for l in layers_with(b, name)]
    return probe


def autograd_derivative(name: str, z: Array) -> Array:
    """f′(z) entry by entry, as torch's autograd computes it (the gradient of Σ f(z))."""
    import torch
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[name](t).sum().backward()
    return t.grad.numpy()


def derivative_probe(name: str, given: str) -> Callable[[Batch], list[Call]]:
    """f′ on every hidden layer of activation f, handed a⁽ˡ⁾ or z⁽ˡ⁾ (``given``); autograd's f′(z⁽ˡ⁾)."""
    def probe(b: Batch) -> list[Call]:
        r, hidden = b.record, [l for l in layers_with(b, name) if l < b.record.depth]
        arg = (lambda l: r.activations[l]) if given == "a" else (lambda l: r.zs[l - 1])  # noqa: E731
        return [(l, (arg(l),), (sym(given, l),), autograd_derivative(name, r.zs[l - 1]), f"{name}′{sym('(z', l)})")
                for l in hidden]
    return probe


def output_delta_probe(b: Batch) -> list[Call]:
    r, L = b.record, b.record.depth
    return [(L, (r.activations[L], b.Y), (sym("a", L), "Y"), r.deltas[L - 1], sym("δ", L))]


def hidden_delta_probe(given: str) -> Callable[[Batch], list[Call]]:
    """δ⁽ˡ⁾ from δ⁽ˡ⁺¹⁾, θ⁽ˡ⁺¹⁾ (before the update) and a⁽ˡ⁾ or z⁽ˡ⁾, for l = L − 1 … 1."""
    def probe(b: Batch) -> list[Call]:
        r, d = b.record, b.record.deltas
        third = (lambda l: r.activations[l]) if given == "a" else (lambda l: r.zs[l - 1])  # noqa: E731
        return [(l, (d[l], b.thetas[l], third(l)), (sym("δ", l + 1), sym("θ", l + 1), sym(given, l)), d[l - 1],
                 sym("δ", l)) for l in range(r.depth - 1, 0, -1)]
    return probe


def gradient_probe(b: Batch) -> list[Call]:
    r = b.record
    return [(l, (r.deltas[l - 1], r.activations[l - 1]), (sym("δ", l), "X" if l == 1 else sym("a", l - 1)),
             r.nabla_thetas[l - 1], sym("∂J/∂θ", l)) for l in range(1, r.depth + 1)]


def bias_gradient_probe(b: Batch) -> list[Call]:
    r = b.record
    return [(l, (r.deltas[l - 1],), (sym("δ", l),), r.nabla_biases[l - 1], sym("∂J/∂b", l))
            for l in range(1, r.depth + 1)]


def sgd_probe(b: Batch) -> list[Call]:
    """θ − η∂J/∂θ for every θ⁽ˡ⁾, then for every b⁽ˡ⁾ when the network has biases."""
    r, eta = b.record, b.case.eta
    calls = [(l, (b.thetas[l - 1], r.nabla_thetas[l - 1], eta), (sym("θ", l), sym("∂J/∂θ", l), "η"),
              r.thetas[l - 1], sym("θ", l)) for l in range(1, r.depth + 1)]
    if b.biases is not None:
        calls += [(l, (b.biases[l - 1], r.nabla_biases[l - 1], eta), (sym("b", l), sym("∂J/∂b", l), "η"),
                   r.biases[l - 1], sym("b", l)) for l in range(1, r.depth + 1)]
    return calls


# --- the catalogue ---------------------------------------------------------------------------------------------

Z, A = Arg("z", "z⁽ˡ⁾", "(N, nₗ)"), Arg("a", "a⁽ˡ⁾", "(N, nₗ)")
DELTA_NEXT, THETA_NEXT = Arg("delta_next", "δ⁽ˡ⁺¹⁾", "(N, nₗ₊₁)"), Arg("theta_next", "θ⁽ˡ⁺¹⁾", "(nₗ₊₁, nₗ)")
AL, ZL = Arg("al", "a⁽ˡ⁾", "(N, nₗ)"), Arg("zl", "z⁽ˡ⁾", "(N, nₗ)")
DELTA_L = Arg("delta_L", "δ⁽ᴸ⁾ = ∂J/∂z⁽ᴸ⁾", "(N, n_L)")
DELTA_l = Arg("delta_l", "δ⁽ˡ⁾ = ∂J/∂z⁽ˡ⁾", "(N, nₗ)")
OUTPUT_ARGS = (Arg("aL", "a⁽ᴸ⁾", "(N, n_L)"), Arg("Y", "Y", "(N, n_L)"))
STATE_LATER = N_("optimizers with state (momentum's velocity; Adam's m, v and t)")


def _signatures() -> list[Signature]:
    fprime = lambda f, given, formula: Signature(  # noqa: E731
        f"{f}_prime_{given}", "derivative", (A if given == "a" else Z,), Arg("fprime", f"{f}′(z⁽ˡ⁾)", "(N, nₗ)"),
        formula, hidden_activation(f), derivative_probe(f, given))
    hidden = lambda f, given, formula: Signature(  # noqa: E731
        f"delta_l_{f}", "delta_l", (DELTA_NEXT, THETA_NEXT, AL if given == "a" else ZL), DELTA_l,
        formula, hidden_activation(f), hidden_delta_probe(given), explain="delta_l")
    return [
        Signature("sigmoid", "activation", (Z,), Arg("a", "a⁽ˡ⁾ = σ(z⁽ˡ⁾)", "(N, nₗ)"), "σ(z) = 1 / (1 + e^(−z))",
                  layer_activation("sigmoid"), activation_probe("sigmoid"), explain="a"),
        Signature("tanh", "activation", (Z,), Arg("a", "a⁽ˡ⁾ = tanh(z⁽ˡ⁾)", "(N, nₗ)"),
                  "tanh(z) = (eᶻ − e^(−z)) / (eᶻ + e^(−z))", layer_activation("tanh"), activation_probe("tanh"),
                  explain="a"),
        Signature("relu", "activation", (Z,), Arg("a", "a⁽ˡ⁾ = relu(z⁽ˡ⁾)", "(N, nₗ)"), "relu(z) = max(z, 0)",
                  layer_activation("relu"), activation_probe("relu"), explain="a"),
        Signature("softmax", "activation", (Z,), Arg("a", "a⁽ᴸ⁾ = softmax(z⁽ᴸ⁾)", "(N, n_L)"),
                  "softmax(z)ₙⱼ = e^(zₙⱼ − mₙ) / Σₖ e^(zₙₖ − mₙ), mₙ = maxₖ zₙₖ", layer_activation("softmax"),
                  activation_probe("softmax"), explain="a"),
        fprime("sigmoid", "a", "σ′(z) = a(1 − a)"),
        fprime("tanh", "a", "tanh′(z) = 1 − a²"),
        fprime("tanh", "z", "tanh′(z) = 1 − tanh²(z)"),
        fprime("relu", "z", "relu′(z) = [z > 0], relu′(0) = 0"),
        Signature("delta_L_sigmoid_half_sse", "delta_L", OUTPUT_ARGS, DELTA_L,
                  "BP1  δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)", output_and_loss("sigmoid", "half_sse"),
                  output_delta_probe, explain="delta_L"),
        Signature("delta_L_softmax_cross_entropy", "delta_L", OUTPUT_ARGS, DELTA_L,
                  "BP1  δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) / N", output_and_loss("softmax", "cross_entropy"),
                  output_delta_probe, explain="delta_L"),
        hidden("sigmoid", "a", "BP2  δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ a⁽ˡ⁾(1 − a⁽ˡ⁾)"),
        hidden("tanh", "a", "BP2  δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ (1 − a⁽ˡ⁾²)"),
        hidden("relu", "z", "BP2  δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ [z⁽ˡ⁾ > 0]"),
        Signature("gradient", "gradient", (Arg("delta", "δ⁽ˡ⁾", "(N, nₗ)"), Arg("a_prev", "a⁽ˡ⁻¹⁾", "(N, nₗ₋₁)")),
                  Arg("grad", "∂J/∂θ⁽ˡ⁾", "(nₗ, nₗ₋₁)"), "BP4  ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾", any_network,
                  gradient_probe, explain="gradient"),
        Signature("bias_gradient", "bias_gradient", (Arg("delta", "δ⁽ˡ⁾", "(N, nₗ)"),),
                  Arg("grad_b", "∂J/∂b⁽ˡ⁾", "(nₗ,)"), "BP3  ∂J/∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾[n, :]",
                  with_biases, bias_gradient_probe),
        Signature("sgd_update", "update", (Arg("theta", "θ⁽ˡ⁾ | b⁽ˡ⁾", "(nₗ, nₗ₋₁) | (nₗ,)"),
                                           Arg("grad", "∂J/∂θ⁽ˡ⁾ | ∂J/∂b⁽ˡ⁾", "(nₗ, nₗ₋₁) | (nₗ,)"),
                                           Arg("eta", "η", "()")),
                  Arg("new", "θ⁽ˡ⁾ | b⁽ˡ⁾", "(nₗ, nₗ₋₁) | (nₗ,)"), "θ ← θ − η ∂J/∂θ", plain_sgd, sgd_probe,
                  explain="update"),
        Signature("momentum_update", "update",
                  (Arg("theta", "θ", "(nₗ, nₗ₋₁)"), Arg("grad", "∂J/∂θ", "(nₗ, nₗ₋₁)"), Arg("velocity", "v", "(nₗ, nₗ₋₁)"),
                   Arg("eta", "η", "()"), Arg("mu", "μ", "()")),
                  Arg("(theta, velocity)", "(θ, v)", "((nₗ, nₗ₋₁), (nₗ, nₗ₋₁))"), "v ← μv + ∂J/∂θ; θ ← θ − ηv",
                  with_optimizer("sgd", True), unsupported=STATE_LATER),
        Signature("adam_update", "update",
                  (Arg("theta", "θ", "(nₗ, nₗ₋₁)"), Arg("grad", "∂J/∂θ", "(nₗ, nₗ₋₁)"), Arg("m", "m", "(nₗ, nₗ₋₁)"),
                   Arg("v", "v", "(nₗ, nₗ₋₁)"), Arg("t", "t", "()"), Arg("eta", "η", "()")),
                  Arg("(theta, m, v, t)", "(θ, m, v, t)", "((nₗ, nₗ₋₁), (nₗ, nₗ₋₁), (nₗ, nₗ₋₁), ())"),
                  "t ← t + 1; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; θ ← θ − η m̂ / (√v̂ + ε)",
                  with_optimizer("adam", False), unsupported=STATE_LATER),
        Signature("step", "step", (Arg("X", "X", "(N, n₀)"), Arg("Y", "Y", "(N, n_L)"),
                                   Arg("thetas", "[θ⁽¹⁾, …, θ⁽ᴸ⁾]", "[L]"), Arg("eta", "η", "()")),
                  Arg("thetas", "[θ⁽¹⁾, …, θ⁽ᴸ⁾]", "[L]"), "θ⁽ˡ⁾ ← θ⁽ˡ⁾ − η ∂J/∂θ⁽ˡ⁾, l = 1 … L", lab_network),
    ]


#: every signature, by name
CATALOGUE: dict[str, Signature] = {s.name: s for s in _signatures()}
