"""Assignments as data (mlp_harness/check/assignment.py): the format's checks, the built-in labs, lab2's formulas
and their mistakes, each caught at its own function and named.

Every verdict here is the checker's decision (pass / fail, the mistake's name), never a last bit: the
numbers are held to the harness's float64 tolerance (verify/tolerance.py, 10⁴·ε relative), far above the
rounding of any BLAS kernel and far below what any of the mistakes changes (≥ 1e-3 on these cases).
"""
import contextlib
import io

import numpy as np
import pytest

from handins import LAB2_BODIES, lab2_source
from language import foreign_lines
from sent_early import answers_sent_early
from mlp_harness.check import check_lab
from mlp_harness.check.api import check_file, lab_plan, plan_for
from mlp_harness.check.assignment import describe, load_assignment
from mlp_harness.check.catalogue import CATALOGUE
from mlp_harness.cli import check_cli
from mlp_harness.i18n import language
from manual_mlp.validation import InputError

def hand_in(tmp_path, **broken) -> str:
    """lab2's functions as a .py file, those in ``broken`` replaced by their wrong body."""
    path = tmp_path / "entrega.py"
    path.write_text(lab2_source(**broken), encoding="utf-8")
    return str(path)


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = check_cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def test_lab1_is_the_default_and_runs_through_its_file():
    lab1 = load_assignment("lab1")
    assert load_assignment().names == lab1.names == ("sigmoid", "delta_L", "delta_l", "gradient", "optimize", "step")
    assert lab1.chains and lab_plan().assignment.key == lab1.key
    right = check_lab(delta_L=lambda aL, Y: (aL - Y) * aL * (1 - aL), assignment="lab1")
    wrong = check_lab(delta_L=lambda aL, Y: (Y - aL) * aL * (1 - aL))
    assert right.ok and wrong.formulas["delta_L"].mistake == "residual_sign"


def test_a_right_lab2_hand_in_passes_every_function(tmp_path):
    result = check_file(hand_in(tmp_path), assignment="lab2")
    # no step() of its own: its functions, chained into one, stand for lab2's step
    assert {n: f.status for n, f in result.formulas.items()} == {n: "pass" for n in [*LAB2_BODIES, "step"]}
    assert result.formulas["step"].source == "chain"
    assert result.ok and result.score == result.max_score == len(LAB2_BODIES) + 1
    # every batch of every case is a call: 4 cases, batches of 4, 4, 2 (N = 10), 4, 4 (N = 8) or 4 (large-z)
    assert result.formulas["delta_L"].calls == 9


@pytest.mark.parametrize("function, body, mistake", [
    ("bias_gradient", "return delta.mean(axis=0)", "bias_mean_instead_of_sum"),
    ("bias_gradient", "return delta", "bias_not_summed"),
    ("bias_gradient", "return delta.sum(axis=0, keepdims=True)", "bias_keepdims"),
    ("tanh_prime", "return 1 - np.tanh(a) ** 2", "tanh_of_a"),
    ("tanh_prime", "return a * (1 - a)", "sigma_prime_for_tanh"),
    ("delta_L", "return aL - Y", "ce_not_averaged"),
    ("delta_L", "return (aL - Y) * aL * (1 - aL) / len(aL)", "ce_extra_fprime"),
    ("delta_l", "return delta_next @ theta_next", "hidden_no_tanh_prime"),
    ("softmax", "return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)", "softmax_no_row_max"),
])
def test_each_lab2_mistake_is_caught_at_its_function_and_named(function, body, mistake, tmp_path):
    result = check_file(hand_in(tmp_path, **{function: body}), assignment="lab2")
    # the chained step fails too where the function is in the chain (blamed on it), or the forward pass
    chained = function not in ("tanh_prime", "tanh") and not (function == "softmax" and "max" in body)
    failed = {n for n, f in result.formulas.items() if f.status != "pass"}
    assert failed == {function} | ({"step"} if chained else set())
    assert result.formulas[function].mistake == mistake


def test_a_fixed_batch_size_is_caught_on_the_last_smaller_batch():
    """δ⁽ᴸ⁾ divided by 4 is right on the batches of 4 and wrong on the last one, of 2 (N = 10): not a pass, and
    named for the fixed batch size it is."""
    result = check_lab(delta_L=lambda aL, Y: (aL - Y) / 4, assignment="lab2")
    assert result.formulas["delta_L"].status == "fail" and result.formulas["delta_L"].mistake == "n_fixed"


TEACHER = """
[assignment]
title.en = "Lab 4: tanh′ given z"
title.pt = "Lab 4: tanh′ recebendo z"
[network]
activation = "tanh"
output_activation = "softmax"
loss = "cross_entropy"
bias = true
[optimizer]
name = "sgd"
lr = 0.1
[[cases]]
layers = [3, 4, 3]
samples = 6
seed = 7
[functions]
derivada = "tanh_prime_z"
"""


@pytest.mark.parametrize("body, status, mistake", [
    ("return 1 - np.tanh(z) ** 2", "pass", None),
    ("return 1 - z ** 2", "fail", "one_minus_z_squared"),
])
def test_a_teachers_file_works_the_same(body, status, mistake, tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "lab4.toml").write_text(TEACHER, encoding="utf-8")
    (tmp_path / "h.py").write_text(f"import numpy as np\ndef derivada(z):\n    {body}\n", encoding="utf-8")
    code, out, err = run_cli(["--assignment", str(tmp_path / "course" / "lab4.toml"), str(tmp_path / "h.py")])
    assert code == (0 if status == "pass" else 1) and not err, err
    assert (f"probably: {mistake}:" in out) == (mistake is not None), out


def teacher_file(tmp_path, old: str, new: str) -> str:
    assert old in TEACHER
    path = tmp_path / "lab4.toml"
    path.write_text(TEACHER.replace(old, new), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("old, new, named", [
    ('loss = "cross_entropy"', 'loss = "cross"', "loss = 'cross'"),
    ('loss = "cross_entropy"', 'loss = "half_sse"', "loss = 'half_sse'"),
    ("bias = true", "bias = 1", "bias = 1"),
    ("lr = 0.1", "lr = -0.1", "lr = -0.1"),
    ("samples = 6", "samples = 0", "samples = 0"),
    ("layers = [3, 4, 3]", "layers = [3]", "layers = [3]"),
    ('derivada = "tanh_prime_z"', 'derivada = "tanh_primo"', "derivada = 'tanh_primo'"),
    ('derivada = "tanh_prime_z"', 'derivada = "sigmoid_prime_a"', "the hidden layers are tanh, not sigmoid"),
    ('derivada = "tanh_prime_z"', 'derivada = "bias_gradient"\n[extra]', "unknown key 'extra'"),
    ("seed = 7", "seed = 7\nsize = 3", "unknown key 'size' in [[cases]] 1"),
    ("bias = true", "bias = true\nwidth = 3", "unknown key 'width' in [network]"),
    ("[functions]", "[functions", "not TOML at line"),
    ('title.pt = "Lab 4: tanh′ recebendo z"', "", "title"),
    ('title.pt = "Lab 4: tanh′ recebendo z"', 'title.pt = "Lab 4"\ntitle.fr = "Lab 4"', "title.fr: no such language"),
    ('title.pt = "Lab 4: tanh′ recebendo z"', 'title.pt = 4', "title.pt must be text"),
    ('title.pt = "Lab 4: tanh′ recebendo z"', 'title.pt = "Lab 4"\nimports = ["x = 1"]', "imports = 'x = 1'"),
    ('title.pt = "Lab 4: tanh′ recebendo z"', 'title.pt = "Lab 4"\nimports = [3]', "imports = 3"),
    ('title.pt = "Lab 4: tanh′ recebendo z"', 'title.pt = "Lab 4"\nimports = ["from . import x"]', "one import"),
    ('title.pt = "Lab 4: tanh′ recebendo z"', 'title.pt = "Lab 4"\nimports = ["import"]', "one import statement"),
])
def test_a_bad_file_is_one_line_naming_the_key(old, new, named, tmp_path):
    path = teacher_file(tmp_path, old, new)
    with pytest.raises(InputError) as caught:
        load_assignment(path)
    message = str(caught.value)
    assert message.startswith(f"--assignment {path}: ") and named in message and "\n" not in message
    with language("pt"), pytest.raises(InputError) as caught:   # the same message, raised in Portuguese
        load_assignment(path)
    assert not foreign_lines(str(caught.value), "pt"), str(caught.value)
    code, out, err = run_cli(["--assignment", path, "x.py"])
    assert code == 2 and not out and err.count("\n") == 1 and "Traceback" not in err


def test_bias_gradient_needs_biases(tmp_path):
    (tmp_path / "lab4.toml").write_text(TEACHER.replace("bias = true", "bias = false")
                                        .replace('"tanh_prime_z"', '"bias_gradient"'), encoding="utf-8")
    with pytest.raises(InputError, match=r"derivada = 'bias_gradient': it does not fit the network: the network "
                                         r"has no biases"):
        load_assignment(str(tmp_path / "lab4.toml"))


#: a lab network of a teacher's, its whole step asked for, and its cases (LAYERS)
LAB_STEP = """[assignment]
title.en = "Deeper"
title.pt = "Mais fundo"
[network]
activation = "sigmoid"
output_activation = "sigmoid"
loss = "half_sse"
bias = false
[optimizer]
name = "sgd"
lr = 0.5
LAYERS
[functions]
step = "step"
gradient = "gradient"
"""


def test_the_labs_step_without_a_two_layer_case_is_refused_not_left_unchecked(tmp_path):
    """The lab's step is run on the two-layer cases alone: with none, a step was never run and the file read OK
    on its other functions. One line instead, exit 2; a two-layer case among deeper ones is enough."""
    path = tmp_path / "deeper.toml"
    case = "[[cases]]\nlayers = {layers}\nsamples = 5\nseed = {seed}\n"
    path.write_text(LAB_STEP.replace("LAYERS", case.format(layers=[3, 4, 5, 2], seed=2)), encoding="utf-8")
    (tmp_path / "h.py").write_text("def step(X, Y, thetas, eta):\n    return [t * 0 for t in thetas]\n"
                                   "def gradient(delta, a_prev):\n    return delta.T @ a_prev\n", encoding="utf-8")
    code, out, err = run_cli(["--assignment", str(path), str(tmp_path / "h.py")])
    assert code == 2 and not out and err.count("\n") == 1 and "step = 'step'" in err and "two layers" in err, err
    with language("pt"), pytest.raises(InputError) as caught:   # the same line, in Portuguese
        load_assignment(str(path))
    assert not foreign_lines(str(caught.value), "pt"), str(caught.value)
    path.write_text(LAB_STEP.replace("LAYERS", case.format(layers=[3, 4, 5, 2], seed=2) +
                                     case.format(layers=[3, 4, 2], seed=1)), encoding="utf-8")
    steps = [t.case.name for t in plan_for(load_assignment(str(path))).trajectories if t.kind == "step"]
    assert steps == ["3-4-2"]


STEP_BIASES = """import numpy as np
def step(X, Y, thetas, biases, eta):
    a = [X]
    for k, (t, b) in enumerate(zip(thetas, biases)):
        z = a[-1] @ t.T + b
        if k < len(thetas) - 1:
            a.append(np.tanh(z))
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a.append(e / e.sum(axis=1, keepdims=True))
    delta = (a[-1] - Y) / X.shape[0]
    new_t, new_b = [None] * len(thetas), [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        new_t[l] = thetas[l] - eta * (delta.T @ a[l])
        new_b[l] = biases[l] - eta * delta.sum(axis=0){MISTAKE}
        if l:
            delta = (delta @ thetas[l]) * (1 - a[l] ** 2)
    return new_t, new_b
"""


@pytest.mark.parametrize("mistake, code", [("", 0), (" / X.shape[0]", 1)])
def test_a_float32_whole_step_is_checked_and_its_mistake_caught(mistake, code, tmp_path):
    """A float32 network's whole step is checked like its functions (tests/test_float32_steps.py): a right step
    written in NumPy passes, in each language; the same step with the bias gradient averaged fails at the step,
    and the mistake is named."""
    path = teacher_file(tmp_path, 'bias = true\n[optimizer]', 'bias = true\ndtype = "float32"\nbatch_size = 2\n'
                                                               '[optimizer]')
    with open(path, "a", encoding="utf-8") as f:
        f.write('step = "step_biases"\n')
    (tmp_path / "h.py").write_text(STEP_BIASES.replace("{MISTAKE}", mistake), encoding="utf-8")
    for lang in ("pt", "en"):
        got, out, err = run_cli(["--assignment", path, str(tmp_path / "h.py"), "--lang", lang])
        assert got == code and not err, (got, out, err)
        assert ("✓ step" in out) == (code == 0) and ("✗ step" in out) == (code == 1), out
        assert not foreign_lines(out, lang), foreign_lines(out, lang)
    assert ("probably: bias_mean_instead_of_sum:" in out) == (code == 1), out   # the last run's, in English


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_list_and_describe_speak_one_language(lang):
    code, listed, err = run_cli(["--assignment", "list", "--lang", lang])
    assert code == 0 and not err and all(f"  {n} " in listed for n in ("lab1", "lab2", "lab3"))
    assert all(name in listed for name in CATALOGUE)
    code, described, err = run_cli(["--assignment", "lab2", "--describe", "--lang", lang])
    assert code == 0 and described == describe(load_assignment("lab2"), lang) + "\n"
    assert "bias_gradient(delta) -> ∂J/∂b⁽ˡ⁾" in described and "(nₗ,)" in described
    assert not foreign_lines(listed + described, lang), foreign_lines(listed + described, lang)


def test_every_probe_holds_autograds_own_inputs_and_answers():
    """Each lab2 call's answer is the twin's, on the twin's own batch: δ⁽ᴸ⁾ = (a − y)/N for that batch's N."""
    plan = plan_for(load_assignment("lab2"))
    deltas = [p for p in plan.probes if p.formula == "delta_L"]
    assert [p.args[0].shape[0] for p in deltas] == [4, 4, 2, 4, 4, 2, 4, 4, 4]
    for p in deltas:   # 1e-15: a division and a subtraction's rounding, against torch's own
        np.testing.assert_allclose(p.expected, (p.args[0] - p.args[1]) / p.args[0].shape[0], rtol=0, atol=1e-15)

@pytest.mark.parametrize("name", ["lab1", "lab2"])
def test_no_call_is_handed_an_answer_before_the_call_that_computes_it(name):
    """The worker is sent the calls in execute.call_order, each with its inputs: no array it holds by a call
    (that call's inputs and every earlier call's) is that call's autograd answer — for lab2's own functions
    too (tanh_prime, bias_gradient, the softmax-CE δ⁽ᴸ⁾, a batch's θ that is the previous batch's update)."""
    early = answers_sent_early(name)
    assert not early, f"handed their answer before they answer: {early}"


def test_softmax_without_the_row_max_passes_small_z_and_is_caught_where_e_z_overflows():
    """lab2's large-z case (|X| ≤ 2000, no hidden layer) has z⁽ᴸ⁾ beyond 709: e^z alone is ∞ there, ∞/∞ NaN."""
    plan = plan_for(load_assignment("lab2"))
    large = [p for p in plan.probes if p.formula == "softmax" and p.case.name == "large-z"]
    assert large and all(np.max(p.args[0]) > 709 and np.all(np.isfinite(p.expected)) for p in large)
    naive = check_lab(softmax=lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
                      assignment="lab2").formulas["softmax"]
    assert naive.status == "fail" and naive.mistake == "softmax_no_row_max" and "large-z" in naive.message
    # the right formula shown beside it takes the row's max out too: its worked example is finite, not nan
    assert naive.explanation and "maxₖ" in naive.explanation and "nan" not in naive.explanation


RELU = TEACHER.replace('activation = "tanh"', 'activation = "relu"').replace(
    'derivada = "tanh_prime_z"', 'derivada = "relu_prime_z"\ndelta_l = "delta_l_relu"')


@pytest.mark.parametrize("prime, status, mistake", [
    ("(z > 0).astype(float)", "pass", None),
    ("(np.maximum(z, 0) > 0) * 1.0", "pass", None),   # from a = relu(z): the same numbers, so nothing to name
    ("np.maximum(z, 0)", "fail", "relu_for_relu_prime"),
])
def test_relu_prime_from_a_where_z_is_given_is_equal_and_not_misnamed(prime, status, mistake, tmp_path):
    """A hidden relu (a teacher's file): relu′ is handed z; written from a = relu(z) it is the same function,
    so it passes and no mistake is named; relu itself returned is named."""
    (tmp_path / "relu.toml").write_text(RELU, encoding="utf-8")
    source = f"import numpy as np\ndef derivada(z):\n    return {prime}\n" \
             "def delta_l(delta_next, theta_next, zl):\n    return (delta_next @ theta_next) * derivada(zl)\n"
    space: dict = {}
    exec(source, space)   # noqa: S102 — the test's own hand-in
    result = check_lab(space, assignment=str(tmp_path / "relu.toml"))
    assert (result.formulas["derivada"].status, result.formulas["derivada"].mistake) == (status, mistake)
    assert result.formulas["delta_l"].status == status and result.formulas["delta_l"].mistake is None

