import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def delta_L(aL, Y):
    # J = ½(y − a)², so dJ/da = 2(a − y)... I think
    return 2 * (aL - Y) * aL * (1 - aL)


def delta_l(delta_next, theta_next, al):
    return np.matmul(delta_next, theta_next) * al * (1 - al)


def gradient(delta, a_prev):
    return np.matmul(delta.T, a_prev)


def optimize(theta, grad, eta):
    return theta - eta * grad
