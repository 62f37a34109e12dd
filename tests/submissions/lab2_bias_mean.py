"""Lab 2 (mlp-check --assignment lab2): every function right but bias_gradient, which averages δ over the batch."""
import numpy as np


def tanh(z):
    return np.tanh(z)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def tanh_prime(a):
    return 1 - a ** 2


def delta_L(aL, Y):
    return (aL - Y) / aL.shape[0]


def delta_l(delta_next, theta_next, al):
    return (delta_next @ theta_next) * tanh_prime(al)


def gradient(delta, a_prev):
    return delta.T @ a_prev


def bias_gradient(delta):
    return delta.mean(axis=0)


def optimize(theta, grad, eta):
    return theta - eta * grad
