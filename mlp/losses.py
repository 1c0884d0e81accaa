"""Cost functions, as a registry of name -> :class:`Loss`.

``a`` and ``y`` have shape ``(observations, outputs)``. ``sse`` is the question's sum of squared
errors over every observation and output; ``mse`` and ``cross_entropy`` average over all
``observations * outputs`` entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_TWO = np.array(2.0)


@dataclass(frozen=True)
class Loss:
    """``evaluate(n, a, y, out)`` writes ``dC/da`` into ``out`` and returns the cost ``C``.

    ``n`` is the output layer's pre-activation ``n^L``. ``output_delta(a, y, out)``, when set,
    writes ``delta^L = dC/da * f'(n^L)`` directly: for ``cross_entropy`` after a sigmoid the
    product simplifies to ``(a - y) / count``, which stays finite where ``a`` saturates to 0 or 1.
    """

    name: str
    evaluate: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], float]
    output_delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None
    needs_sigmoid_output: bool = False

    def value(self, n: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
        """The cost alone."""
        return self.evaluate(n, a, y, np.empty_like(a))


def _sse(n, a, y, out):
    # C = sum (a - y)^2;  dC/da = 2 (a - y)
    np.subtract(a, y, out)
    cost = np.vdot(out, out)
    np.multiply(out, _TWO, out)
    return float(cost)


def _mse(n, a, y, out):
    # C = mean (a - y)^2;  dC/da = 2 (a - y) / count
    cost = _sse(n, a, y, out)
    out /= a.size
    return cost / a.size


def _cross_entropy(n, a, y, out):
    # C = -mean(y log a + (1 - y) log(1 - a)) with a = sigma(n), written stably in n:
    # log(1 + e^n) - y n, where log(1 + e^n) = max(n, 0) + log1p(e^-|n|).
    softplus = np.maximum(n, 0.0) + np.log1p(np.exp(-np.abs(n)))
    # dC/da = (a - y) / (a (1 - a)) / count: infinite where a saturates (shown, never used).
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(a - y, a * (1.0 - a) * a.size, out=out)
    return float(np.mean(softplus - y * n))


def _cross_entropy_delta(a, y, out):
    np.subtract(a, y, out=out)
    out /= a.size
    return out


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("sse", _sse),
        Loss("mse", _mse),
        Loss("cross_entropy", _cross_entropy, output_delta=_cross_entropy_delta, needs_sigmoid_output=True),
    )
}
