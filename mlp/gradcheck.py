"""Analytic gradients against central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Architecture, Network, gradients

# Values the stacked forward passes may hold at once (32 MB of float64): the shifted weight sets run in
# chunks of as many runs as fit.
MAX_VALUES = 2**22


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
    analytic = gradients(architecture, weights, X, Y).grads
    flat = np.concatenate([W.ravel() for W in weights])
    P = flat.size
    # Run k of the 2P shifted weight sets is every weight as given but weight k % P, shifted by +epsilon
    # (k < P) or -epsilon: one forward pass of a network of many runs gives all their costs.
    runs_values = 2 * P + X.shape[0] * 6 * sum(architecture.layers[1:])  # weights, gradients and buffers
    R = max(1, min(2 * P, MAX_VALUES // runs_values))
    net = Network(architecture, X, Y, runs=R)
    costs = np.empty(2 * P)
    for start in range(0, 2 * P, R):
        k = np.arange(start, min(start + R, 2 * P))
        net.params[...] = flat
        net.params[np.arange(len(k)), k % P] = flat[k % P] + np.where(k < P, epsilon, -epsilon)
        with np.errstate(all="ignore"):  # blown-up weights give inf/NaN, silently
            costs[k] = net.forward()[: len(k)]
    with np.errstate(all="ignore"):  # ... and so do their differences and the errors of non-finite gradients
        numeric = [G.copy() for G in architecture.split((costs[:P] - costs[P:]) / (2 * epsilon))]
        worst = max(
            float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor))) for a, n in zip(analytic, numeric)
        )
    return GradientCheck(worst, analytic, numeric)
