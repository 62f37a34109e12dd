import numpy as np

eta = 0.1


def optimize(theta, grad, learning_rate):
    return theta - eta * grad
