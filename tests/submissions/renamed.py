import numpy as np


def sigmoide(z):
    return 1 / (1 + np.exp(-z))


def erro_saida(aL, Y):
    return (aL - Y) * aL * (1 - aL)


def erro_oculta(delta_seguinte, theta_seguinte, a):
    return delta_seguinte @ theta_seguinte * a * (1 - a)


def gradiente(delta, a_anterior):
    return delta.T @ a_anterior


def otimizar(theta, grad, eta):
    return theta - eta * grad
