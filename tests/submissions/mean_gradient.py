import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def delta_L(aL, Y):
    return (aL - Y) * aL * (1 - aL)


def delta_l(delta_next, theta_next, al):
    return np.dot(delta_next, theta_next) * al * (1 - al)


def gradient(delta, a_prev):
    N = delta.shape[0]
    return np.dot(delta.T, a_prev) / N    # average over the batch
