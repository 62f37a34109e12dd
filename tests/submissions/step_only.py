# Lab 1 — the whole training step in one function, as the lab's "Generalizar" cell asks
import numpy as np


def step(X, Y, thetas, eta):
    theta1, theta2 = thetas
    a1 = 1 / (1 + np.exp(-(X @ theta1.T)))
    a2 = 1 / (1 + np.exp(-(a1 @ theta2.T)))
    delta2 = (a2 - Y) * a2 * (1 - a2)
    delta1 = (delta2 @ theta2) * a1 * (1 - a1)
    return [theta1 - eta * delta1.T @ X, theta2 - eta * delta2.T @ a1]
