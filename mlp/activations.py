"""Activation functions, as a registry of name -> :class:`Activation`.

Each activation is applied element-wise to ``n`` of shape ``(observations, neurons)``.
Both functions write into ``out`` so the training loop allocates nothing per step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """``value(n, out)`` writes ``a = f(n)``; ``slope(n, a, out)`` writes ``da/dn = f'(n)``."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _sigmoid(n, out):
    # sigma(n) = (1 + tanh(n / 2)) / 2: exact, and tanh never overflows for large |n|.
    np.multiply(n, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _sigmoid_slope(n, a, out):
    # sigma'(n) = a (1 - a), the question's (a - 1) a * -1.
    np.subtract(1.0, a, out=out)
    out *= a
    return out


def _tanh(n, out):
    return np.tanh(n, out=out)


def _tanh_slope(n, a, out):
    # tanh'(n) = 1 - a^2
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)
    return out


def _relu(n, out):
    return np.maximum(n, 0.0, out=out)


def _relu_slope(n, a, out):
    return np.greater(n, 0.0, out=out)


def _leaky_relu(n, out):
    np.multiply(n, LEAKY_SLOPE, out=out)
    return np.maximum(n, out, out=out)


def _leaky_relu_slope(n, a, out):
    out[...] = np.where(n > 0.0, 1.0, LEAKY_SLOPE)
    return out


def _linear(n, out):
    np.copyto(out, n)
    return out


def _linear_slope(n, a, out):
    out.fill(1.0)
    return out


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", _sigmoid, _sigmoid_slope),
        Activation("tanh", _tanh, _tanh_slope),
        Activation("relu", _relu, _relu_slope),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_slope),
        Activation("linear", _linear, _linear_slope),
    )
}
