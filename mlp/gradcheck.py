"""Analytic gradients against central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Architecture, gradients


@dataclass(frozen=True)
class GradientCheck:
    """``max_relative_error`` over every weight of ``|g - g_fd| / max(|g| + |g_fd|, floor)``."""

    max_relative_error: float
    analytic: list[np.ndarray]
    numeric: list[np.ndarray]

    def passed(self, tolerance: float = 1e-6) -> bool:
        return self.max_relative_error <= tolerance


def gradient_check(
    architecture: Architecture,
    weights: list[np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    epsilon: float = 1e-5,
    floor: float = 1e-3,
) -> GradientCheck:
    """Compare ``dC/dW^l`` with ``(C(w + eps) - C(w - eps)) / (2 eps)`` for every weight.

    The difference carries a rounding error of about ``1e-16 |C| / eps`` (~1e-10 here), so the
    relative error of gradients far below ``floor`` means nothing: near convergence a floor of
    1e-8 reported 1e-4 for correct gradients. Below ``floor`` the check is absolute, to
    ``tolerance * floor``.
    """

    def cost(ws):
        return gradients(architecture, ws, X, Y).loss

    analytic = gradients(architecture, weights, X, Y).grads
    numeric = []
    for l, W in enumerate(weights):
        G = np.empty_like(W)
        for index in np.ndindex(W.shape):
            shifted = [w.copy() for w in weights]
            shifted[l][index] = W[index] + epsilon
            up = cost(shifted)
            shifted[l][index] = W[index] - epsilon
            G[index] = (up - cost(shifted)) / (2 * epsilon)
        numeric.append(G)
    with np.errstate(all="ignore"):  # non-finite gradients of blown-up weights give a NaN error, silently
        worst = max(
            float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor))) for a, n in zip(analytic, numeric)
        )
    return GradientCheck(worst, analytic, numeric)
