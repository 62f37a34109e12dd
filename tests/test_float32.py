"""float32 assignments (``dtype = "float32"``): float32 arguments, each call held to the exact answer within its
formula's float32 rounding-error bound (mlp_harness/check/rounding.py).

Every assertion is a decision of the checker's (pass / fail, a mistake's name, within a bound or not), never a
last bit. A right function passes whatever its summation order or BLAS kernel: the bounds hold for any order
(the worst right form below came to 0.4 of its bound), and the catalogued mistakes move their values by many
bounds (the closest, Adam's ε put under the root or left out, by 20 bounds at ε = 1e-3).
"""
import functools
import textwrap
import tempfile
from pathlib import Path

import numpy as np
import pytest

from exercise_solution_lab2 import MISTAKES as LAB2_MISTAKES, SOLUTION as LAB2_SOLUTION
from handins import LAB3_RIGHT, lab3_source
from test_check_diagnosis import FIXED, PAIRS, WHERE, assignment_text, hand_in
from test_lab3 import MISTAKES as LAB3_MISTAKES
from mlp_harness.check import check_lab, rounding
from mlp_harness.check.api import plan_for
from mlp_harness.check.assignment import describe, load_assignment
from mlp_harness.check.cases import assignment_cases
from mlp_harness.check.execute import run_task
from mlp_harness.check.plan import make_plan
from mlp_harness.check.verdict import judge_formula
from manual_mlp.validation import InputError

#: the mistakes float32 cannot tell from another catalogued one, each with the other: the function fails and both
#: are named, "one of these, which give the same numbers here" (ε written as 1e-8 and no ε at all: at ε = 1e-3
#: they give the same θ within its bound, which 1e-8 next to √v̂ ≈ 1e-3 stays far below)
AMBIGUOUS = {"adam_no_eps": "adam_no_eps / hyperparameter_fixed", "ε = 1e-08": "adam_no_eps / hyperparameter_fixed"}


def float32_text(name: str, step: bool = False) -> str:
    """A teacher's file: the assignment ``name`` (test_check_diagnosis's, built-in or a variant) in float32,
    without its whole step unless ``step``."""
    text = assignment_text(name).replace('dtype = "float64"\n', "").replace("[network]\n",
                                                                           '[network]\ndtype = "float32"\n')
    return "\n".join(line for line in text.splitlines() if step or not line.startswith("step ")) + "\n"


@functools.cache
def float32(name: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}-float32.toml"
        path.write_text(float32_text(name), encoding="utf-8")
        return load_assignment(str(path))


def verdicts(place: str, namespace: dict, functions=None) -> dict:
    """Each function's verdict (FormulaResult) on the float32 version of ``place``, its calls made here."""
    a = float32(place)
    plan, functions = plan_for(a), [n for n in functions or a.functions if n in namespace]
    task = plan.task({}, 5.0)
    task["probes"] = [probe for probe in task["probes"] if probe["formula"] in functions]   # those judged alone
    raw = run_task(namespace, task)
    return {name: judge_formula(name, [p for p in plan.probes if p.formula == name], raw["probes"],
                                raw["found"][name], "en", raw["reads"][name]) for name in functions}


def space(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "entrega.py", "exec"), namespace)   # noqa: S102 — the test's own hand-in
    return namespace


# --- a right hand-in, written several ways ---------------------------------------------------------------------

#: a matrix product, four ways: float32 @, einsum, explicit float32 loops in another order, float64 inside
PRODUCTS = {
    "matmul": "def mm(A, B):\n    return A @ B\n",
    "einsum": "def mm(A, B):\n    return np.einsum('ik,kj->ij', A, B)\n",
    "loops": ("def mm(A, B):\n    out = np.zeros((A.shape[0], B.shape[1]), dtype=A.dtype)\n"
              "    for i in range(A.shape[0]):\n        for j in range(B.shape[1]):\n"
              "            s = A.dtype.type(0)\n            for k in reversed(range(A.shape[1])):\n"
              "                s += A[i, k] * B[k, j]\n            out[i, j] = s\n    return out\n"),
    "float64": "def mm(A, B):\n    return A.astype(np.float64) @ B.astype(np.float64)\n",
}
ARGS = {"sigmoid": "z", "tanh": "z", "softmax": "z", "tanh_prime": "a", "delta_L": "aL, Y",
        "delta_l": "delta_next, theta_next, al", "gradient": "delta, a_prev", "bias_gradient": "delta",
        "optimize": "theta, grad, eta", "momentum_update": "theta, grad, velocity, eta, mu",
        "adam_update": "theta, grad, m, v, t, eta, beta1, beta2, eps"}
LAB1 = {"sigmoid": "return 1 / (1 + np.exp(-z))", "delta_L": "return (aL - Y) * aL * (1 - aL)",
        "delta_l": "return mm(delta_next, theta_next) * al * (1 - al)", "gradient": "return mm(delta.T, a_prev)",
        "optimize": "return theta - eta * grad"}
LAB2 = {"tanh": "return np.tanh(z)",
        "softmax": "e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)",
        "tanh_prime": "return 1 - a ** 2", "delta_L": "return (aL - Y) / aL.shape[0]",
        "delta_l": "return mm(delta_next, theta_next) * (1 - al ** 2)", "gradient": "return mm(delta.T, a_prev)",
        "bias_gradient": "return delta.sum(axis=0)", "optimize": "return theta - eta * grad"}
ADAM = ("t = t + 1\n    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad ** 2\n"
        "    return theta - eta * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v, t")
LAB3 = {"momentum_update": "velocity = mu * velocity + grad\n    return theta - eta * velocity, velocity",
        "adam_update": ADAM}
#: other right forms of single functions (function: bodies), each put in place of the plain one
FORMS = {
    "lab1": {"sigmoid": ["return np.exp(z) / (1 + np.exp(z))", "return (1 + np.tanh(z / 2)) / 2",
                         "return (1 / (1 + np.exp(-z.astype(np.float64)))).astype(np.float32)"],
             "delta_L": ["return (aL - Y) * (aL - aL * aL)", "return (aL * aL - aL * Y) * (1 - aL)",
                         "return (aL.astype(np.float64) - Y) * aL * (1 - aL)"],
             "optimize": ["return theta + (-eta) * grad", "return theta.astype(np.float64) - eta * grad"]},
    "lab2": {"tanh": ["return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))",
                      "return 2 / (1 + np.exp(-2 * z)) - 1", "return np.tanh(z.astype(np.float64))"],
             "softmax": ["e = np.exp(z.astype(np.float64) - z.max(axis=1, keepdims=True))\n"
                         "    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)"],
             "tanh_prime": ["return (1 - a) * (1 + a)", "return 1 - a.astype(np.float64) ** 2"],
             "delta_L": ["return (aL - Y) * (1 / len(aL))"],
             "bias_gradient": ["return np.ones(delta.shape[0], dtype=delta.dtype) @ delta",
                               "out = np.zeros(delta.shape[1], dtype=delta.dtype)\n    for row in delta[::-1]:\n"
                               "        out += row\n    return out", "return delta.astype(np.float64).sum(axis=0)"]},
    "lab3": {"momentum_update": ["return theta - eta * mu * velocity - eta * grad, mu * velocity + grad",
                                 "v = mu * velocity.astype(np.float64) + grad\n    return theta - eta * v, v"],
             "adam_update": ["t = t + 1\n    m = m + (1 - beta1) * (grad - m)\n    v = beta2 * v + (1 - beta2) * grad "
                             "* grad\n    step = eta / (1 - beta1 ** t)\n    return theta - step * m / (np.sqrt(v) "
                             "/ np.sqrt(1 - beta2 ** t) + eps), m, v, t",
                             "theta, grad, m, v = (x.astype(np.float64) for x in (theta, grad, m, v))\n    "
                             + ADAM]}}
RIGHT = {"lab1": LAB1, "lab2": LAB2, "lab3": LAB3}


def source(bodies: dict, product: str = "matmul") -> str:
    return "import numpy as np\n" + PRODUCTS[product] + "".join(
        f"def {name}({ARGS[name]}):\n    {body}\n" for name, body in bodies.items())


@pytest.mark.parametrize("place, product", [(p, m) for p in ("lab1", "lab2") for m in PRODUCTS] + [("lab3", "-")])
def test_a_right_float32_hand_in_passes_every_call_whatever_its_products(place, product):
    """float32 @, einsum, explicit float32 loops summing the other way round, float64 inside (returning float64
    arrays: computed more exactly, not wrong); lab3 has no product."""
    results = verdicts(place, space(source(RIGHT[place], "matmul" if product == "-" else product)))
    assert {n: r.status for n, r in results.items()} == dict.fromkeys(RIGHT[place], "pass")


@pytest.mark.parametrize("place, function, body", [(p, f, b) for p, forms in FORMS.items()
                                                   for f, bodies in forms.items() for b in bodies])
def test_another_right_form_of_a_function_passes_too(place, function, body):
    """Forms whose rounding differs: σ from e^z or tanh(z/2), tanh from two exponentials, 1 − a² as (1 − a)(1 + a),
    δ⁽ᴸ⁾ expanded, Adam's m as torch's lerp, float64 inside (with or without rounding back to float32)."""
    result = verdicts(place, space(source(RIGHT[place] | {function: body})), [function])[function]
    assert result.status == "pass", result.message


def test_every_argument_is_float32_and_every_hyperparameter_a_python_float():
    """What a notebook in float32 hands its functions; a function that checks it raises otherwise (and fails)."""
    checks = ("assert all(type(x) is np.ndarray and x.dtype == np.float32 for x in (theta, grad, {state}))\n"
              "    assert all(type(x) is float for x in ({hyper}))\n")
    bodies = {"momentum_update": checks.format(state="velocity", hyper="eta, mu") + "    " + LAB3["momentum_update"],
              "adam_update": checks.format(state="m, v", hyper="eta, beta1, beta2, eps") + "    assert type(t) is int\n"
              "    " + ADAM}
    results = verdicts("lab3", space(source(bodies)))
    assert {n: r.status for n, r in results.items()} == {"momentum_update": "pass", "adam_update": "pass"}


# --- every catalogued mistake: caught at its function and named --------------------------------------------------

def diagnosis(place: str, function: str, body: str):
    return verdicts(place, {function: hand_in(function, body)}, [function])[function]


@pytest.mark.parametrize("name, signature, own, nearby", PAIRS, ids=[f"{p[1]}-{p[0]}" for p in PAIRS])
def test_each_catalogued_mistake_fails_and_is_named_in_float32(name, signature, own, nearby):
    """The catalogue's pairs (tests/test_check_diagnosis.py): the mistake's own hand-in fails and is named; a
    nearby slip fails without that name."""
    place, function = WHERE[signature]
    result = diagnosis(place, function, own)   # an error where the mistake's shapes do not fit, as in float64
    assert result.status in ("fail", "error") and result.mistake == AMBIGUOUS.get(name, name), result.mistake
    near = diagnosis(place, function, nearby)
    assert near.status != "pass" and name not in (near.mistake or "").split(" / ")


@pytest.mark.parametrize("place, function, own, named, nearby", FIXED, ids=[f"{f[0]}-{f[3][1]}" for f in FIXED])
def test_a_hyperparameter_written_as_a_number_is_named_in_float32(place, function, own, named, nearby):
    mistake, values = named
    result = diagnosis(place, function, own)
    assert result.status == "fail" and result.mistake == AMBIGUOUS.get(values, mistake), result.mistake
    assert f"({values})" in result.diagnosis
    near = diagnosis(place, function, nearby)
    assert near.status == "fail"
    if values.endswith("ε = 1e-08") and "1e-7" in nearby and values != "ε = 1e-08":
        # η, β₁ and β₂ written as numbers too, and ε = 1e-7 for 1e-8: ε moves θ by less than float32's bound on
        # every call (as adam_no_eps does), so in float32 the nearby one reads as the same fixed numbers; what it
        # is named by then is still true of η, β₁ and β₂, and its verdict is a FAIL either way
        return
    assert near.mistake not in ("eta_fixed", "hyperparameter_fixed")


@pytest.mark.parametrize("place, function, body, mistake",
                         [("lab2", f, body, m) for f, (body, m) in LAB2_MISTAKES.items()] +
                         [("lab3", f, body, m) for f, body, m in LAB3_MISTAKES])
def test_the_lab_mistake_tables_are_named_in_float32(place, function, body, mistake):
    """tests/test_assignment.py's and tests/test_lab3.py's hand-ins, each wrong in one function."""
    right = LAB2_SOLUTION if place == "lab2" else LAB3_RIGHT
    text = "import numpy as np\n" + "\n".join(
        textwrap.dedent(body if name == function else right[name])
        for name in right if name in float32(place).functions)
    results = verdicts(place, space(text))
    assert {n for n, r in results.items() if r.status != "pass"} == {function}
    assert results[function].mistake == mistake


# --- the bounds themselves: random float32 inputs, several orders and forms ---------------------------------------

F32 = np.float32


def ordered_sums(terms: np.ndarray, rng) -> list:
    """Σ over axis 0 of float32 ``terms`` in several orders, each in float32 (NumPy's cumsum adds one term at a
    time): forwards, backwards, a random order, NumPy's pairwise sum, and in float64 rounded once."""
    return [np.cumsum(terms, axis=0, dtype=F32)[-1], np.cumsum(terms[::-1], axis=0, dtype=F32)[-1],
            np.cumsum(terms[rng.permutation(len(terms))], axis=0, dtype=F32)[-1], terms.sum(axis=0, dtype=F32),
            terms.astype(np.float64).sum(axis=0).astype(F32)]


def products_in_orders(A: np.ndarray, B: np.ndarray, rng) -> list:
    """A·B (float32) with each entry's K products rounded to float32 and summed in each of ordered_sums' orders."""
    terms = (A.T[:, :, None] * B[:, None, :]).astype(F32)   # (K, rows, columns), each product rounded once
    return ordered_sums(terms, rng)


def sigmoid_prime(a):
    return [a * (F32(1) - a), a - a * a]


def tanh_prime(a):
    return [F32(1) - a * a, (F32(1) - a) * (F32(1) + a)]


def hidden_deltas(fprime):
    def forms(rng, d, theta, given):
        return [P * f for P in products_in_orders(d, theta, rng) for f in fprime(given)]
    return forms


def uniform(rng, low, high, shape):
    return rng.uniform(low, high, size=shape).astype(F32)


#: signature -> (its float32 arguments from a generator and sizes (N, n, K), its right float32 forms on them)
CASES = {
    "sigmoid": (lambda r, N, n, K: (uniform(r, -9, 9, (N, n)),),
                lambda r, z: [F32(1) / (F32(1) + np.exp(-z)), np.exp(z) / (F32(1) + np.exp(z)),
                              (F32(1) + np.tanh(z / F32(2))) / F32(2)]),
    "tanh": (lambda r, N, n, K: (uniform(r, -3, 3, (N, n)) ** 3,),   # many near 0, where e^z − e^(−z) cancels
             lambda r, z: [np.tanh(z), (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
                           F32(2) / (F32(1) + np.exp(F32(-2) * z)) - F32(1)]),
    "softmax": (lambda r, N, n, K: (uniform(r, -30, 30, (N, n)),),
                lambda r, z: [(lambda e: e / e.sum(axis=1, keepdims=True))(np.exp(z - z.max(axis=1, keepdims=True))),
                              (lambda e: e / e.sum(axis=1, keepdims=True)[:, ::-1].sum(axis=1, keepdims=True))(
                                  np.exp(z - z.max(axis=1, keepdims=True)))]),
    "sigmoid_prime_a": (lambda r, N, n, K: (uniform(r, 0, 1, (N, n)),), lambda r, a: sigmoid_prime(a)),
    "tanh_prime_a": (lambda r, N, n, K: (F32(1) - uniform(r, 0, 1, (N, n)) ** 4,), lambda r, a: tanh_prime(a)),
    "tanh_prime_z": (lambda r, N, n, K: (uniform(r, -4, 4, (N, n)),),
                     lambda r, z: [F32(1) - np.tanh(z) ** 2, F32(1) / np.cosh(z) ** 2]),
    "delta_L_sigmoid_half_sse": (lambda r, N, n, K: (uniform(r, 0, 1, (N, n)), uniform(r, 0, 1, (N, n))),
                                 lambda r, a, y: [(a - y) * a * (F32(1) - a), (a * a - a * y) * (F32(1) - a)]),
    "delta_L_softmax_cross_entropy": (lambda r, N, n, K: (uniform(r, 0, 1, (N, n)), np.eye(n, dtype=F32)[
        r.integers(0, n, N)]), lambda r, a, y: [(a - y) / a.shape[0], (a - y) * F32(1 / a.shape[0])]),
    "delta_l_sigmoid": (lambda r, N, n, K: (uniform(r, -1, 1, (N, K)), uniform(r, -1, 1, (K, n)),
                                            uniform(r, 0, 1, (N, n))), hidden_deltas(sigmoid_prime)),
    "delta_l_tanh": (lambda r, N, n, K: (uniform(r, -1, 1, (N, K)), uniform(r, -1, 1, (K, n)),
                                         uniform(r, -1, 1, (N, n))), hidden_deltas(tanh_prime)),
    "delta_l_relu": (lambda r, N, n, K: (uniform(r, -1, 1, (N, K)), uniform(r, -1, 1, (K, n)),
                                         uniform(r, -1, 1, (N, n))), hidden_deltas(lambda z: [(z > 0).astype(F32)])),
    "gradient": (lambda r, N, n, K: (uniform(r, -1, 1, (N, n)), uniform(r, -1, 1, (N, K))),
                 lambda r, d, a: products_in_orders(d.T, a, r)),
    "bias_gradient": (lambda r, N, n, K: (uniform(r, -1, 1, (N, n)),), lambda r, d: ordered_sums(d, r)),
    "sgd_update": (lambda r, N, n, K: (uniform(r, -1, 1, (n, K)), uniform(r, -1, 1, (n, K)) * F32(0.01), 0.1),
                   lambda r, theta, g, eta: [theta - eta * g, theta + (-eta) * g]),
}


@pytest.mark.parametrize("signature", sorted(CASES))
def test_no_right_float32_form_in_any_order_exceeds_its_bound(signature):
    """Random float32 inputs (a batch of up to 256 samples, layers up to 64 units, as an assignment's cases may
    have), each right form of the formula, each sum in five orders: never beyond the bound (rounding.call_rule).
    A float64 evaluation made float32 is one of the orders; NumPy's float32 functions are its library's."""
    generate, forms = CASES[signature]
    rng = np.random.default_rng(32)
    for N, n, K in ((1, 1, 1), (4, 3, 5), (256, 64, 64), (10, 64, 3)):
        args = generate(rng, N, n, K)
        exact, allowed = rounding.call_rule(signature, args, None)
        with np.errstate(over="ignore"):   # e^z of the sigmoid's other form beyond z = 88: ∞/∞, left out below
            values = [np.asarray(v, dtype=np.float64) for v in forms(rng, *args)]
        for value in values:
            finite = np.isfinite(value) if signature == "sigmoid" else True
            assert np.all(rounding.within(exact, allowed, value) | ~finite), (signature, N, n, K)


@pytest.mark.parametrize("signature", sorted(CASES))
def test_a_bound_is_not_vacuous(signature):
    """On a case of the labs' size (N = 10, 4 units, sums of 5 products) the worst rounding of the right forms
    reaches more than 1/32 of the bound (measured: 0.04 to 0.5; a worst-case bound of a sum of N random terms grows
    as N where their rounding grows as √N, 0.008 at N = 256), and a value a few bounds off — the exact value moved
    by 4E — fails on every entry."""
    generate, forms = CASES[signature]
    rng = np.random.default_rng(7)
    args = generate(rng, 10, 4, 5)
    exact, allowed = rounding.call_rule(signature, args, None)
    with np.errstate(over="ignore"):
        worst = max(float(np.nanmax(np.abs(np.asarray(v, np.float64) - exact) / allowed)) for v in forms(rng, *args))
    assert 1 / 32 < worst <= 1
    assert not np.any(rounding.within(exact, allowed, exact + 4 * allowed * np.sign(rng.uniform(-1, 1, exact.shape))))


def test_a_bound_too_small_for_autograds_own_answer_refuses_the_assignment(monkeypatch):
    """The plan checks every call's bound against torch's float32 answer: a bound that would not hold it (here
    made a tenth of itself) refuses the assignment in one line instead of failing a right hand-in."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "small.toml"
        path.write_text(float32_text("lab2").split("[[cases]]")[0] + "[[cases]]\nlayers = [3, 4, 3]\nsamples = 4\n"
                        "[functions]\ngradient = \"gradient\"\n", encoding="utf-8")
        assignment = load_assignment(str(path))
    monkeypatch.setitem(rounding.BOUNDS, "gradient", lambda d, a, g: rounding.gradient_bound(d, a, g) / 1e3)
    with pytest.raises(InputError, match=r"float32 answer to gradient\(.*not within float32's rounding-error bound"):
        make_plan(assignment_cases(assignment), assignment)


# --- what is said --------------------------------------------------------------------------------------------

def test_a_small_systematic_change_is_said_so_never_single_precision():
    """float32 is expected in a float32 assignment: a function a little off (a factor 1 + 1e-5) fails and is
    called a small difference beyond float32's rounding, never "computes in float32"."""
    result = diagnosis("lab2", "tanh", "np.tanh(z) * np.float32(1 + 1e-5)")
    assert result.status == "fail" and result.mistake == "small_difference_float32", result.mistake
    assert "float32" in result.message and "exact" in result.message


@pytest.mark.parametrize("place, function, body", [
    ("lab2", "tanh", "np.tanh(z).astype(np.float16)"),
    ("lab1", "sigmoid", "(1 / (1 + np.exp(-z.astype(np.float16))))"),
])
def test_float16_answers_are_called_float16_in_float32_too(place, function, body):
    result = diagnosis(place, function, body)
    assert result.status == "fail" and result.mistake == "half_precision", result.mistake


@pytest.mark.parametrize("lang, words", [("en", "float32: every array is handed in float32"),
                                         ("pt", "float32: cada array é entregue em float32")])
def test_describe_says_float32(lang, words):
    text = describe(float32("lab3"), lang)
    assert words in text and "float32" in text.splitlines()[1]


def test_a_float32_lab_with_its_step_is_checked_not_refused(tmp_path):
    """Its whole step is held to its rounding-error bound (tests/test_float32_steps.py): a step that returns θ
    unchanged fails there. What is refused now is a bound that would not hold autograd's own float32 step
    (test_float32_steps.py's test_a_bound_too_small_for_autograds_own_step_refuses_the_assignment_in_one_line)."""
    path = tmp_path / "lab1-float32.toml"
    path.write_text(float32_text("lab1", step=True), encoding="utf-8")
    step = check_lab(assignment=str(path), step=lambda X, Y, thetas, eta: thetas).formulas["step"]
    assert (step.status, step.source) == ("fail", "step"), step.message
    assert "more than float32's rounding allows here" in step.message, step.message
