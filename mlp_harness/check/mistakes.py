"""Known mistakes in the lab's five functions, each written as the wrong formula it computes.

A student's function is diagnosed with a mistake when it behaves exactly like
that wrong formula on every call the checker made: the same numbers (within the
harness's tolerance) where the wrong formula gives numbers, and an error where
it cannot be computed (a transposed θ⁽ˡ⁺¹⁾ only fits square layers, say). The
correct formulas live in :mod:`manual_mlp.backprop`; this module holds only
mistakes, as :mod:`mlp_harness.teach.mutants` does for whole networks, and
shares its names where the mistake is the same (``residual_sign``,
``half_dropped``, ``sign_flipped``, …), so a diagnosis reads the same whichever
tool made it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..i18n import TEXTS, tr
from ..teach.mutants import MUTANTS

Array = np.ndarray


def _sigma(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Mistake:
    name: str
    formula: str                  # the signature it is a mistake in (mlp_harness.check.catalogue)
    wrong: str                    # the formula it computes
    compute: Callable[..., Array]  # the lab's arguments -> the wrong output
    key: str = ""                 # its words' key, when not mistake_NAME …
    words: tuple[tuple[str, str], ...] = ()   # … and the fields they are filled with

    def describe(self, lang: str = "en", loss: str = "half_sse") -> str:
        """'name: what was done (computes …)' in ``lang``; shared with --inject-bug's wording where it exists.
        ``loss``: the assignment's, where the words differ for a mean loss (mistake_NAME_mean_loss)."""
        key = self.key or f"mistake_{self.name}"
        if loss != "half_sse" and f"{key}_mean_loss" in TEXTS[lang]:
            key = f"{key}_mean_loss"
        description = tr(lang, key, **dict(self.words)) if key in TEXTS[lang] else MUTANTS[self.name].describe(lang)
        return tr(lang, "check_diagnosis", name=self.name, description=description, wrong=self.wrong)


def _other_convention(theta: Array, g: Array, v: Array, eta: float, mu: float) -> tuple[Array, Array]:
    """Momentum written v ← μv − ηg; θ ← θ + v (the velocity holds −η times torch's)."""
    v = mu * v - eta * g
    return theta + v, v


def _adam(theta, g, m, v, t, eta, beta1, beta2, eps, corrected_at=1, l2=0.0, under_root=0.0):
    """Adam with a slip: bias corrections at t + ``corrected_at`` (1 is right, 0 is t before its increment,
    None leaves them out); ``l2`` added to g as coupled decay; ``under_root`` added to v̂ inside the √.
    Returns (θ, m, v, t + 1)."""
    g = g + l2 * theta
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
    if corrected_at is None:
        m_hat, v_hat = m, v
    else:
        m_hat, v_hat = m / (1 - beta1 ** (t + corrected_at)), v / (1 - beta2 ** (t + corrected_at))
    return theta - eta * m_hat / (np.sqrt(v_hat + under_root) + eps), m, v, t + 1


def _adam_step_size(theta, g, m, v, t, eta, beta1, beta2, eps):
    """Adam in the paper's faster form: the corrections in the step size, ε added to √v before them."""
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
    step = eta * np.sqrt(1 - beta2 ** (t + 1)) / (1 - beta1 ** (t + 1))
    return theta - step * m / (np.sqrt(v) + eps), m, v, t + 1


def _adam_state_slip(theta, g, m, v, t, eta, beta1, beta2, eps, hats=False, v_corrected=True, counted=True):
    """Adam with a slip in its state: m̂, v̂ returned in place of m, v (``hats``), v left uncorrected in the step,
    or t returned as it came (not ``counted``). Returns (θ, m, v, t)."""
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    new = theta - eta * m_hat / (np.sqrt(v_hat if v_corrected else v) + eps)
    return new, m_hat if hats else m, v_hat if hats else v, t + 1 if counted else t


def _momentum_slip(theta, g, v, eta, mu, dampening=0.0, nesterov=False, old=False, eta_in_v=False, swapped=False):
    """Momentum with a slip: (1 − μ)g (``dampening`` = μ), Nesterov's step, θ stepped with the old v, ηg in v
    with θ ← θ − v, or (v, θ) returned the other way round."""
    new_v = mu * v + (1 - dampening) * (eta * g if eta_in_v else g)
    step = eta * v if old else new_v if eta_in_v else eta * (g + mu * new_v) if nesterov else eta * new_v
    return (new_v, theta - step) if swapped else (theta - step, new_v)


def _softmax_axis0(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def _softmax_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _softmax_no_keepdims(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)


def _sgd(theta, g, eta):
    return theta - eta * g


def _momentum(theta, g, v, eta, mu):
    v = mu * v + g
    return theta - eta * v, v


def _adamw(theta, g, m, v, t, eta, beta1, beta2, eps, decay):
    return _adam(theta * (1 - eta * decay), g, m, v, t, eta, beta1, beta2, eps)


#: each update's formula as its signature asks it: a mistake that writes a hyper-parameter as a number is this
#: formula with that number in the argument's place (:func:`fixed_hyperparameters`)
UPDATE_FORMULAS = {"sgd_update": _sgd, "momentum_update": _momentum, "adam_update": _adam, "adamw_update": _adamw}


def fixed_hyperparameters(signature: str, formula: str, fixed: dict[int, tuple[str, str, float]]) -> Mistake:
    """The update ``signature`` with the hyper-parameters of ``fixed`` ({argument's place: (its name, its
    symbol, the number)}) written as numbers: what ``return theta - 0.5 * grad`` or Adam with 0.9 and 0.999
    computes. Named eta_fixed when η alone is fixed, hyperparameter_fixed otherwise; its wrong formula is the
    right one (``formula``) with the numbers in the symbols' place."""
    right = UPDATE_FORMULAS[signature]

    def compute(*args):
        return right(*(fixed[i][2] if i in fixed else arg for i, arg in enumerate(args)))
    wrong = formula
    for _, symbol, value in fixed.values():
        wrong = wrong.replace(symbol, f"{value:g}")
    names = [fixed[i] for i in sorted(fixed)]
    words = (("values", ", ".join(f"{symbol} = {value:g}" for _, symbol, value in names)),
             ("args", ", ".join(name for name, _, _ in names)))
    name = "eta_fixed" if [n for n, _, _ in names] == ["eta"] else "hyperparameter_fixed"
    return Mistake(name, signature, wrong, compute, "mistake_hyperparameter_fixed", words)


MISTAKES: list[Mistake] = [
    # σ(z) = 1 / (1 + e^(−z))
    Mistake("exp_sign", "sigmoid", "1 / (1 + eᶻ) = σ(−z)", lambda z: 1.0 / (1.0 + np.exp(z))),
    Mistake("returns_derivative", "sigmoid", "σ(z)(1 − σ(z))", lambda z: _sigma(z) * (1 - _sigma(z))),
    Mistake("missing_reciprocal", "sigmoid", "1 + e^(−z)", lambda z: 1.0 + np.exp(-z)),
    Mistake("tanh_for_sigmoid", "sigmoid", "tanh(z)", lambda z: np.tanh(z)),
    # BP1: δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)
    Mistake("residual_sign", "delta_L_sigmoid_half_sse", "(y − a⁽ᴸ⁾) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)", lambda a, y: (y - a) * a * (1 - a)),
    Mistake("half_dropped", "delta_L_sigmoid_half_sse", "2(a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)", lambda a, y: 2 * (a - y) * a * (1 - a)),
    Mistake("no_sigma_prime", "delta_L_sigmoid_half_sse", "a⁽ᴸ⁾ − y", lambda a, y: a - y),
    Mistake("sigma_prime_of_a", "delta_L_sigmoid_half_sse", "(a⁽ᴸ⁾ − y) ⊙ σ(a⁽ᴸ⁾)(1 − σ(a⁽ᴸ⁾))",
            lambda a, y: (a - y) * _sigma(a) * (1 - _sigma(a))),
    Mistake("mean_instead_of_sum", "delta_L_sigmoid_half_sse", "(a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾) / N",
            lambda a, y: (a - y) * a * (1 - a) / a.shape[0]),
    Mistake("loss_instead_of_delta", "delta_L_sigmoid_half_sse", "½(y − a⁽ᴸ⁾)²", lambda a, y: 0.5 * (y - a) ** 2),
    # BP2: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ a⁽ˡ⁾(1 − a⁽ˡ⁾)
    Mistake("hidden_no_sigma_prime", "delta_l_sigmoid", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾", lambda d, theta, a: d @ theta),
    Mistake("sigma_prime_of_a", "delta_l_sigmoid", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ σ(a⁽ˡ⁾)(1 − σ(a⁽ˡ⁾))",
            lambda d, theta, a: (d @ theta) * _sigma(a) * (1 - _sigma(a))),
    Mistake("elementwise_product", "delta_l_sigmoid", "(δ⁽ˡ⁺¹⁾ * θ⁽ˡ⁺¹⁾) ⊙ a⁽ˡ⁾(1 − a⁽ˡ⁾)",
            lambda d, theta, a: (d * theta) * a * (1 - a)),
    Mistake("theta_transposed", "delta_l_sigmoid", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ᵀ ⊙ a⁽ˡ⁾(1 − a⁽ˡ⁾)",
            lambda d, theta, a: (d @ theta.T) * a * (1 - a)),
    # BP4: ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾
    Mistake("transposed_gradient", "gradient", "a⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾ = (δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾)ᵀ", lambda d, a_prev: a_prev.T @ d),
    Mistake("missing_transpose", "gradient", "(a⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾).reshape(nₗ, nₗ₋₁)",
            lambda d, a_prev: (a_prev.T @ d).reshape(d.shape[1], a_prev.shape[1])),
    Mistake("mean_instead_of_sum", "gradient", "δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ / N", lambda d, a_prev: d.T @ a_prev / d.shape[0]),
    # update: θ ← θ − η ∂J/∂θ
    Mistake("sign_flipped", "sgd_update", "θ + η ∂J/∂θ", lambda theta, g, eta: theta + eta * g),
    Mistake("eta_ignored", "sgd_update", "θ − ∂J/∂θ", lambda theta, g, eta: theta - g),
    Mistake("returns_change", "sgd_update", "−η ∂J/∂θ", lambda theta, g, eta: -eta * g),
    # tanh′ given a: 1 − a²
    Mistake("tanh_of_a", "tanh_prime_a", "1 − tanh²(a⁽ˡ⁾)", lambda a: 1 - np.tanh(a) ** 2),
    Mistake("sigma_prime_for_tanh", "tanh_prime_a", "a⁽ˡ⁾(1 − a⁽ˡ⁾)", lambda a: a * (1 - a)),
    # tanh′ given z: 1 − tanh²(z)
    Mistake("one_minus_z_squared", "tanh_prime_z", "1 − z²", lambda z: 1 - z * z),
    # BP1 for softmax with cross-entropy (torch's mean): δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y)/N
    Mistake("ce_not_averaged", "delta_L_softmax_cross_entropy", "a⁽ᴸ⁾ − y", lambda a, y: a - y),
    Mistake("ce_extra_fprime", "delta_L_softmax_cross_entropy", "(a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾) / N",
            lambda a, y: (a - y) * a * (1 - a) / a.shape[0]),
    Mistake("residual_sign", "delta_L_softmax_cross_entropy", "(y − a⁽ᴸ⁾) / N", lambda a, y: (y - a) / a.shape[0]),
    # BP2 with a hidden tanh: δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ (1 − a⁽ˡ⁾²)
    Mistake("hidden_no_tanh_prime", "delta_l_tanh", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾", lambda d, theta, a: d @ theta),
    Mistake("tanh_of_a", "delta_l_tanh", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ (1 − tanh²(a⁽ˡ⁾))",
            lambda d, theta, a: (d @ theta) * (1 - np.tanh(a) ** 2)),
    Mistake("sigma_prime_for_tanh", "delta_l_tanh", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ a⁽ˡ⁾(1 − a⁽ˡ⁾)",
            lambda d, theta, a: (d @ theta) * a * (1 - a)),
    Mistake("theta_transposed", "delta_l_tanh", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ᵀ ⊙ (1 − a⁽ˡ⁾²)",
            lambda d, theta, a: (d @ theta.T) * (1 - a * a)),
    # δ⁽ᴸ⁾ divided by something other than this batch's N
    Mistake("ce_averaged_twice", "delta_L_softmax_cross_entropy", "(a⁽ᴸ⁾ − y) / N²",
            lambda a, y: (a - y) / a.shape[0] ** 2),
    Mistake("ce_divided_by_size", "delta_L_softmax_cross_entropy", "(a⁽ᴸ⁾ − y) / (N·n_L)",
            lambda a, y: (a - y) / a.size),
    # relu′(z) = [z > 0]
    Mistake("relu_for_relu_prime", "relu_prime_z", "max(z, 0) = relu(z)", lambda z: np.maximum(z, 0)),
    # softmax(z) = e^(z − m) / Σ e^(z − m), m the row's max
    Mistake("softmax_no_row_max", "softmax", "e^z / Σₖ e^(zₖ)",
            lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)),
    Mistake("softmax_axis0", "softmax", "e^(zₙⱼ − maxₙ zₙⱼ) / Σₙ e^(zₙⱼ − maxₙ zₙⱼ)", _softmax_axis0),
    Mistake("softmax_global_max", "softmax", "e^(zₙⱼ − maxₙₖ zₙₖ) / Σₖ e^(zₙₖ − maxₙₖ zₙₖ)",
            _softmax_global_max),
    Mistake("softmax_no_keepdims", "softmax", "e^(z − m) (N, n_L) / Σₖ e^(zₖ − m) (N,)", _softmax_no_keepdims),
    # BP3: ∂J/∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾[n, :]
    Mistake("bias_sum_over_units", "bias_gradient", "Σⱼ δ⁽ˡ⁾[:, j], (N,)", lambda d: d.sum(axis=1)),
    Mistake("bias_sum_all", "bias_gradient", "Σₙⱼ δ⁽ˡ⁾[n, j], ()", lambda d: d.sum()),
    Mistake("bias_mean_instead_of_sum", "bias_gradient", "Σₙ δ⁽ˡ⁾[n, :] / N", lambda d: d.mean(axis=0)),
    Mistake("bias_not_summed", "bias_gradient", "δ⁽ˡ⁾, (N, nₗ)", lambda d: d),
    Mistake("bias_keepdims", "bias_gradient", "Σₙ δ⁽ˡ⁾[n, :], (1, nₗ)",
            lambda d: d.sum(axis=0, keepdims=True)),
    # momentum, torch's convention: v ← μv + ∂J/∂θ; θ ← θ − ηv
    Mistake("momentum_other_convention", "momentum_update", "v ← μv − η∂J/∂θ; θ ← θ + v", _other_convention),
    Mistake("momentum_dampening", "momentum_update", "v ← μv + (1 − μ)∂J/∂θ; θ ← θ − ηv",
            lambda theta, g, v, eta, mu: _momentum_slip(theta, g, v, eta, mu, dampening=mu)),
    Mistake("momentum_nesterov", "momentum_update", "v ← μv + ∂J/∂θ; θ ← θ − η(∂J/∂θ + μv)",
            lambda *args: _momentum_slip(*args, nesterov=True)),
    Mistake("momentum_old_velocity", "momentum_update", "θ ← θ − ηv; v ← μv + ∂J/∂θ",
            lambda *args: _momentum_slip(*args, old=True)),
    Mistake("momentum_eta_in_velocity", "momentum_update", "v ← μv + η∂J/∂θ; θ ← θ − v",
            lambda *args: _momentum_slip(*args, eta_in_v=True)),
    Mistake("momentum_swapped", "momentum_update", "(v, θ)",
            lambda *args: _momentum_slip(*args, swapped=True)),
    # Adam: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) after t ← t + 1; θ ← θ − η m̂/(√v̂ + ε)
    Mistake("adam_no_bias_correction", "adam_update", "θ ← θ − η m/(√v + ε)",
            lambda *args: _adam(*args, corrected_at=None)),
    Mistake("adam_t_from_zero", "adam_update", "m̂ = m/(1 − β₁ᵗ⁻¹), v̂ = v/(1 − β₂ᵗ⁻¹)",
            lambda *args: _adam(*args, corrected_at=0)),
    Mistake("adam_eps_before_correction", "adam_update", "θ ← θ − η√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(√v + ε)",
            _adam_step_size),
    Mistake("adam_no_eps", "adam_update", "θ ← θ − η m̂/√v̂",
            lambda theta, g, m, v, t, eta, beta1, beta2, eps: _adam(theta, g, m, v, t, eta, beta1, beta2, 0.0)),
    Mistake("adam_eps_in_sqrt", "adam_update", "θ ← θ − η m̂/√(v̂ + ε)",
            lambda theta, g, m, v, t, eta, beta1, beta2, eps: _adam(theta, g, m, v, t, eta, beta1, beta2, 0.0,
                                                                    under_root=eps)),
    Mistake("adam_returns_corrected", "adam_update", "(θ, m̂, v̂, t + 1)",
            lambda *args: _adam_state_slip(*args, hats=True)),
    Mistake("adam_only_m_corrected", "adam_update", "θ ← θ − η m̂/(√v + ε)",
            lambda *args: _adam_state_slip(*args, v_corrected=False)),
    Mistake("adam_t_not_counted", "adam_update", "(θ, m, v, t)",
            lambda *args: _adam_state_slip(*args, counted=False)),
    # AdamW: θ ← θ(1 − ηλ) − η m̂/(√v̂ + ε), λ outside m and v
    Mistake("l2_for_decoupled", "adamw_update", "g ← ∂J/∂θ + λθ; m, v, θ ← Adam(θ, g)",
            lambda theta, g, m, v, t, eta, beta1, beta2, eps, decay: _adam(theta, g, m, v, t, eta, beta1, beta2,
                                                                           eps, l2=decay)),
]


def mistakes_for(signature: str) -> list[Mistake]:
    return [m for m in MISTAKES if m.formula == signature]


def failure_kind(message: str) -> str:
    """What kind of shape error NumPy's ``message`` reports: "matmul" (a product of matrices whose inner sizes
    differ), "broadcast" (an entry-by-entry operation on shapes that do not broadcast) or "other"."""
    if "matmul" in message or "not aligned" in message:
        return "matmul"
    return "broadcast" if "broadcast" in message else "other"


def failure_or_none(mistake: Mistake, args: tuple) -> str | None:
    """The kind of shape error (:func:`failure_kind`) the wrong formula raises on ``args``, or None when it
    computes (a mistake in a function that returns several values computes them all at once)."""
    with np.errstate(all="ignore"):
        try:
            mistake.compute(*args)
        except ValueError as exc:
            return failure_kind(str(exc))
        except ArithmeticError:
            return "other"
    return None


def compute_or_none(mistake: Mistake, args: tuple, pick: int | None = None) -> Array | None:
    """The wrong formula's output on ``args`` — its value ``pick`` where it returns several — or None where it
    cannot be computed (shapes that do not fit)."""
    with np.errstate(all="ignore"):
        try:
            value = mistake.compute(*args)
            return np.asarray(value if pick is None else value[pick], dtype=np.float64)
        except (ValueError, ArithmeticError):
            return None


def not_finite(mistake: Mistake, args: tuple) -> bool:
    """The wrong formula gives ±∞ or NaN on ``args`` somewhere, in any of the values it returns (a division by
    zero: Python's floats raise ZeroDivisionError where NumPy's give these)."""
    with np.errstate(all="ignore"):
        try:
            value = mistake.compute(*args)
        except (ValueError, ArithmeticError):
            return False
    parts = value if isinstance(value, tuple) else (value,)
    return any(not np.all(np.isfinite(np.asarray(part, dtype=np.float64))) for part in parts)
