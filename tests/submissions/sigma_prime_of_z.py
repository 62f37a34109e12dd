"""A step written for the lab's two layers; the hidden δ is handed z⁽¹⁾ where the formula wants a⁽¹⁾."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def delta_L(aL, Y):
    return (aL - Y) * aL * (1 - aL)


def delta_l(delta_next, theta_next, al):
    return np.matmul(delta_next, theta_next) * al * (1 - al)


def step(X, Y, thetas, eta):
    theta1, theta2 = thetas
    z1 = X @ theta1.T
    a1 = sigmoid(z1)
    z2 = a1 @ theta2.T
    a2 = sigmoid(z2)
    d2 = (a2 - Y) * z2 * (1 - z2)
    d1 = delta_l(d2, theta2, z1)
    return [theta1 - eta * d1.T @ X, theta2 - eta * d2.T @ a1]
