"""Optimizers over flat parameter vectors, one row per run, as a registry of name -> class.

All weight matrices of a run are views into one row of ``params`` ``(R, P)`` and all gradients into
one row of ``grads``, so one step is a handful of numpy calls whatever the depth of the network and
the number of runs. Each run has its own learning rate; every update is element-wise, so a run's
step does not depend on the runs stepped with it. An optimizer's buffers are laid out in memory like
the ``params`` it is made for (run axis first or last, see mlp/network.py): numpy is three times
slower on arrays laid out differently.
"""

from __future__ import annotations

import numpy as np


def _rates(learning_rates: np.ndarray, params: np.ndarray) -> np.ndarray:
    """Learning rates ``(R,)`` spread over an array like ``params`` ``(R, P)``, each run's rate on its
    row; one run's as a 0-d array. numpy converts a Python float on every call, and multiplies by a
    whole array twice as fast as by a column it must broadcast (256 runs of the question's network)."""
    rates = np.asarray(learning_rates, dtype=float).reshape(-1)
    if len(rates) == 1:
        return rates.reshape(())
    spread = np.empty_like(params)
    spread[...] = rates[:, None]
    return spread


class GradientDescent:
    """The question's full-batch step: ``W <- W - lr * dC/dW``."""

    def __init__(self, params: np.ndarray, learning_rates: np.ndarray):
        self.learning_rate = _rates(learning_rates, params)
        self._step = np.empty_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        np.multiply(grads, self.learning_rate, self._step)
        np.subtract(params, self._step, params)


class Momentum:
    """Heavy ball: ``v <- beta v + dC/dW``; ``W <- W - lr v``."""

    beta = 0.9

    def __init__(self, params: np.ndarray, learning_rates: np.ndarray):
        self.learning_rate = _rates(learning_rates, params)
        self._velocity = np.zeros_like(params)
        self._step = np.empty_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        v = self._velocity
        v *= self.beta
        v += grads
        np.multiply(v, self.learning_rate, self._step)
        np.subtract(params, self._step, params)


class Adam:
    """Adam (Kingma & Ba) with ``beta1 = 0.9``, ``beta2 = 0.999``, ``eps = 1e-8``."""

    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, params: np.ndarray, learning_rates: np.ndarray):
        self.learning_rate = _rates(learning_rates, params)
        self._m = np.zeros_like(params)
        self._v = np.zeros_like(params)
        self._tmp = np.empty_like(params)
        self._rate = np.empty_like(self.learning_rate)  # lr / (1 - beta1^t)
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
        np.divide(self.learning_rate, correction1, self._rate)
        tmp *= self._rate
        params -= tmp


OPTIMIZERS = {"gd": GradientDescent, "momentum": Momentum, "adam": Adam}
