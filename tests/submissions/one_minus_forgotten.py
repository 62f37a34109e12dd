# Lab 1 — sigmoid's derivative written as a alone: the (1 − a) of σ′ = a(1 − a) is forgotten in δ⁽ᴸ⁾
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def delta_L(aL, Y):
    return (aL - Y) * aL


def delta_l(delta_next, theta_next, al):
    return (delta_next @ theta_next) * al * (1 - al)


def gradient(delta, a_prev):
    return delta.T @ a_prev


def optimize(theta, grad, eta):
    return theta - eta * grad
