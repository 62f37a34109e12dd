import numpy as np


def optimize(old_theta, gradient, eta=0.1):
    return old_theta + eta * gradient
