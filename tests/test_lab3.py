"""lab3 (mlp_harness/check/assignments/lab3.toml): updates with their state — momentum in torch's convention and
Adam — probed with torch.optim's own state before every batch, their mistakes caught and named.

Every verdict here is the checker's decision (pass / fail, the mistake's name), never a last bit: the numbers
are held to the harness's float64 tolerance (verify/tolerance.py, 10⁴·ε relative), far above the rounding of
any BLAS kernel and far below what any of these mistakes changes (the smallest, ε added before Adam's bias
correction, changes θ by ~4e-8 on these cases, 10⁴ times the tolerance).
"""
import textwrap

import numpy as np
import pytest

from handins import LAB3_RIGHT, lab3_source
from language import foreign_lines
from sent_early import answers_sent_early
from mlp_harness.check import check_lab
from mlp_harness.check.api import check_file, plan_for
from mlp_harness.check.assignment import describe, load_assignment
from manual_mlp.validation import InputError

#: (function, its wrong body as a student writes it, the mistake it must be named as)
MISTAKES = [
    ("momentum_update", """
        def momentum_update(theta, grad, velocity, eta, mu):
            velocity = mu * velocity - eta * grad
            return theta + velocity, velocity
        """, "momentum_other_convention"),
    ("adam_update", """
        def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
            return theta - eta * m / (np.sqrt(v) + eps), m, v, t + 1
        """, "adam_no_bias_correction"),
    ("adam_update", """
        def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v, t + 1
        """, "adam_t_from_zero"),
    ("adam_update", """
        def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
            t += 1
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
            step = eta * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t)
            return theta - step * m / (np.sqrt(v) + eps), m, v, t
        """, "adam_eps_before_correction"),
    # β₁ (β₂) written as a number in the bias correction alone: right at the assignment's β, wrong at its second
    ("adam_update", """
        def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
            t = t + 1
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
            m_hat = m / (1 - 0.9 ** t)
            v_hat = v / (1 - beta2 ** t)
            return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v, t
        """, "adam_correction_fixed"),
    ("adam_update", """
        def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
            t = t + 1
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - 0.999 ** t)
            return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v, t
        """, "adam_correction_fixed"),
]


def namespace(source: str) -> dict:
    space: dict = {}
    exec(compile(source, "entrega.py", "exec"), space)   # noqa: S102 — the test's own hand-in
    return space


def test_a_right_lab3_hand_in_passes_every_call(tmp_path):
    """The right updates pass on every batch of every case, in a separate process as mlp-check runs them; each
    call of a function returning several values is judged on each value (θ and v; θ, m, v and t)."""
    path = tmp_path / "entrega.py"
    path.write_text(lab3_source(), encoding="utf-8")
    result = check_file(str(path), assignment="lab3")
    assert {n: f.status for n, f in result.formulas.items()} == {"momentum_update": "pass", "adam_update": "pass"}
    assert result.ok and result.score == result.max_score == 2
    # 3-4-3 (batches of 4, 4, 2) and 3-3-3-3 (4, 4): 3·4 + 2·6 = 24 parameters updated, θ and b; then 3-4-3
    # (the most batches) again at a second value of each hyper-parameter (momentum's η, μ; Adam's η, β₁, β₂, ε)
    momentum, adam = result.formulas["momentum_update"], result.formulas["adam_update"]
    assert momentum.calls == (24 + 2 * 12) * 2 and adam.calls == (24 + 4 * 12) * 4
    assert all(f.warning is None for f in result.formulas.values())


@pytest.mark.parametrize("function, body, mistake", MISTAKES, ids=[m[2] for m in MISTAKES])
def test_each_lab3_mistake_is_caught_at_its_function_and_named(function, body, mistake):
    result = check_lab(namespace(lab3_source(**{function: body})), assignment="lab3")
    assert {n for n, f in result.formulas.items() if f.status != "pass"} == {function}
    assert result.formulas[function].mistake == mistake


def test_the_other_momentum_convention_is_said_plainly_as_a_fail():
    """Its θ is torch's on the first step (v = 0 given), and its velocity never is: a FAIL, saying why."""
    body = MISTAKES[0][1]
    for lang, words in (("en", "the other convention"), ("pt", "outra convenção")):
        formula = check_lab(namespace(lab3_source(momentum_update=body)), assignment="lab3",
                            lang=lang).formulas["momentum_update"]
        assert formula.status == "fail" and "v(θ⁽¹⁾)" in formula.message
        assert words in formula.diagnosis and "η" in formula.diagnosis
        assert not foreign_lines(formula.diagnosis + "\n" + formula.message, lang)


def test_a_difference_below_the_eighth_decimal_is_printed_with_the_digits_that_show_it():
    """ε inside the root changes θ by ~1e-8: the failing line's two numbers differ as printed (they read the same
    at the table's 8 decimals), and the slip is named."""
    body = LAB3_RIGHT["adam_update"].replace("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)")
    formula = check_lab(namespace(lab3_source(adam_update=body)), assignment="lab3").formulas["adam_update"]
    assert formula.status == "fail" and formula.mistake == "adam_eps_in_sqrt"
    expected, got = formula.message.split("autograd ")[1].split(" (|Δ|")[0].split(", yours ")
    assert expected != got and len(expected) > len("0.02365043"), formula.message


def test_a_division_by_zero_raised_is_named_too():
    """t from 0 written with Python's floats raises ZeroDivisionError on the first step instead of a NaN."""
    body = """
        def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
            c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
            return theta - (eta / c1) * m / (np.sqrt(v / c2) + eps), m, v, t + 1
        """
    formula = check_lab(namespace(lab3_source(adam_update=body)), assignment="lab3").formulas["adam_update"]
    assert formula.status == "error" and "ZeroDivisionError" in formula.message
    assert formula.mistake == "adam_t_from_zero"


def test_the_state_changed_in_place_is_no_failure_and_theta_a_warning():
    """The velocity updated in place and returned is what the caller keeps: right, no warning; θ updated in
    place is the warning sgd_update gets."""
    state = """
        def momentum_update(theta, grad, velocity, eta, mu):
            velocity *= mu
            velocity += grad
            return theta - eta * velocity, velocity
        """
    theta = """
        def momentum_update(theta, grad, velocity, eta, mu):
            velocity = mu * velocity + grad
            theta -= eta * velocity
            return theta, velocity
        """
    kept = check_lab(namespace(lab3_source(momentum_update=state)), assignment="lab3").formulas["momentum_update"]
    assert kept.status == "pass" and kept.warning is None
    warned = check_lab(namespace(lab3_source(momentum_update=theta)), assignment="lab3").formulas["momentum_update"]
    assert warned.status == "pass" and "theta" in warned.warning


@pytest.mark.parametrize("returns, said", [("theta", "returned ndarray"), ("theta, m", "returned tuple (2)")])
def test_a_function_returning_too_few_values_says_what_it_must_return(returns, said):
    body = f"def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):\n    return {returns}\n"
    formula = check_lab(namespace(lab3_source(adam_update=body)), assignment="lab3").formulas["adam_update"]
    assert formula.status == "fail" and said in formula.message and "(θ, m, v, t)" in formula.message


def test_the_probes_hold_torch_optims_state_after_each_step():
    """Batch k of a case is step k: its velocity (m and v) is the one the step before returned — zero only on
    the first — and t counts the steps before it, so the state's formulas are probed beyond the first step."""
    plan = plan_for(load_assignment("lab3"))
    for name, state_args in (("momentum_update", (2,)), ("adam_update", (2, 3))):
        calls = [p for p in plan.probes if p.formula == name and p.pick == 0 and p.target == "θ⁽¹⁾" and not p.varied]
        assert [p.batch.number for p in calls] == [1, 2, 3, 1, 2]
        for p in calls:
            given = [p.args[i] for i in state_args]
            assert all(np.any(g != 0) for g in given) == (p.batch.number > 1)
            if name == "adam_update":
                assert p.args[4] == p.batch.number - 1
    momentum = [p for p in plan.probes if p.formula == "momentum_update" and p.target in ("v(θ⁽¹⁾)", "θ⁽¹⁾")
                and not p.varied]
    answers = {(p.case.name, p.batch.number, p.target): p for p in momentum}
    mu, eta = 0.9, 0.1   # lab3's [optimizer]
    for (case, k, target), p in answers.items():
        theta, g, v = p.args[:3]
        # 1e-15: one multiply-add's rounding, against torch.optim.SGD's own buffer and step
        if target == "v(θ⁽¹⁾)":
            np.testing.assert_allclose(p.expected, mu * v + g, rtol=0, atol=1e-15)
            if (case, k + 1, target) in answers:
                assert np.array_equal(answers[(case, k + 1, target)].args[2], p.expected)
        else:
            np.testing.assert_allclose(p.expected, theta - eta * (mu * v + g), rtol=0, atol=1e-15)


@pytest.mark.parametrize("function, arg, place, value", [
    ("momentum_update", "eta", 3, 0.05), ("momentum_update", "mu", 4, 0.45), ("adam_update", "eta", 5, 0.005),
    ("adam_update", "beta1", 6, 0.8), ("adam_update", "beta2", 7, 0.998), ("adam_update", "eps", 8, 1e-3)])
def test_each_hyperparameter_is_also_checked_at_a_second_value_with_torch_optims_answer(function, arg, place,
                                                                                     value):
    """Every update is called again with one hyper-parameter at a second value (the others the assignment's),
    its answers torch.optim's own run with that value: a number written in the argument's place fails there."""
    plan = plan_for(load_assignment("lab3"))
    calls = [p for p in plan.probes if p.formula == function and p.varied == arg]
    assert calls and all(p.args[place] == value for p in calls)
    others = [i for i in range(3 if function == "momentum_update" else 5, len(calls[0].args)) if i != place]
    main = {(p.case.name, p.batch.number, p.target, p.pick): p for p in plan.probes
            if p.formula == function and not p.varied}
    assert all(p.args[i] == main[(p.case.name, 1, p.target, p.pick)].args[i] for p in calls for i in others)
    if function == "momentum_update":   # 1e-15: one multiply-add's rounding against torch.optim.SGD's buffer
        for p in (p for p in calls if p.pick == 0):
            theta, g, v, eta, mu = p.args
            np.testing.assert_allclose(p.expected, theta - eta * (mu * v + g), rtol=0, atol=1e-15)
    settings = {c.case.config for c in calls}   # the twin that computed the answers ran with that value
    assert all({"eta": s.lr, "mu": s.momentum, "beta1": s.betas[0], "beta2": s.betas[1], "eps": s.eps}[arg] == value
               for s in settings)
    # from the second step on the second value changes the answer: the calls can tell the two apart
    later = [p for p in calls if p.batch.number > 1 and p.pick == 0]
    assert any(np.max(np.abs(p.expected - main[(p.case.name, p.batch.number, p.target, 0)].expected)) > 1e-6
               for p in later)


def test_no_lab3_call_is_handed_an_answer_before_it_answers():
    """As for lab1 and lab2 (test_assignment.py): no call holds its answer among what was sent before it —
    save momentum's first velocity, v = μ·0 + ∂J/∂θ, which is its own input ∂J/∂θ by the formula itself."""
    def first_velocity(probe) -> bool:
        return probe.formula == "momentum_update" and probe.pick == 1 and probe.batch.number == 1
    early = answers_sent_early("lab3", exempt=first_velocity)
    assert not early, f"handed their answer before they answer: {early}"


def test_describe_states_the_conventions_in_each_language():
    lab3 = load_assignment("lab3")
    assert lab3.network_for("adam_update").optimizer == "adam" and lab3.network_for("momentum_update").momentum == 0.9
    for lang, t_words in (("en", "t is given before its increment"), ("pt", "t é recebido antes do incremento")):
        text = describe(lab3, lang)
        assert "momentum_update(theta, grad, velocity, eta, mu) -> (θ, v)" in text and "v ← μv + g; θ ← θ − ηv" in text
        assert "adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps) -> (θ, m, v, t)" in text and t_words in text
        assert "adam β₁ = 0.9 β₂ = 0.999 ε = 1e-08 (η = 0.01)" in text
        assert text.splitlines()[2].endswith(': "from manual_mlp import MLP"')   # its notebook's import, not flagged
        assert not foreign_lines(text, lang), foreign_lines(text, lang)
    assert "import" not in describe(load_assignment("lab2"), "en")   # none given: no such line


def test_describe_says_where_adams_eps_goes_and_speaks_portuguese():
    # lab3's Adam is held to torch's √v̂ + ε; the paper's faster form fails (named adam_eps_before_correction),
    # so --describe says it before a student writes it; the network's and cases' words are Portuguese
    text = describe(load_assignment("lab3"), "pt")
    assert "ε é somado depois da raiz e da correção, √v̂ + ε, como faz o torch" in text and "e falha" in text
    assert "função de custo cross_entropy (média)" in text and "otimizador sgd (gradiente descendente)" in text
    assert "3-4-3 (N = 10, semente 1)" in text
    assert not foreign_lines(text, "pt"), foreign_lines(text, "pt")
    assert "ε is added after the root and the correction" in describe(load_assignment("lab3"), "en")


ADAMW = """
[assignment]
title.en = "Lab 5: AdamW"
title.pt = "Lab 5: AdamW"
[network]
activation = "tanh"
output_activation = "softmax"
loss = "cross_entropy"
bias = true
batch_size = 3
[optimizer]
name = "sgd"
lr = 0.1
[optimizers.atualiza]
name = "adamw"
lr = 0.01
weight_decay = 0.1
[[cases]]
layers = [3, 4, 3]
samples = 6
seed = 5
[functions]
atualiza = "adamw_update"
"""
ADAMW_RIGHT = """
import numpy as np
def atualiza(theta, grad, m, v, t, eta, beta1, beta2, eps, weight_decay):
    t = t + 1
    theta = theta * (1 - eta * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v, t
"""
ADAMW_L2 = ADAMW_RIGHT.replace("    theta = theta * (1 - eta * weight_decay)\n",
                               "    grad = grad + weight_decay * theta\n")


@pytest.mark.parametrize("source, status, mistake", [(ADAMW_RIGHT, "pass", None),
                                                     (ADAMW_L2, "fail", "l2_for_decoupled")])
def test_a_teachers_adamw_names_l2_decay_where_decoupled_is_asked(source, status, mistake, tmp_path):
    (tmp_path / "lab5.toml").write_text(ADAMW, encoding="utf-8")
    formula = check_lab(namespace(source), assignment=str(tmp_path / "lab5.toml")).formulas["atualiza"]
    assert (formula.status, formula.mistake) == (status, mistake)


@pytest.mark.parametrize("old, new, named", [
    ("[optimizers.atualiza]", "[optimizers.outra]", "[optimizers.outra] names no function of [functions]"),
    ("weight_decay = 0.1", "weight_decay = 0.1\nmomentum = 0.9", "[optimizers.atualiza] momentum = 0.9"),
    ("weight_decay = 0.1", "weight_decay = 0.1\nnesterov = true", "unknown key 'nesterov' in [optimizers.atualiza]"),
    ('name = "adamw"', 'name = "adam"', "atualiza = 'adamw_update': it does not fit the network: it needs the "
                                        "optimizer adamw (λ > 0), and this one is adam, λ = 0.1"),
    ("[optimizers.atualiza]\nname", "[optimizers]\natualiza = 3\n[optimizers.x]\nname",
     "[optimizers.atualiza] must be a table"),
])
def test_a_bad_optimizers_table_is_one_line_naming_the_key(old, new, named, tmp_path):
    assert old in ADAMW
    path = tmp_path / "lab5.toml"
    path.write_text(ADAMW.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_assignment(str(path))
    assert named in str(caught.value) and "\n" not in str(caught.value), caught.value


def test_every_epoch_of_a_case_starts_from_no_optimizer_state():
    """A case's batches run on a twin of their own: asked twice, the second epoch is not the first's sequel
    (a momentum buffer or Adam's t carried over would make batch 1 step 4)."""
    from mlp_harness.check.cases import assignment_cases
    case = assignment_cases(load_assignment("lab3"))[0]
    first, again = case.batches(), case.batches()
    assert again[0].state == {} and again[0].record.optimizer_state
    for a, b in zip(first, again):
        assert all(np.array_equal(x, y) for x, y in zip(a.record.thetas, b.record.thetas))
