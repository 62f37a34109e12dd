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

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from manual_mlp import Forward, Gradients

from ..i18n import N_, _, tr
from ..teach.mutants import MUTANTS, Mutant, WrongGradients

Array = np.ndarray

#: what each mistake does, in words (the ones --inject-bug shows too are the mutants' descriptions)
MISTAKE_WORDS = {"exp_sign": N_("the minus sign of the exponent is lost"),
                 "returns_derivative": N_("it returns σ′(z) instead of σ(z)"),
                 "missing_reciprocal": N_("the 1 / (…) is missing"),
                 "tanh_for_sigmoid": N_("it computes tanh instead of σ"),
                 "loss_instead_of_delta": N_("it returns the loss of each sample instead of δ⁽ᴸ⁾"),
                 "theta_transposed": N_("θ⁽ˡ⁺¹⁾ is transposed: δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ᵀ only fits when the layers have the "
                                        "same size"),
                 "transposed_gradient": N_("the product is taken the other way round, giving the transpose of "
                                           "∂J/∂θ⁽ˡ⁾"),
                 "eta_ignored": N_("the learning rate η is left out"),
                 "hyperparameter_fixed": N_("the function uses fixed numbers ({values}) instead of its arguments "
                                            "{args}: right only where the check uses those values"),
                 "adam_correction_fixed": N_("the bias correction alone uses fixed numbers ({values}) instead of "
                                             "the arguments {args}, which m and v do use: m̂ = m/(1 − β₁ᵗ) and "
                                             "v̂ = v/(1 − β₂ᵗ) take the same β₁ and β₂ as the moments, so it is "
                                             "right only where the check uses those values"),
                 "hyperparameter_and_correction_fixed": N_("the function uses fixed numbers ({values}) instead of "
                                                           "its arguments {args}, and its bias correction alone "
                                                           "uses {hat_values} instead of {hat_args}: right only "
                                                           "where the check uses those values"),
                 "returns_change": N_("it returns the change −η∂J/∂θ instead of the new θ"),
                 "undefined_name": N_("it uses {name!r}, which is not defined where the function runs (a notebook "
                                      "variable, or a typo for one of its parameters?)"),
                 "math_on_array": N_("math.exp (or another function of math) takes one number; np.exp works on "
                                     "whole arrays"),
                 "endless_loop": N_("it does not return: an endless loop?"),
                 "shape_mismatch": N_("the shapes do not fit: {shapes}"),
                 "step_two_layers": N_("the step runs on the two-layer networks but not on {cases}: is it written "
                                       "for two layers (θ⁽¹⁾, θ⁽²⁾ unpacked, or indexed one by one)? A step must "
                                       "work for any number of layers: loop over the layers, as the chain of your "
                                       "functions does"),
                 "step_eta_fixed": N_("the step uses η = {used} instead of the eta it is given ({given} here): it "
                                      "passes where η is {used} and fails with any other"),
                 "elementwise_product": N_("δ⁽ˡ⁺¹⁾ and θ⁽ˡ⁺¹⁾ are multiplied entry by entry (*) where the matrix "
                                           "product (@) belongs; the two agree only when layer l+1 has one unit, "
                                           "as in the lab"),
                 "single_precision": N_("the values agree with autograd's to about 7 digits, not 16: the function "
                                        "computes in float32; keep the arrays in float64"),
                 "half_precision": N_("the values are float16 numbers, about 3 significant digits (np.float16 "
                                      "somewhere, or an array made float16): compute in float32 or float64"),
                 "small_difference": N_("the values differ from autograd's by a small, systematic amount (about "
                                        "{size} relative), and they are not float32 numbers: a small constant added "
                                        "(an ε), a clip, an approximation, or a value made float32 on the way "
                                        "(an argument or an intermediate array)?"),
                 "small_difference_float32": N_("the values differ from the exact ones by a small, systematic "
                                                "amount (about {size} relative), more than float32's rounding of "
                                                "this formula allows: a small constant added (an ε), a clip, an "
                                                "approximation, or a form of the formula that loses digits?"),
                 "global_variable": N_("it reads {names} from the notebook instead of its parameters, so it "
                                       "answers for the notebook's data, not for the arrays it is given"),
                 "missing_return": N_("the function computes its result but has no `return`, so Python returns None"),
                 "broadcast": N_("an (N,) array met an (N, 1) array and NumPy broadcast them to (N, N): keep y and "
                                 "a both (N, 1)"),
                 "tanh_of_a": N_("it is handed a = tanh(z) but applies tanh to it again, as if it were z"),
                 "sigma_prime_for_tanh": N_("it uses σ′'s a(1 − a) where tanh′ is 1 − a²"),
                 "one_minus_z_squared": N_("tanh² is tanh(z)², not z²: the tanh is missing"),
                 "ce_not_averaged": N_("the division by N is missing: torch's cross-entropy is a mean over the "
                                       "batch"),
                 "ce_extra_fprime": N_("softmax's derivative is multiplied in again: with cross-entropy the "
                                       "Jacobian and the log already cancel, δ⁽ᴸ⁾ = (a − y)/N"),
                 "hidden_no_tanh_prime": N_("tanh′ = 1 − a⁽ˡ⁾² is missing: the error is only carried back through θ"),
                 "bias_mean_instead_of_sum": N_("δ is averaged over the batch instead of summed (the 1/N is "
                                                "already in δ⁽ᴸ⁾)"),
                 "bias_not_summed": N_("δ is returned without summing over the batch: one row per sample instead "
                                       "of one number per unit"),
                 "bias_not_updated": N_("the biases are not updated: the step returns each b⁽ˡ⁾ as it was "
                                        "given"),
                 "bias_keepdims": N_("the sum over the batch is right but kept 2-D (keepdims): b⁽ˡ⁾ has shape (nₗ,)"),
                 "relu_for_relu_prime": N_("it returns relu(z) itself, not its derivative [z > 0]"),
                 "softmax_no_row_max": N_("the row's largest z is not taken away before e^z: right while z is "
                                          "small, e^z overflows to ∞ beyond z = 709 and ∞/∞ is NaN"),
                 "momentum_other_convention": N_("momentum in the other convention (v = μv − η∂J/∂θ; θ ← θ + v): "
                                                 "it moves θ as torch's does only while η stays constant, its v "
                                                 "being −η times torch's; this assignment asks for torch's "
                                                 "convention (v = μv + ∂J/∂θ; θ ← θ − ηv), and the velocity it "
                                                 "returns is not that one, so it fails"),
                 "adam_no_bias_correction": N_("m and v are used without the bias correction m̂ = m/(1 − β₁ᵗ), v̂ "
                                               "= v/(1 − β₂ᵗ): they start at 0, and without it the first steps "
                                               "have the wrong size"),
                 "ce_averaged_twice": N_("δ⁽ᴸ⁾ is divided by N twice: once is torch's mean"),
                 "ce_divided_by_size": N_("δ⁽ᴸ⁾ is divided by every entry's count (N·n_L, Y.size) instead of the "
                                          "samples N: torch's cross-entropy is a mean over the samples alone"),
                 "softmax_axis0": N_("the max and the sum run over the samples (`axis=0`) instead of over each row's "
                                     "classes (`axis=1`)"),
                 "softmax_global_max": N_("the max is the whole batch's, not each row's: right while z is small, but "
                                          "on a row far below the batch's max every e^z underflows to 0 and 0/0 gives "
                                          "NaN"),
                 "softmax_no_keepdims": N_("a row's max or sum is taken without keepdims=True: its shape (N,) does "
                                           "not broadcast against z's (N, n_L); keep it (N, 1)"),
                 "bias_sum_over_units": N_("δ is summed over the units (`axis=1`), not over the samples (`axis=0`)"),
                 "bias_sum_all": N_("every entry of δ is summed into one number (`np.sum(delta)`): sum over the "
                                    "samples alone, `axis=0`"),
                 "momentum_dampening": N_("the gradient enters the velocity as (1 − μ)∂J/∂θ (dampening): torch's SGD "
                                          "adds ∂J/∂θ itself"),
                 "momentum_nesterov": N_("it is Nesterov's momentum (θ ← θ − η(∂J/∂θ + μv)): the assignment asks for "
                                         "the plain one, θ ← θ − ηv"),
                 "momentum_old_velocity": N_("θ steps with the velocity it was given, before the update v ← μv + "
                                             "∂J/∂θ"),
                 "momentum_eta_in_velocity": N_("η goes into the velocity (v ← μv + η∂J/∂θ; θ ← θ − v): θ moves as "
                                                "torch's does while η stays constant, but the velocity is η times "
                                                "torch's"),
                 "momentum_swapped": N_("it returns (v, θ): the order is (θ, v)"),
                 "adam_returns_corrected": N_("it returns m̂ and v̂ as the state: the state is m and v, uncorrected "
                                              "(the correction is made anew at every step)"),
                 "adam_only_m_corrected": N_("only m is corrected: v̂ = v/(1 − β₂ᵗ) is missing in the denominator"),
                 "adam_t_not_counted": N_("the t it returns is the one it was given: return t + 1, the steps made so "
                                          "far"),
                 "n_fixed": N_("δ⁽ᴸ⁾ is divided by a fixed {k} where this batch's N belongs: right on the batches "
                               "of {k}, wrong on any other (a last, smaller batch); divide by len(aL)"),
                 "adam_betas_float32": N_("β₁ and β₂ are made float32 numbers first (np.float32(beta2)): 1 − β "
                                          "then carries β's float32 rounding, magnified by 1/(1 − β) (at β₂ = "
                                          "0.999, 1 − β₂ = 0.00099998713, a relative 1.3e-5), far more than the "
                                          "update's own rounding; keep β₁ and β₂ Python floats"),
                 "adam_no_eps": N_("ε is left out of the denominator: torch divides by √v̂ + ε"),
                 "adam_eps_in_sqrt": N_("ε is added inside the root, √(v̂ + ε): torch adds it after the root, √v̂ + ε"),
                 "adam_eps_squared_in_sqrt": N_("ε² is added inside the root, √(v̂ + ε²), so that ε stays ε's size: "
                                                "torch adds ε after the root, √v̂ + ε, and the two differ where v̂ "
                                                "is small"),
                 "adam_t_from_zero": N_("the bias correction uses t before its increment (t starting at 0): 1 − "
                                        "β₁⁰ = 0 divides by zero on the first step, and every later correction is "
                                        "one step behind"),
                 "adam_t_from_zero_guarded": N_("the bias correction uses t before its increment, kept at least 1 "
                                                "(max(t, 1)): right on the first step, one step behind on every "
                                                "later one; use t + 1, the steps made so far"),
                 "adam_eps_before_correction": N_("ε is added to √v before the bias correction (the Adam paper's "
                                                  "faster form, the corrections in the step size): torch adds it "
                                                  "to √v̂, after the correction, and the two differ most in the "
                                                  "first steps"),
                 "l2_for_decoupled": N_("the weight decay is L2, added to the gradient (∂J/∂θ + λθ), so it goes "
                                        "through m and v as Adam's does; AdamW decouples it: θ ← θ(1 − ηλ), "
                                        "outside the moments"),
                 "changes_argument": N_("it changes its argument {argument} in place ({argument} *= …, "
                                        "{argument}[…] = …): the caller's {argument} changes too, and whatever "
                                        "reads it after the call (the rest of a training step, a cell run "
                                        "again) reads the changed values; compute a new array instead")}

#: a mistake's words where the assignment's loss is a mean (cross-entropy), in place of MISTAKE_WORDS' (or the
#: mutant's, written for lab1's J = ½Σ, which sums over the batch)
MEAN_LOSS_WORDS = {"mean_instead_of_sum": N_("the gradient is divided by N again: with a mean loss the 1/N is "
                                             "already in δ⁽ᴸ⁾, so ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ sums over the batch")}


def _sigma(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Mistake:
    name: str
    formula: str                  # the signature it is a mistake in (mlp_harness.check.catalogue)
    wrong: str                    # the formula it computes
    compute: Callable[..., Array]  # the lab's arguments -> the wrong output
    key: str = ""                 # its words' key in MISTAKE_WORDS, when not its name …
    words: tuple[tuple[str, str], ...] = ()   # … and the fields they are filled with

    def describe(self, lang: str = "en", loss: str = "half_sse") -> str:
        """'name: what was done (computes …)' in ``lang``; shared with --inject-bug's wording where it exists.
        ``loss``: the assignment's, where the words differ for a mean loss (:data:`MEAN_LOSS_WORDS`)."""
        key = self.key or self.name
        words = MEAN_LOSS_WORDS.get(key) if loss != "half_sse" else None
        words = words or MISTAKE_WORDS.get(key)
        description = tr(lang, words, **dict(self.words)) if words else MUTANTS[self.name].describe(lang)
        return tr(lang, "{name}: {description} (computes {wrong})", name=self.name, description=description,
                  wrong=self.wrong)


def _other_convention(theta: Array, g: Array, v: Array, eta: float, mu: float) -> tuple[Array, Array]:
    """Momentum written v ← μv − ηg; θ ← θ + v (the velocity holds −η times torch's)."""
    v = mu * v - eta * g
    return theta + v, v


def _adam(theta, g, m, v, t, eta, beta1, beta2, eps, corrected_at=1, l2=0.0, under_root=0.0, hat_betas=None,
          at_least=0):
    """Adam with a slip: bias corrections at t + ``corrected_at`` (1 is right, 0 is t before its increment,
    None leaves them out), at ``at_least`` if that is more, and with ``hat_betas`` (β₁, β₂) in place of the
    moments' (None: the same, as is right); ``l2`` added to g as coupled decay; ``under_root`` added to v̂ inside
    the √. Returns (θ, m, v, t + 1)."""
    g = g + l2 * theta
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
    c1, c2 = hat_betas or (beta1, beta2)
    if corrected_at is None:
        m_hat, v_hat = m, v
    else:
        power = max(t + corrected_at, at_least)
        m_hat, v_hat = m / (1 - c1 ** power), v / (1 - c2 ** power)
    return theta - eta * m_hat / (np.sqrt(v_hat + under_root) + eps), m, v, t + 1


def _float32(*numbers: float) -> list[np.float32]:
    """Each number made a float32 scalar, as np.float32(beta) makes it: 1 − β and βᵗ are then float32 too."""
    return [np.float32(x) for x in numbers]


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


def _adamw(theta, g, m, v, t, eta, beta1, beta2, eps, decay, **slips):
    return _adam(theta * (1 - eta * decay), g, m, v, t, eta, beta1, beta2, eps, **slips)


#: each update's formula as its signature asks it: a mistake that writes a hyper-parameter as a number is this
#: formula with that number in the argument's place (:func:`fixed_hyperparameters`)
UPDATE_FORMULAS = {"sgd_update": _sgd, "momentum_update": _momentum, "adam_update": _adam, "adamw_update": _adamw}
#: where a number may stand for a hyper-parameter: everywhere it is used ("") or, for Adam's β₁ and β₂ (their
#: places in adam_update's and adamw_update's arguments), in the bias correction alone ("correction")
EVERYWHERE, CORRECTION = "", "correction"
CORRECTED = {"adam_update": (6, 7), "adamw_update": (6, 7)}


def placements(signature: str, place: int) -> tuple[str, ...]:
    """Where a number may stand for the argument at ``place`` of the update ``signature``."""
    return (EVERYWHERE, CORRECTION) if place in CORRECTED.get(signature, ()) else (EVERYWHERE,)


def fixed_hyperparameters(signature: str, formula: str, fixed: dict[int, tuple[str, str, float, str]]) -> Mistake:
    """The update ``signature`` with the hyper-parameters of ``fixed`` ({argument's place: (its name, its
    symbol, the number, where: EVERYWHERE or CORRECTION)}) written as numbers: what ``return theta - 0.5 * grad``,
    Adam with 0.9 and 0.999, or Adam's ``m / (1 - 0.9 ** t)`` beside ``beta1 * m`` computes. Named eta_fixed
    when η alone is fixed, adam_correction_fixed when only the correction has numbers, hyperparameter_fixed
    otherwise; its wrong formula is the right one (``formula``) with the numbers in the symbols' place (β₁ᵗ,
    β₂ᵗ alone for the correction)."""
    right = UPDATE_FORMULAS[signature]

    def compute(*args):
        values = [fixed[i][2] if i in fixed and fixed[i][3] == EVERYWHERE else arg for i, arg in enumerate(args)]
        if all(where == EVERYWHERE for *_, where in fixed.values()):
            return right(*values)
        hats = tuple(fixed[i][2] if i in fixed else values[i] for i in CORRECTED[signature])
        return right(*values, hat_betas=hats)
    wrong = formula
    for _, symbol, value, where in fixed.values():
        power = "ᵗ" if where == CORRECTION else ""   # β₁ᵗ and β₂ᵗ are in the correction alone
        wrong = wrong.replace(symbol + power, f"{value:g}{power}")
    key, words = fixed_words(fixed)
    return Mistake(fixed_name(fixed), signature, wrong, compute, key, words)


def fixed_batch_size(k: int) -> Mistake:
    """softmax with cross-entropy's δ⁽ᴸ⁾ divided by a fixed ``k`` where each batch's N belongs: right on the
    batches of k only (a last, smaller batch shows it)."""
    return Mistake("n_fixed", "delta_L_softmax_cross_entropy", f"(a⁽ᴸ⁾ − y) / {k}", lambda a, y: (a - y) / k,
                   "n_fixed", (("k", str(k)),))


def fixed_name(fixed: dict[int, tuple[str, str, float, str]]) -> str:
    names = [(name, where) for name, _, _, where in fixed.values()]
    if names == [("eta", EVERYWHERE)]:
        return "eta_fixed"
    return "adam_correction_fixed" if all(where == CORRECTION for _, where in names) else "hyperparameter_fixed"


def fixed_words(fixed: dict[int, tuple[str, str, float, str]]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(the key of a fixed-numbers mistake's words in MISTAKE_WORDS, the fields they are filled with)."""
    def fields(where: str, prefix: str = "") -> tuple[tuple[str, str], ...]:
        chosen = [fixed[i] for i in sorted(fixed) if fixed[i][3] == where]
        return ((prefix + "values", ", ".join(f"{symbol} = {value:g}" for _, symbol, value, _ in chosen)),
                (prefix + "args", ", ".join(name for name, *_ in chosen)))
    kinds = {where for *_, where in fixed.values()}
    if kinds == {CORRECTION}:
        return "adam_correction_fixed", fields(CORRECTION)
    if kinds == {EVERYWHERE}:
        return "hyperparameter_fixed", fields(EVERYWHERE)
    return "hyperparameter_and_correction_fixed", fields(EVERYWHERE) + fields(CORRECTION, "hat_")


MISTAKES: list[Mistake] = [
    # σ(z) = 1 / (1 + e^(−z))
    Mistake("exp_sign", "sigmoid", "1 / (1 + eᶻ) = σ(−z)", lambda z: 1.0 / (1.0 + np.exp(z))),
    Mistake("returns_derivative", "sigmoid", "σ(z)(1 − σ(z))", lambda z: _sigma(z) * (1 - _sigma(z))),
    Mistake("missing_reciprocal", "sigmoid", "1 + e^(−z)", lambda z: 1.0 + np.exp(-z)),
    Mistake("tanh_for_sigmoid", "sigmoid", "tanh(z)", lambda z: np.tanh(z)),
    # BP1: δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)
    Mistake("residual_sign", "delta_L_sigmoid_half_sse", "(y − a⁽ᴸ⁾) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)",
            lambda a, y: (y - a) * a * (1 - a)),
    Mistake("half_dropped", "delta_L_sigmoid_half_sse", "2(a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)",
            lambda a, y: 2 * (a - y) * a * (1 - a)),
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
    Mistake("adam_t_from_zero_guarded", "adam_update", "m̂ = m/(1 − β₁^max(t, 1)), v̂ = v/(1 − β₂^max(t, 1))",
            lambda *args: _adam(*args, corrected_at=0, at_least=1)),
    Mistake("adam_eps_before_correction", "adam_update", "θ ← θ − η√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(√v + ε)",
            _adam_step_size),
    Mistake("adam_betas_float32", "adam_update", "β₁, β₂ ← float32(β₁), float32(β₂); θ ← θ − η m̂/(√v̂ + ε)",
            lambda theta, g, m, v, t, eta, beta1, beta2, eps: _adam(theta, g, m, v, t, eta, *_float32(beta1, beta2),
                                                                    eps)),
    Mistake("adam_no_eps", "adam_update", "θ ← θ − η m̂/√v̂",
            lambda theta, g, m, v, t, eta, beta1, beta2, eps: _adam(theta, g, m, v, t, eta, beta1, beta2, 0.0)),
    Mistake("adam_eps_in_sqrt", "adam_update", "θ ← θ − η m̂/√(v̂ + ε)",
            lambda theta, g, m, v, t, eta, beta1, beta2, eps: _adam(theta, g, m, v, t, eta, beta1, beta2, 0.0,
                                                                    under_root=eps)),
    Mistake("adam_eps_squared_in_sqrt", "adam_update", "θ ← θ − η m̂/√(v̂ + ε²)",
            lambda theta, g, m, v, t, eta, beta1, beta2, eps: _adam(theta, g, m, v, t, eta, beta1, beta2, 0.0,
                                                                    under_root=eps * eps)),
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


# --- whole steps on a network with biases: the right backward pass, its gradients gathered wrongly ---------------

class StepMistake(Mutant):
    """A mistake in a whole step on a network with biases, named as the same mistake in its own function is
    (its words in :data:`MISTAKE_WORDS`)."""

    def __init__(self, name: str, wrong: str, rewrite: Callable[[Gradients, Forward], Gradients]):
        super().__init__(name, "", "", wrong, self.build_with(rewrite), self.needs_biases)

    @staticmethod
    def build_with(rewrite: Callable[[Gradients, Forward], Gradients]) -> Callable:
        return lambda thetas, biases, config: WrongGradients(thetas, biases, config.activation,
                                                             config.output_activation, rewrite=rewrite)

    @staticmethod
    def needs_biases(sizes, bias, n) -> str | None:
        return None if bias else _("it is in b, so the network needs biases")

    def describe(self, lang: str = "en") -> str:
        return tr(lang, MISTAKE_WORDS[self.name])


def _times(grads: Gradients, theta: float, b: float) -> Gradients:
    """Every ∂J/∂θ times ``theta`` and every ∂J/∂b times ``b``."""
    return replace(grads, nabla_thetas=[g * theta for g in grads.nabla_thetas],
                   nabla_biases=[g * b for g in grads.nabla_biases])


def _batch_size(grads: Gradients) -> int:
    return grads.deltas[0].shape[0]


STEP_MISTAKES = [
    StepMistake("bias_not_updated", "b⁽ˡ⁾ ← b⁽ˡ⁾", lambda g, fwd: _times(g, 1.0, 0.0)),
    StepMistake("bias_mean_instead_of_sum", "∂J/∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾[n, :] / N",
                lambda g, fwd: _times(g, 1.0, 1.0 / _batch_size(g))),
    StepMistake("ce_not_averaged", "δ⁽ᴸ⁾ = a⁽ᴸ⁾ − y; N·∂J/∂θ⁽ˡ⁾, N·∂J/∂b⁽ˡ⁾",
                lambda g, fwd: _times(g, _batch_size(g), _batch_size(g))),
    # δ⁽ᴸ⁾/N² and the gradients divided by N again give the same step: every gradient is linear in δ⁽ᴸ⁾
    StepMistake("ce_averaged_twice", "δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) / N²; ∂J/∂θ⁽ˡ⁾ / N, ∂J/∂b⁽ˡ⁾ / N",
                lambda g, fwd: _times(g, 1.0 / _batch_size(g), 1.0 / _batch_size(g))),
]
#: the step mistakes that belong to one loss (their words say so): the others may happen with any
STEP_MISTAKE_LOSS = {"ce_not_averaged": "cross_entropy", "ce_averaged_twice": "cross_entropy"}
#: the mistakes of mlp-compare --inject-bug that a whole step with biases can show, in any network's words
STEP_MUTANTS = ("sign_flipped", "hidden_no_sigma_prime", "theta_l_in_hidden_delta", "missing_transpose",
                "bias_grad_first_sample", "updated_theta_in_backward")


def step_mistakes(loss: str) -> list[Mutant]:
    """The mistakes a whole step on a network with biases and ``loss`` is diagnosed with (see
    mlp_harness.check.steps)."""
    own = [m for m in STEP_MISTAKES if STEP_MISTAKE_LOSS.get(m.name, loss) == loss]
    return own + [MUTANTS[name] for name in STEP_MUTANTS]


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
