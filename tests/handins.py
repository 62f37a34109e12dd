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
    "tanh_prime": "return 1 - a ** 2",
    "delta_L": "return (aL - Y) / aL.shape[0]",
    "delta_l": "return (delta_next @ theta_next) * (1 - al ** 2)",
    "gradient": "return delta.T @ a_prev",
    "bias_gradient": "return delta.sum(axis=0)",
    "optimize": "return theta - eta * grad",
}


def lab2_function(name: str, body: str | None = None) -> str:
    """One of lab2's functions as source, under its catalogue signature's argument names, with ``body`` (one
    line; the right one by default)."""
    args = ", ".join(arg.name for arg in load_assignment("lab2").functions[name].args)
    return f"def {name}({args}):\n    {body or LAB2_BODIES[name]}\n"
