import numpy as np

X = np.array([[0.5, 0.1], [0.2, 0.6]])
Y = np.array([[0.7], [0.8]])


def delta_L(aL, y):
    return (aL - Y) * aL * (1 - aL)     # the notebook's Y, not the parameter y
