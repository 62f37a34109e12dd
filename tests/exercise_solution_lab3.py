"""A solution of notebooks/lab3-exercicio.ipynb, and three typical mistakes, for its tests.

The right updates are lab3's of tests/handins.py (the assignment's tests hand the same ones in), under the
catalogue's argument names, as the notebook's ``def`` lines have them. ``MISTAKES`` holds wrong versions,
each with the diagnosis mlp-check gives it (its name in mlp_harness.check.mistakes).
"""
import textwrap

from handins import LAB3_RIGHT

#: function -> its source, right
SOLUTION = {name: textwrap.dedent(source).strip() + "\n" for name, source in LAB3_RIGHT.items()}

#: function (with what the mistake is, for a function's second) -> (a wrong version's source, the mistake's name in
#: the diagnosis)
MISTAKES = {
    "momentum_update": ("def momentum_update(theta, grad, velocity, eta, mu):\n"
                        "    velocity = mu * velocity - eta * grad\n"
                        "    return theta + velocity, velocity\n", "momentum_other_convention"),
    "adam_update": ("def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):\n"
                    "    m = beta1 * m + (1 - beta1) * grad\n"
                    "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
                    "    return theta - eta * m / (np.sqrt(v) + eps), m, v, t + 1\n", "adam_no_bias_correction"),
    "adam_update, ε before the correction": (
        "def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):\n"
        "    t = t + 1\n"
        "    m = beta1 * m + (1 - beta1) * grad\n"
        "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
        "    step = eta * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n"
        "    return theta - step * m / (np.sqrt(v) + eps), m, v, t\n", "adam_eps_before_correction"),
}
