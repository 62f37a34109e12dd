"""The lab's loop as a step(); the hidden δ uses θ⁽¹⁾ where it needs θ⁽²⁾."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def step(X, Y, thetas, eta):
    theta_1, theta_2 = thetas
    a1 = sigmoid(X @ theta_1.T)
    a2 = sigmoid(a1 @ theta_2.T)
    delta_2 = (a2 - Y) * a2 * (1 - a2)
    delta_1 = (delta_2 @ theta_1) * a1 * (1 - a1)
    return [theta_1 - eta * delta_1.T @ X, theta_2 - eta * delta_2.T @ a1]
