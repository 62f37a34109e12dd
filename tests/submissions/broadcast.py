import numpy as np


def delta_L(aL, Y):
    y = Y.flatten()            # y as a vector
    return (aL - y) * aL * (1 - aL)
