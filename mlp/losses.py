"""Cost functions, as a registry of name -> :class:`Loss`.

``a`` and ``y`` have shape ``(observations, outputs)``. ``sse`` is the question's sum of squared
errors over every observation and output; ``mse`` and ``cross_entropy`` average over all
``observations * outputs`` entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Loss:
    """``value(n, a, y)`` is the cost; ``gradient(a, y, out)`` writes ``dC/da``.

    ``output_delta(a, y, out)``, when set, writes ``delta^L = dC/da * f'(n)`` directly: for
    ``cross_entropy`` after a sigmoid the product simplifies to ``(a - y) / count``, which stays
    finite where ``a`` saturates to exactly 0 or 1.
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    output_delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None
    needs_sigmoid_output: bool = False


def _sse(n, a, y):
    r = (a - y).ravel()
    return float(r @ r)


def _sse_gradient(a, y, out):
    # dC/da = 2 (a - y)
    np.subtract(a, y, out=out)
    out *= 2.0
    return out


def _mse(n, a, y):
    return _sse(n, a, y) / a.size


def _mse_gradient(a, y, out):
    _sse_gradient(a, y, out)
    out /= a.size
    return out


def _cross_entropy(n, a, y):
    # -mean(y log a + (1 - y) log(1 - a)) with a = sigma(n), written stably in n:
    # log(1 + e^n) - y n, where log(1 + e^n) = max(n, 0) + log1p(e^-|n|).
    softplus = np.maximum(n, 0.0) + np.log1p(np.exp(-np.abs(n)))
    return float(np.mean(softplus - y * n))


def _cross_entropy_gradient(a, y, out):
    # dC/da = (a - y) / (a (1 - a)) / count; infinite where a saturates (shown, never used).
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(a - y, a * (1.0 - a) * a.size, out=out)
    return out


def _cross_entropy_delta(a, y, out):
    np.subtract(a, y, out=out)
    out /= a.size
    return out


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("sse", _sse, _sse_gradient),
        Loss("mse", _mse, _mse_gradient),
        Loss(
            "cross_entropy",
            _cross_entropy,
            _cross_entropy_gradient,
            output_delta=_cross_entropy_delta,
            needs_sigmoid_output=True,
        ),
    )
}
