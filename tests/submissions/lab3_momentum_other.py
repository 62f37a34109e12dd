"""Lab 3 (mlp-check --assignment lab3): Adam right; momentum written in the other convention (v = μv − ηg;
θ ← θ + v), which moves θ as torch's does while η is constant but returns another velocity."""
import numpy as np


def momentum_update(theta, grad, velocity, eta, mu):
    velocity = mu * velocity - eta * grad
    return theta + velocity, velocity


def adam_update(theta, grad, m, v, t, eta, beta1, beta2, eps):
    t = t + 1
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v, t
