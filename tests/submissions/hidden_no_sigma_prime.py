import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def delta_L(aL, Y):
    return (aL - Y) * aL * (1 - aL)


def delta_l(delta_next, theta_next, al):
    return np.matmul(delta_next, theta_next)
