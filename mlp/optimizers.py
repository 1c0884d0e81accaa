"""Optimizers over one flat parameter vector, as a registry of name -> class.

All weight matrices are views into one flat array ``params`` and all gradients into one flat
``grads``, so one step is a handful of numpy calls whatever the depth of the network.
"""

from __future__ import annotations

import numpy as np


class GradientDescent:
    """The question's full-batch step: ``W <- W - lr * dC/dW``."""

    def __init__(self, size: int, learning_rate: float):
        self.learning_rate = np.array(learning_rate)  # 0-d: cheaper for numpy than a float
        self._step = np.empty(size)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        np.multiply(grads, self.learning_rate, self._step)
        np.subtract(params, self._step, params)


class Momentum:
    """Heavy ball: ``v <- beta v + dC/dW``; ``W <- W - lr v``."""

    beta = 0.9

    def __init__(self, size: int, learning_rate: float):
        self.learning_rate = np.array(learning_rate)
        self._velocity = np.zeros(size)
        self._step = np.empty(size)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        v = self._velocity
        v *= self.beta
        v += grads
        np.multiply(v, self.learning_rate, self._step)
        np.subtract(params, self._step, params)


class Adam:
    """Adam (Kingma & Ba) with ``beta1 = 0.9``, ``beta2 = 0.999``, ``eps = 1e-8``."""

    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, size: int, learning_rate: float):
        self.learning_rate = learning_rate
        self._m = np.zeros(size)
        self._v = np.zeros(size)
        self._tmp = np.empty(size)
        self._t = 0

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self._t += 1
        m, v, tmp = self._m, self._v, self._tmp
        m *= self.beta1
        np.multiply(grads, 1 - self.beta1, out=tmp)
        m += tmp
        v *= self.beta2
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - self.beta2
        v += tmp
        # W <- W - lr m_hat / (sqrt(v_hat) + eps), bias corrections folded into scalars.
        correction1 = 1 - self.beta1**self._t
        correction2 = 1 - self.beta2**self._t
        np.sqrt(v, out=tmp)
        tmp /= np.sqrt(correction2)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= self.learning_rate / correction1
        params -= tmp


OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "adam": Adam}
