import numpy as np


def sigmoid(z):
    z = z.astype(np.float32)          # "float32 is enough"
    return 1 / (1 + np.exp(-z))
