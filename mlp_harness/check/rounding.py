"""A float32 assignment's rule: each call's exact answer, and how far a right float32 function may be from it.

In a float32 assignment (``dtype = "float32"``) every array a function is handed is float32 — autograd's own
float32 values — and its hyper-parameters are Python floats, as in a notebook that keeps its arrays in
float32. A call is judged entry by entry against the *exact* answer, the formula evaluated in float64 on
those same float32 inputs:

    |got − exact| ≤ E,

E the rounding-error bound of the formula below, computed for that call. torch's float32 answer (what a
message shows as autograd's) lies within E too, which the plan checks on every call
(:func:`mlp_harness.check.plan.refuse_unsound`).

The proof. u = 2⁻²⁴ (float32's unit roundoff). Every operation of float32 or float64 arithmetic returns
x(1 + δ) with |δ| ≤ u (float64's δ is smaller still), a fused multiply-add one rounding instead of two;
a float32 library function (np.exp, np.tanh, np.sqrt, torch's; math's in float64 then rounded) is within
4 ulps, a relative λ = 8u (``ELEMENTWISE_ULPS``·u of :mod:`mlp_harness.verify.error_bounds`). The inputs
are exact: they are the float32 numbers handed over. Then an expression of k roundings built from +, −, ×,
÷ is off by at most γ_k·M, γ_k = ku/(1 − ku) ≤ (k + 1)u for k ≤ 4095 (Higham, *Accuracy and Stability
of Numerical Algorithms*, §3.1), where M is the same expression with every input and every subtraction
made nonnegative (|a| + |y| for a − y): that holds for any order of the sums — NumPy's pairwise sums,
a BLAS kernel's blocked and fused ones, a loop's, einsum's — and so for ``@``, ``np.dot``, ``np.einsum``
and explicit loops alike. For a sum of K products (a matmul entry) k = K, M = Σ|terms|. Each bound
below counts the roundings of the written forms it names, plus one: a function that computes in float64
and returns float32, or returns float64, rounds once more at most. The bounds' own arithmetic (float64,
a relative K·2⁻⁵³ at most) and the exact answers' (float64, a few 2⁻⁵³ relative) are far inside that
margin. An underflow adds an absolute error below float32's smallest normal number per operation:
:data:`FLOOR` covers it. The hyper-parameters are rounded to float32 where they meet a float32 array
(η·g): one rounding more each, counted.

What it does not cover: a formula that is right in exact arithmetic but evaluated in a form whose
rounding the bound does not count (each bound names the forms it covers); a hyper-parameter made a
float32 number before the arithmetic on it (1 − β₂ᵗ in float32 loses most of its digits).

Whole steps (a ``step()``, or the functions chained into one) have their own rule, :func:`step_allowed`: the
bound of a whole step of :mod:`mlp_harness.verify.error_bounds`, as ``mlp-compare`` holds its two twins to it.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from manual_mlp import OptimizerSettings, StepRecord
from manual_mlp import activations as act
from manual_mlp.losses import targets_matrix

from ..verify.error_bounds import ELEMENTWISE_ULPS, Arithmetic, StepStart, adam_bounds, sgd_bounds, step_bounds
from ..verify.tolerance import StepLimits
from .mistakes import UPDATE_FORMULAS

Array = np.ndarray

ARITHMETIC = Arithmetic.of("float32")
U = ARITHMETIC.u
#: a float32 library function's relative error: 4 ulps
LIBRARY = ELEMENTWISE_ULPS * U
#: the absolute error underflow may add: below float32's smallest normal number per operation, 64 operations
FLOOR = 64 * ARITHMETIC.floor
#: σ's absolute error, whichever of its forms: 1/(1 + e^(−z)) and e^z/(1 + e^z) are off by a relative
#: 2λ + 3u at most (e^z, the sum, the division), (1 + tanh(z/2))/2 by an absolute λ + 3u; σ ≤ 1, one more u
SIGMOID = 2 * LIBRARY + 4 * U


def rounds(k: int, magnitude: Array) -> Array:
    """γ_k·M, made (k + 1)u·M: k roundings of an expression whose inputs and differences made nonnegative give M."""
    return (k + 1) * U * magnitude


def products(left: Array, right: Array) -> Array:
    """Σ|terms| of each entry of left·right: |left|·|right| in float64."""
    return np.abs(left) @ np.abs(right)


# --- the activations and their derivatives ---------------------------------------------------------------------

def sigmoid_bound(z: Array, a: Array) -> Array:
    """σ(z): 1/(1 + e^(−z)), e^z/(1 + e^z), (1 + tanh(z/2))/2 or SciPy's expit: :data:`SIGMOID`, absolute."""
    return np.full(np.shape(a), SIGMOID)


def tanh_bound(z: Array, a: Array) -> Array:
    """tanh(z): np.tanh (λ|a|); (eᶻ − e^(−z))/(eᶻ + e^(−z)) and (1 − e^(−2z))/(1 + e^(−2z)) (λ + u + (λ + 2u)|a|);
    2σ(2z) − 1 (twice σ's, and the subtraction's u(1 + |a|)), which is the largest of them."""
    return 2 * SIGMOID + U * (1 + np.abs(a))


def relu_bound(z: Array, a: Array) -> Array:
    """max(z, 0), z·[z > 0], (z + |z|)/2, np.where: exact; u|a| for a value rounded from float64 anyway."""
    return U * np.abs(a)


def softmax_bound(z: Array, a: Array) -> Array:
    """e^(z − m)/Σₖ e^(zₖ − m), m the row's max, or e^z/Σₖ e^(zₖ) (no shift: its exponents are exact).

    z − m rounds to (z − m)(1 + δ), which moves e^(z − m) by a relative |z − m|·u: with the exponential's λ,
    each eⱼ is off by a relative ρⱼ = λ + u|zⱼ − m|. The row's sum (n − 1 additions) is then off by
    Σₖ eₖρₖ + γ_(n−1)Σₖ eₖ, and the division by u: aⱼ is off by aⱼ(ρⱼ + Σₖ aₖρₖ + γ_(n−1) + u), made
    aⱼ(ρⱼ + Σₖ aₖρₖ + (n + 3)u) for the final rounding and second-order terms."""
    rho = LIBRARY + U * np.abs(z - z.max(axis=1, keepdims=True))
    return a * (rho + np.sum(a * rho, axis=1, keepdims=True) + (z.shape[1] + 3) * U)


def sigmoid_prime_a_bound(a: Array, fprime: Array) -> Array:
    """a(1 − a) or a − a·a: 2 roundings, M = |a|(1 + |a|)."""
    return rounds(3, np.abs(a) * (1 + np.abs(a)))


def tanh_prime_a_bound(a: Array, fprime: Array) -> Array:
    """1 − a·a (2 roundings) or (1 − a)(1 + a) (3): M = 1 + a²."""
    return rounds(4, 1 + a * a)


def tanh_prime_z_bound(z: Array, fprime: Array) -> Array:
    """1 − t², t = tanh(z) off by E(t) (:func:`tanh_bound`, any of its forms): 2|t|E(t) + E(t)², and the square
    and the subtraction's own γ₃(1 + t²); or 1/cosh²(z), cosh from e^z and e^(−z): a relative 2λ + 5u."""
    t = np.tanh(z)
    E_t = tanh_bound(z, t)
    return (2 * np.abs(t) + E_t) * E_t + rounds(3, 1 + t * t) + (2 * LIBRARY + 5 * U) * np.abs(fprime)


def relu_prime_z_bound(z: Array, fprime: Array) -> Array:
    """[z > 0]: exact."""
    return np.zeros(np.shape(fprime))


# --- the backward pass -------------------------------------------------------------------------------------------

def delta_L_sigmoid_bound(a: Array, y: Array, delta: Array) -> Array:
    """(a − y) ⊙ a(1 − a), in any grouping or expansion ((a − y)(a − a²), (a² − ay)(1 − a), …): at most 6
    roundings, M = (|a| + |y|)·|a|(1 + |a|)."""
    return rounds(7, (np.abs(a) + np.abs(y)) * np.abs(a) * (1 + np.abs(a)))


def delta_L_cross_entropy_bound(a: Array, y: Array, delta: Array) -> Array:
    """(a − y)/N or (a − y)·(1/N): at most 3 roundings, M = (|a| + |y|)/N."""
    return rounds(4, (np.abs(a) + np.abs(y)) / a.shape[0])


def hidden_delta_bound(fprime_magnitude: Array, fprime_roundings: int) -> Callable[..., Array]:
    """δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′: the product, K = nₗ₊₁ roundings per entry in any order, times f′ (its own roundings,
    ``fprime_roundings``), the product's one and the final one: M = (|δ⁽ˡ⁺¹⁾|·|θ⁽ˡ⁺¹⁾|) ⊙
    ``fprime_magnitude``(its input)."""
    def bound(delta_next: Array, theta_next: Array, given: Array, delta: Array) -> Array:
        K = theta_next.shape[0]
        return rounds(K + fprime_roundings + 2, products(delta_next, theta_next) * fprime_magnitude(given))
    return bound


def gradient_bound(delta: Array, a_prev: Array, grad: Array) -> Array:
    """δᵀa⁽ˡ⁻¹⁾ (or (a⁽ˡ⁻¹⁾ᵀδ)ᵀ, loops, einsum): a sum of N products (γ_N), and the final rounding; M =
    |δ|ᵀ|a⁽ˡ⁻¹⁾|."""
    return rounds(delta.shape[0] + 1, products(delta.T, a_prev))


def bias_gradient_bound(delta: Array, grad: Array) -> Array:
    """Σₙ δ[n, :]: N − 1 additions and the final rounding, M = Σₙ|δ[n, :]|."""
    return rounds(delta.shape[0], np.abs(delta).sum(axis=0))


# --- the updates: verify.error_bounds' own, with an exact gradient ---------------------------------------------

def sgd_bound(theta: Array, g: Array, eta: float, new: Array) -> Array:
    """θ − ηg (η rounded to float32, the product, the difference: 3 roundings of |θ| + η|g|): error_bounds'
    :func:`sgd_bounds`, 8u(|θ| + η|g|)."""
    return sgd_bounds(ARITHMETIC, OptimizerSettings("sgd", eta), theta, g, np.zeros_like(g), None)["param"]


def momentum_bound(theta: Array, g: Array, v: Array, eta: float, mu: float, new: tuple) -> tuple[Array, Array]:
    """v ← μv + g (3 roundings of μ|v| + |g|), θ ← θ − ηv (its v's error times η, and 3 roundings of |θ| + η|v|;
    θ − ημv − ηg expanded: 6 of |θ| + ημ|v| + η|g|): error_bounds' :func:`sgd_bounds` with momentum, 8u each."""
    bounds = sgd_bounds(ARITHMETIC, OptimizerSettings("sgd", eta, mu), theta, g, np.zeros_like(g), v)
    return bounds["param"], bounds["momentum_buffer"]


def adam_bound(decoupled: bool) -> Callable[..., tuple]:
    """Adam (AdamW when ``decoupled``), error_bounds' :func:`adam_bounds` with an exact gradient at step t + 1:
    m and v within 8u of their Σ|terms| (βm + (1 − β)g or torch's m + (1 − β)(g − m), 4 roundings), θ within
    its ratio's carried errors and 8u of each stage (the corrections, √, + ε, the division, η: about 9u in all);
    t exact."""
    def bound(theta, g, m, v, t, eta, beta1, beta2, eps, *rest) -> tuple:   # rest: (λ,) for AdamW, and the answer
        settings = OptimizerSettings("adamw" if decoupled else "adam", eta, 0.0, False, rest[0] if decoupled else 0.0,
                                     (beta1, beta2), eps)
        out = adam_bounds(ARITHMETIC, settings, t + 1, theta, g, np.zeros_like(g), m, v)
        return out["param"], out["exp_avg"], out["exp_avg_sq"], np.zeros(())
    return bound


def exact_update(name: str) -> Callable[..., tuple]:
    def exact(*args):
        value = UPDATE_FORMULAS[name](*args)
        return value if isinstance(value, tuple) else (value,)
    return exact


# --- the catalogue's formulas, exact, and their bounds --------------------------------------------------------------

def _output_delta(a: Array, y: Array) -> Array:
    return (a - y) * act.sigmoid_grad(None, a)


#: each signature's exact answer from its (float64) arguments: the value, or a tuple for an update with its state
EXACT: dict[str, Callable[..., object]] = {
    "sigmoid": act.sigmoid, "tanh": act.tanh, "relu": act.relu, "softmax": act.softmax,
    "sigmoid_prime_a": lambda a: act.sigmoid_grad(None, a), "tanh_prime_a": lambda a: act.tanh_grad(None, a),
    "tanh_prime_z": lambda z: act.tanh_grad(z, np.tanh(z)), "relu_prime_z": lambda z: act.relu_grad(z, None),
    "delta_L_sigmoid_half_sse": _output_delta,
    "delta_L_softmax_cross_entropy": lambda a, y: (a - y) / a.shape[0],
    "delta_l_sigmoid": lambda d, theta, a: (d @ theta) * act.sigmoid_grad(None, a),
    "delta_l_tanh": lambda d, theta, a: (d @ theta) * act.tanh_grad(None, a),
    "delta_l_relu": lambda d, theta, z: (d @ theta) * act.relu_grad(z, None),
    "gradient": lambda d, a_prev: d.T @ a_prev, "bias_gradient": lambda d: d.sum(axis=0),
    "sgd_update": UPDATE_FORMULAS["sgd_update"],
    "momentum_update": exact_update("momentum_update"), "adam_update": exact_update("adam_update"),
    "adamw_update": exact_update("adamw_update")}

#: each signature's bound E: its arguments and its exact answer -> E (a tuple for an update with its state)
BOUNDS: dict[str, Callable[..., object]] = {
    "sigmoid": sigmoid_bound, "tanh": tanh_bound, "relu": relu_bound, "softmax": softmax_bound,
    "sigmoid_prime_a": sigmoid_prime_a_bound, "tanh_prime_a": tanh_prime_a_bound,
    "tanh_prime_z": tanh_prime_z_bound, "relu_prime_z": relu_prime_z_bound,
    "delta_L_sigmoid_half_sse": delta_L_sigmoid_bound, "delta_L_softmax_cross_entropy": delta_L_cross_entropy_bound,
    "delta_l_sigmoid": hidden_delta_bound(lambda a: np.abs(a) * (1 + np.abs(a)), 2),
    "delta_l_tanh": hidden_delta_bound(lambda a: 1 + a * a, 3),
    "delta_l_relu": hidden_delta_bound(lambda z: (z > 0).astype(np.float64), 0),
    "gradient": gradient_bound, "bias_gradient": bias_gradient_bound,
    "sgd_update": sgd_bound, "momentum_update": momentum_bound, "adam_update": adam_bound(False),
    "adamw_update": adam_bound(True)}


def widened(args: tuple) -> tuple:
    """The arguments with every array made float64 (exactly: float32 numbers are float64 numbers)."""
    return tuple(np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in args)


def call_rule(signature: str, args: tuple, pick: int | None) -> tuple[Array, Array]:
    """(the exact answer, E) of one call of ``signature`` on ``args``, value ``pick`` of a function that returns
    several; both float64, of the answer's shape. E includes :data:`FLOOR`."""
    wide = widened(args)
    with np.errstate(all="ignore"):
        exact = EXACT[signature](*wide)
        bound = BOUNDS[signature](*wide, exact)
    if pick is not None:
        exact, bound = exact[pick], bound[pick]
    exact = np.asarray(exact, dtype=np.float64)
    return exact, np.broadcast_to(np.asarray(bound, dtype=np.float64), exact.shape) + FLOOR


def within(exact: Array, allowed: Array, got: Array) -> Array:
    """|got − exact| ≤ allowed, entry by entry (NaN never within)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.abs(got - exact) <= allowed


# --- whole steps ---------------------------------------------------------------------------------------------------

def step_allowed(config, record: StepRecord, thetas: list[Array], biases: list[Array] | None,
                 Y: Array) -> list[Array]:
    """How far each new θ⁽ˡ⁾ (then each new b⁽ˡ⁾) of a float32 step may be from autograd's, entry by entry:
    2E + floor (:class:`mlp_harness.verify.tolerance.StepLimits`), E the bound :func:`~mlp_harness.verify.
    error_bounds.step_bounds` gives for ``record``, autograd's float32 step on the batch whose targets are ``Y``
    from ``thetas`` and ``biases``, run with ``config`` (a RunConfig: the network's activations, loss and SGD's η).

    Why it holds a right step. step_bounds' E bounds the error of *one* float32 computation of the step against
    the exact step from the same start (see its module): every product in any order of its sums, every library
    function within a few ulps, the update's roundings — the premises :mod:`.rounding`'s single calls rest on,
    for the whole forward pass, backward pass and update at once. Its one other premise is that the start is
    exact and common, and it is: the student's step is handed float32 arrays (X, Y, and the θ and b its previous
    step returned, rounded to float32 where it runs: ``execute.as_handed``) and autograd's step starts from
    exactly those numbers (float32 loads them exactly). A right student's step is such a computation (one in
    float64 is closer still, and returning float64 or rounding back to float32 adds one rounding of the new θ,
    which the update's own rounding term, 8u(|θ| + η|∇|), already counts), and so is autograd's: both lie
    within E of the exact step, hence within 2E of each other; floor (float32's smallest normal number) covers
    underflow. An entry whose E overflowed is +∞: :func:`unbounded_step` tells it apart, as no verdict can be
    drawn there. The plan checks that autograd's first step of each case is within E of the exact one
    (:func:`mlp_harness.check.plan.refuse_unsound_steps`)."""
    limits = step_limits(config, record, thetas, biases, Y)
    allowed = [limits.allowed("theta", l, t) for l, t in enumerate(record.thetas, start=1)]
    return allowed + ([limits.allowed("b", l, b) for l, b in enumerate(record.biases, start=1)] if biases else [])


def step_limits(config, record: StepRecord, thetas: list[Array], biases: list[Array] | None, Y: Array) -> StepLimits:
    """The bounds E of every quantity of ``record`` (see :func:`step_allowed`), as verify's StepLimits."""
    rule = config.tolerance   # the RunConfig's ErrorBound: its arithmetic (float32) and formulas
    start = StepStart(list(thetas), None if biases is None else list(biases), {},
                      targets_matrix(Y, record.activations[-1].shape[1], Y.dtype))
    return StepLimits(step_bounds(rule.arithmetic, rule.formulas, record, start), rule.arithmetic.floor)


def unbounded_step(allowed: list[Array]) -> bool:
    """Some entry of a step's allowed differences is +∞: its bound's own arithmetic overflowed."""
    return not all(np.all(np.isfinite(a)) for a in allowed)
