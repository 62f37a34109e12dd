"""A solution of notebooks/lab1-exercicio.ipynb, and three typical mistakes, for its tests.

Each function replaces the cell of the exercise notebook that defines it (found by its ``def`` line);
kept here, not in the notebook, so that students get the blanks. ``MISTAKES`` holds wrong versions,
each with the diagnosis mlp-check gives it (its name in mlp_harness.check.mistakes).
"""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def delta_L(aL, Y):
    return (aL - Y) * aL * (1 - aL)


def delta_l(delta_l_plus_one, theta_l_plus_one, al):
    return np.matmul(delta_l_plus_one, theta_l_plus_one) * al * (1 - al)


def gradient(delta_i, a_previous):
    return np.matmul(delta_i.T, a_previous)


def optimize(old_theta, gradient, eta=0.1):
    return old_theta - eta * gradient


def step(X, Y, thetas, eta=0.1):
    theta1, theta2 = thetas
    a1 = sigmoid(np.matmul(X, theta1.T))
    a2 = sigmoid(np.matmul(a1, theta2.T))
    delta2 = delta_L(a2, Y)
    delta1 = delta_l(delta2, theta2, a1)
    return [optimize(theta1, gradient(delta1, X), eta), optimize(theta2, gradient(delta2, a1), eta)]


#: function -> (a wrong version's source, the mistake's name in the diagnosis)
MISTAKES = {
    "delta_L": ("def delta_L(aL, Y):\n    return (Y - aL) * aL * (1 - aL)\n", "residual_sign"),
    "gradient": ("def gradient(delta_i, a_previous):\n    return np.matmul(a_previous.T, delta_i)\n",
                 "transposed_gradient"),
    "optimize": ("def optimize(old_theta, gradient, eta=0.1):\n    return old_theta + eta * gradient\n",
                 "sign_flipped"),
}
