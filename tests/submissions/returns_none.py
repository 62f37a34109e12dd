import numpy as np


def delta_l(delta_next, theta_next, al):
    resultado = np.matmul(delta_next, theta_next) * al * (1 - al)
