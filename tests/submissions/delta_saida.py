# Lab 1 — com o delta da camada de saída em português
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def delta_saida(aL, Y):
    return (aL - Y) * aL * (1 - aL)


def delta_l(delta_next, theta_next, al):
    return (delta_next @ theta_next) * al * (1 - al)


def gradient(delta, a_prev):
    return delta.T @ a_prev


def optimize(theta, grad, eta):
    return theta - eta * grad
