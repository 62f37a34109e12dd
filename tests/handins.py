"""The lab's five functions, right, as source a test writes into a hand-in (and replaces some of them); lab2's too."""
import textwrap

from mlp_harness.check.assignment import load_assignment

#: each function's source, right, by the lab's name
RIGHT = {
    "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
    "delta_L": "def delta_L(aL, Y):\n    return (aL - Y) * aL * (1 - aL)\n",
    "delta_l": "def delta_l(delta_next, theta_next, al):\n    return delta_next @ theta_next * al * (1 - al)\n",
    "gradient": "def gradient(delta, a_prev):\n    return delta.T @ a_prev\n",
    "optimize": "def optimize(theta, grad, eta):\n    return theta - eta * grad\n",
}
#: the same one at a time, each followed by a blank line, and NumPy's import: pieces to concatenate
HEADER = "import numpy as np\n\n"
SIGMOID, DELTA_L, DELTA_l, GRADIENT, OPTIMIZE = (source + "\n" for source in RIGHT.values())


def lab_source(*lines: str, **replaced: str) -> str:
    """A hand-in: ``lines`` (its imports), then the lab's five functions, right unless ``replaced``."""
    functions = [textwrap.dedent(replaced.get(name, source)) for name, source in RIGHT.items()]
    return "\n".join(list(lines) + functions)


#: lab2's functions (mlp-check --assignment lab2), right: each one's body, by its name in lab2.toml
LAB2_BODIES = {
    "tanh": "return np.tanh(z)",
    "softmax": "e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)",
    "tanh_prime": "return 1 - a ** 2",
    "delta_L": "return (aL - Y) / aL.shape[0]",
    "delta_l": "return (delta_next @ theta_next) * (1 - al ** 2)",
    "gradient": "return delta.T @ a_prev",
    "bias_gradient": "return delta.sum(axis=0)",
    "optimize": "return theta - eta * grad",
}


def lab2_function(name: str, body: str | None = None) -> str:
    """One of lab2's functions as source, under its catalogue signature's argument names, with ``body`` (its
    lines after the first indented by four spaces; the right one by default)."""
    args = ", ".join(arg.name for arg in load_assignment("lab2").functions[name].args)
    return f"def {name}({args}):\n    {body or LAB2_BODIES[name]}\n"


def lab2_source(**replaced: str) -> str:
    """A lab2 hand-in: NumPy's import, then lab2's functions, right unless ``replaced`` (name: its body)."""
    return HEADER + "\n".join(lab2_function(name, replaced.get(name)) for name in LAB2_BODIES)


#: lab3's two updates with their state, right, by their name in lab3 (torch's conventions: see --describe)
LAB3_RIGHT = {
    "momentum_update": """
        def momentum_update(theta, grad, velocity, eta, mu):
            velocity = mu * velocity + grad
            return theta - eta * velocity, velocity
        """,
    "adam_update": """
        def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
            t = t + 1
            m = beta1 * m + (1 - beta1) * grad
            v = beta2 * v + (1 - beta2) * grad ** 2
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v, t
        """,
}


def lab3_source(**replaced: str) -> str:
    """A lab3 hand-in: NumPy's import, then lab3's functions, right unless ``replaced``."""
    functions = [textwrap.dedent(replaced.get(name, source)).strip() + "\n" for name, source in LAB3_RIGHT.items()]
    return "\n\n".join([HEADER.strip()] + functions)
