"""A catalogue of classic backpropagation mistakes, to show that the harness catches each one.

Each :class:`Mutant` builds a deliberately broken NumPy network from the same
weights as the PyTorch twin; the harness then reports where the two first part
(``run_comparison(..., manual_model=mutant.network(...))``, or
``mlp-compare --inject-bug NAME``). The correct code in :mod:`manual_mlp` is
untouched: every mistake lives here, as an ``MLP`` subclass or a swapped
activation or loss, so reading ``manual_mlp`` never means reading around them.

A mistake can only show where the network lets it: dividing by N changes
nothing when N = 1, a bias mistake needs biases. ``requires`` says what a
network must have, and :meth:`Mutant.network` refuses the others with a clear
message instead of reporting a misleading "all equal".
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

import numpy as np

from manual_mlp import MLP, Forward, Gradients, get_activation, get_loss
from manual_mlp.backprop import hidden_delta, weight_gradient
from manual_mlp.losses import Loss
from manual_mlp.validation import InputError, check_parameters

from ..i18n import N_, _, tr
from ..verify.run import RunConfig

Array = np.ndarray
#: (layer sizes [n₀, …, n_L], has biases, samples N) -> why the mistake cannot show there, or None
Requirement = Callable[[list[int], bool, int], "str | None"]


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    right: str                     # the formula as it should be
    wrong: str                     # the formula the mistake computes
    build: Callable[[list[Array], list[Array] | None, RunConfig], MLP]
    requires: Requirement = lambda sizes, bias, n: None

    def network(self, config: RunConfig, thetas: list[Array], biases: list[Array] | None, n_samples: int) -> MLP:
        """The broken NumPy network, holding the same weights the twin gets (cast to the run's dtype)."""
        thetas, biases = check_parameters(thetas, biases, np.dtype(config.dtype))
        sizes = [thetas[0].shape[1]] + [theta.shape[0] for theta in thetas]
        reason = self.requires(sizes, biases is not None, n_samples)
        if reason:
            shown = ",".join(map(str, sizes))
            message = (_("the mistake {name!r} cannot show on this network (sizes {sizes}, with biases, N = {n}): "
                         "{reason}") if biases is not None else
                       _("the mistake {name!r} cannot show on this network (sizes {sizes}, no biases, N = {n}): "
                         "{reason}"))
            raise InputError(message.format(name=self.name, sizes=shown, n=n_samples, reason=reason))
        return self.build(thetas, biases, config)

    def describe(self, lang: str = "en") -> str:
        """What the mistake does, in ``lang``."""
        return tr(lang, self.description)

    def right_in(self, lang: str = "en") -> str:
        """The right formula, in ``lang`` where it has words (most are formulas alone)."""
        return tr(lang, self.right)

    def explain(self, lang: str = "en") -> str:
        """The mistake in one sentence, in ``lang`` (the formulas read the same in every language)."""
        return tr(lang, "Injected mistake {name!r}: {description}. Right: {right}; injected: {wrong}.", name=self.name,
                  description=self.describe(lang), right=self.right_in(lang),
                  wrong=self.wrong)


# --- requirements ---------------------------------------------------------------------------------

def _hidden_layer(sizes, bias, n):
    return None if len(sizes) >= 3 else _("it is in the hidden δ, so it needs a hidden layer (e.g. --layers 3,4,2)")


def _batch(sizes, bias, n):
    return None if n >= 2 else _("with one sample a sum and a mean are the same: use N ≥ 2 samples")


def _bias_batch(sizes, bias, n):
    if not bias:
        return _("it is in ∂J/∂b, so the network needs biases (e.g. --layers 3,4,2 --bias)")
    return _batch(sizes, bias, n)


def _equal_sizes(sizes, bias, n):
    if len(sizes) < 3 or len(set(sizes)) > 1:
        return (_("δ⁽ˡ⁺¹⁾θ⁽ˡ⁾ ⊙ f′(z⁽ˡ⁾) only has compatible shapes when nₗ₋₁ = nₗ = nₗ₊₁, so every layer needs "
                  "the same size (e.g. --layers 3,3,3,3)"))
    return None


def _non_vector_layer(sizes, bias, n):
    if all(min(n_in, n_out) == 1 for n_in, n_out in zip(sizes[:-1], sizes[1:])):
        return _("when every θ⁽ˡ⁾ is a row or a column, reshape and transpose give the same matrix: "
                 "some layer needs ≥ 2 inputs and ≥ 2 outputs")
    return None


# --- mistakes in f′ and ∂J/∂a: swapped Activation / Loss functions ---------------------------------

def _activation_mutant(hidden: bool, output: bool, fprime: Callable) -> Callable:
    """Build an MLP whose activations (hidden and/or output) have ``fprime(activation)`` as derivative."""
    def build(thetas, biases, config):
        def broken(name):
            act = get_activation(name)
            # the name stays: it is what the loss checks its pairing with (softmax with cross_entropy)
            return dataclasses.replace(act, grad=fprime(act))
        activation = broken(config.activation) if hidden else config.activation
        output_activation = broken(config.output_activation) if output else config.output_activation
        return MLP(thetas, biases, activation, output_activation)
    return build


def _no_fprime(act):
    return lambda z, a: np.ones_like(a)


def _fprime_of_a(act):
    return lambda z, a: act.grad(a, act.fn(a))   # f′ evaluated at a instead of z: σ(a)(1 − σ(a))


def _fprime_given_z(act):
    return lambda z, a: act.grad(z, z)   # the formula of f′ in terms of a, handed z: z(1 − z) for σ


class ScaledLossGradient(MLP):
    """Computes J as given, but uses ``factor · ∂J/∂a⁽ᴸ⁾`` in δ⁽ᴸ⁾."""

    def __init__(self, *args, factor: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.factor = factor

    def backward(self, fwd: Forward, Y: Array, loss: str | Loss = "half_sse") -> Gradients:
        loss = get_loss(loss)
        scaled = dataclasses.replace(loss, grad=lambda a, y: self.factor * loss.grad(a, y))
        return super().backward(fwd, Y, scaled)


def _loss_mutant(factor: float) -> Callable:
    def build(thetas, biases, config):
        return ScaledLossGradient(thetas, biases, config.activation, config.output_activation, factor=factor)
    return build


# --- mistakes in the hidden δ: which matrix carries the error back ---------------------------------

class WrongHiddenDelta(MLP):
    """δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ M) ⊙ f′(z⁽ˡ⁾) for a wrong matrix M (right: M = θ⁽ˡ⁺¹⁾); the rest is MLP's own."""

    def __init__(self, *args, carrier: Callable[["WrongHiddenDelta", int, Array, list[Array]], Array], **kwargs):
        super().__init__(*args, **kwargs)
        self.carrier = carrier   # (net, l, δ⁽ˡ⁺¹⁾, activations) -> M used for δ⁽ˡ⁾

    def hidden_error(self, l: int, delta_next: Array, fwd: Forward) -> Array:
        fprime = self.activation_of(l).grad(fwd.zs[l - 1], fwd.activations[l])
        return hidden_delta(delta_next, self.carrier(self, l, delta_next, fwd.activations), fprime)


def _theta_of_same_layer(net, l, delta_next, activations):
    return net.thetas[l - 1]   # θ⁽ˡ⁾ where θ⁽ˡ⁺¹⁾ belongs


def _eagerly_updated(eta: float):
    def carrier(net, l, delta_next, activations):
        # the student's loop already did θ⁽ˡ⁺¹⁾ ← θ⁽ˡ⁺¹⁾ − η δ⁽ˡ⁺¹⁾ᵀa⁽ˡ⁾ before reaching layer l
        return net.thetas[l] - eta * weight_gradient(delta_next, activations[l])
    return carrier


def _hidden_delta_mutant(carrier_for: Callable[[RunConfig], Callable]) -> Callable:
    def build(thetas, biases, config):
        return WrongHiddenDelta(thetas, biases, config.activation, config.output_activation,
                                carrier=carrier_for(config))
    return build


# --- mistakes in ∂J/∂θ and ∂J/∂b: the right δ, gathered wrongly ----------------------------------

class WrongGradients(MLP):
    """The right backward pass, whose gradients then go through ``rewrite(grads, fwd)``."""

    def __init__(self, *args, rewrite: Callable[[Gradients, Forward], Gradients], **kwargs):
        super().__init__(*args, **kwargs)
        self.rewrite = rewrite

    def backward(self, fwd: Forward, Y: Array, loss: str | Loss = "half_sse") -> Gradients:
        return self.rewrite(super().backward(fwd, Y, loss), fwd)


def _reshaped_not_transposed(grads: Gradients, fwd: Forward) -> Gradients:
    # a⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾ has shape (nₗ₋₁, nₗ); reshape "fixes" the shape without transposing
    nabla = [(a_prev.T @ delta).reshape(delta.shape[1], a_prev.shape[1])
             for delta, a_prev in zip(grads.deltas, fwd.activations[:-1])]
    return dataclasses.replace(grads, nabla_thetas=nabla)


def _first_sample_bias(grads: Gradients, fwd: Forward) -> Gradients:
    return dataclasses.replace(grads, nabla_biases=[delta[0] for delta in grads.deltas])


def _divided_by_n(grads: Gradients, fwd: Forward) -> Gradients:
    N = grads.deltas[0].shape[0]
    biases = None if grads.nabla_biases is None else [nabla / N for nabla in grads.nabla_biases]
    return dataclasses.replace(grads, nabla_thetas=[nabla / N for nabla in grads.nabla_thetas], nabla_biases=biases)


def _gradient_mutant(rewrite: Callable[[Gradients, Forward], Gradients]) -> Callable:
    def build(thetas, biases, config):
        return WrongGradients(thetas, biases, config.activation, config.output_activation, rewrite=rewrite)
    return build


# --- mistakes in the update ---------------------------------------------------------------------

@dataclass
class Ascent:
    """Wraps an optimizer and hands it −∂J/∂θ: θ ← θ + η∂J/∂θ for plain gradient descent."""

    inner: object

    @property
    def state(self):
        return self.inner.state

    def step(self, params, grads):
        return self.inner.step(params, {kind: [-nabla for nabla in values] for kind, values in grads.items()})


class GradientAscent(MLP):
    def train_step(self, X, Y, optimizer, *args, **kwargs):
        return super().train_step(X, Y, Ascent(optimizer), *args, **kwargs)


def _ascent(thetas, biases, config):
    return GradientAscent(thetas, biases, config.activation, config.output_activation)


# --- the catalogue ------------------------------------------------------------------------------

_CATALOGUE = [
    Mutant("no_sigma_prime", N_("the derivative f′(z) of the activation is left out of every δ"),
           "δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ σ′(z⁽ᴸ⁾)", "δ⁽ᴸ⁾ = a⁽ᴸ⁾ − y; δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾",
           _activation_mutant(True, True, _no_fprime)),
    Mutant("hidden_no_sigma_prime", N_("f′(z) is left out of the hidden layers' δ only"),
           "δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ σ′(z⁽ˡ⁾)", "δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾",
           _activation_mutant(True, False, _no_fprime), _hidden_layer),
    Mutant("sigma_prime_of_a", N_("σ′ is applied to a instead of z: σ(a)(1 − σ(a)) rather than a(1 − a)"),
           "σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)", "σ′(a) = σ(a)(1 − σ(a))",
           _activation_mutant(True, True, _fprime_of_a)),
    Mutant("sigma_prime_of_z", N_("σ′ is written in terms of a but handed z: z(1 − z) rather than a(1 − a)"),
           "σ′(z) = a(1 − a)", "σ′ = z(1 − z)", _activation_mutant(True, True, _fprime_given_z)),
    Mutant("theta_l_in_hidden_delta", N_("the hidden δ carries the error back through θ⁽ˡ⁾ instead of θ⁽ˡ⁺¹⁾"),
           "δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ σ′(z⁽ˡ⁾)", "δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁾ ⊙ σ′(z⁽ˡ⁾)",
           _hidden_delta_mutant(lambda config: _theta_of_same_layer), _equal_sizes),
    Mutant("missing_transpose", N_("∂J/∂θ is computed as a⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾ (the transpose of the right matrix) and "
           "reshaped to θ's shape instead of transposed"),
           "∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾", "∂J/∂θ⁽ˡ⁾ = (a⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾).reshape(nₗ, nₗ₋₁)",
           _gradient_mutant(_reshaped_not_transposed), _non_vector_layer),
    Mutant("half_dropped", N_("the ½ of J = ½Σ(y − a)² is forgotten when differentiating, doubling every gradient"),
           "∂J/∂a⁽ᴸ⁾ = a⁽ᴸ⁾ − y", "∂J/∂a⁽ᴸ⁾ = 2(a⁽ᴸ⁾ − y)", _loss_mutant(2.0)),
    Mutant("residual_sign", N_("the residual is taken the other way round"),
           "∂J/∂a⁽ᴸ⁾ = a⁽ᴸ⁾ − y", "∂J/∂a⁽ᴸ⁾ = y − a⁽ᴸ⁾", _loss_mutant(-1.0)),
    Mutant("sign_flipped", N_("the update climbs the gradient instead of descending it"),
           "θ ← θ − η∂J/∂θ", "θ ← θ + η∂J/∂θ", _ascent),
    Mutant("bias_grad_first_sample",
           N_("the bias gradient takes the first sample's δ instead of summing over the batch"),
           "∂J/∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾ₙ", "∂J/∂b⁽ˡ⁾ = δ⁽ˡ⁾₁", _gradient_mutant(_first_sample_bias), _bias_batch),
    Mutant("mean_instead_of_sum", N_("every gradient is averaged over the batch, but J = ½Σ sums over it"),
           "∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾", "∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ / N; ∂J/∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾ₙ / N",
           _gradient_mutant(_divided_by_n), _batch),
    Mutant("updated_theta_in_backward", N_("θ⁽ˡ⁺¹⁾ is updated as soon as its gradient is known, so the next δ "
           "uses the new θ (plain gradient descent with the run's η)"),
           N_("δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ σ′(z⁽ˡ⁾), all gradients before any update"),
           "δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾(θ⁽ˡ⁺¹⁾ − η∂J/∂θ⁽ˡ⁺¹⁾) ⊙ σ′(z⁽ˡ⁾)",
           _hidden_delta_mutant(lambda config: _eagerly_updated(config.lr)), _hidden_layer),
]

MUTANTS: dict[str, Mutant] = {mutant.name: mutant for mutant in _CATALOGUE}


def get_mutant(name: str) -> Mutant:
    try:
        return MUTANTS[name]
    except KeyError:
        raise InputError(_("unknown mistake {name!r} for --inject-bug; choose one of: {names} (or 'list' to "
                           "describe them)").format(name=name, names=', '.join(MUTANTS))) from None


def catalogue_text(lang: str = "en") -> str:
    """The catalogue as ``--inject-bug list`` prints it, in ``lang``."""
    lines = []
    for m in MUTANTS.values():
        lines += [m.name, f"    {m.describe(lang)}", f"    {tr(lang, 'right:   ')} {m.right_in(lang)}",
                  f"    {tr(lang, 'injected:')} {m.wrong}"]
    return "\n".join(lines)
