"""Cost functions, as a registry of name -> :class:`Loss`; one cost per run.

``n`` and ``a`` have shape ``(R, observations, outputs)``, the targets ``y`` ``(observations,
outputs)`` (the same for every run). ``sse`` is the question's sum of squared errors over every
observation and output; ``mse`` and ``cross_entropy`` average over a run's
``observations * outputs`` entries. Each run's sum is one BLAS dot over its own entries
(:func:`dot_per_run`), or its terms added one at a time (:func:`dot_in_order`, for products summed
in order): either way a run's cost does not depend on the runs stacked with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_TWO = np.array(2.0)


def dot_per_run(u: np.ndarray, v: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[r] = sum(u[r] * v[r])`` over run ``r``'s entries, ``out`` of shape ``(R,)``.

    ``v`` may lack the run axis (the same for every run). One BLAS dot per run: numpy's matmul of
    ``(R, 1, N) @ (R, N, 1)`` stacks makes the very call ``np.vdot`` makes for one run.
    """
    R = len(out)
    if R == 1:
        out[0] = np.vdot(u, v)
    else:
        columns = v.reshape(R, -1, 1) if v.ndim == u.ndim else v.reshape(-1, 1)
        np.matmul(u.reshape(R, 1, -1), columns, out.reshape(R, 1, 1))
    return out


def dot_in_order(u: np.ndarray, v: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[r] = sum(u[r] * v[r])`` with run ``r``'s terms added one at a time, in the order of its
    entries: element-wise multiplies and adds across the runs, the same arithmetic whatever ``R`` is
    (the cost of a network whose products are summed ``in_order``, see mlp/network.py)."""
    terms = u * v
    entries = np.ndindex(terms.shape[1:])
    np.copyto(out, terms[(slice(None), *next(entries))])
    for entry in entries:
        np.add(out, terms[(slice(None), *entry)], out)
    return out


@dataclass(frozen=True)
class Loss:
    """``evaluate(n, a, y, dC_da, costs, dot)`` writes each run's ``dC/da`` and cost ``C``, and returns
    ``costs``; ``dot`` sums each run's terms (:func:`dot_per_run` unless given).

    ``n`` is the output layer's pre-activation ``n^L``. ``output_delta(a, y, out)``, when set,
    writes ``delta^L = dC/da * f'(n^L)`` directly: for ``cross_entropy`` after a sigmoid the
    product simplifies to ``(a - y) / count``, which stays finite where ``a`` saturates to 0 or 1.
    """

    name: str
    evaluate: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    output_delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None
    needs_sigmoid_output: bool = False

    def value(self, n: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The costs alone, shape ``(R,)``."""
        return self.evaluate(n, a, y, np.empty_like(a), np.empty(len(a)), dot_per_run)


def _count(a: np.ndarray) -> int:
    """Entries of one run: observations x outputs."""
    return a.shape[-2] * a.shape[-1]


def _sse(n, a, y, dC_da, costs, dot=dot_per_run):
    # C = sum (a - y)^2;  dC/da = 2 (a - y)
    np.subtract(a, y, dC_da)
    dot(dC_da, dC_da, costs)
    np.multiply(dC_da, _TWO, dC_da)
    return costs


def _mse(n, a, y, dC_da, costs, dot=dot_per_run):
    # C = mean (a - y)^2;  dC/da = 2 (a - y) / count
    _sse(n, a, y, dC_da, costs, dot)
    dC_da /= _count(a)
    costs /= _count(a)
    return costs


def _cross_entropy(n, a, y, dC_da, costs, dot=dot_per_run):
    # C = -mean(y log a + (1 - y) log(1 - a)) with a = sigma(n), written stably in n:
    # log(1 + e^n) - y n, where log(1 + e^n) = max(n, 0) + log1p(e^-|n|).
    terms = np.maximum(n, 0.0) + np.log1p(np.exp(-np.abs(n))) - y * n
    dot(terms, np.ones(a.shape[-2:]), costs)
    costs /= _count(a)
    # dC/da = (a - y) / (a (1 - a)) / count: infinite where a saturates (shown, never used).
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(a - y, a * (1.0 - a) * _count(a), out=dC_da)
    return costs


def _cross_entropy_delta(a, y, out):
    np.subtract(a, y, out=out)
    out /= _count(a)
    return out


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("sse", _sse),
        Loss("mse", _mse),
        Loss("cross_entropy", _cross_entropy, output_delta=_cross_entropy_delta, needs_sigmoid_output=True),
    )
}
