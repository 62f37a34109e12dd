# Lab 1 — my own backprop, written with loops where I could
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def delta_L(aL, Y):
    erro = aL - Y
    derivada = aL * (1.0 - aL)
    return erro * derivada


def delta_l(delta_proximo, theta_proximo, a_atual):
    N, n = a_atual.shape
    resultado = np.zeros((N, n))
    for amostra in range(N):
        for j in range(n):
            soma = 0.0
            for k in range(delta_proximo.shape[1]):
                soma += delta_proximo[amostra, k] * theta_proximo[k, j]
            resultado[amostra, j] = soma * a_atual[amostra, j] * (1 - a_atual[amostra, j])
    return resultado


def gradient(delta, a_anterior):
    return np.dot(delta.T, a_anterior)


def optimize(theta, grad, eta=0.1):
    return theta - eta * grad


if __name__ == "__main__":
    X = np.array([[0.5, 0.1], [0.2, 0.6]])
    Y = np.array([[0.7], [0.8]])
    print(sigmoid(0))
