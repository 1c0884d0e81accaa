"""How many hidden neurons are really different.

Hidden neuron ``j`` of layer ``l`` (``1 <= l <= L-1``) is described by its weight vector

    v_j = ( W^{l-1}[:, j] ,  W^l[1 + j, :] )      (incoming column with bias, outgoing row)

of length ``d = (1 + n_{l-1}) + n_{l+1}``. Two neurons whose vectors are equal compute the same
activation and receive the same gradient, so gradient descent keeps them equal for ever. The
layer's scale is the root mean square of all its entries, ``s = sqrt(mean(V^2))``.

- distinct neurons: the number of groups left after joining every pair with
  ``max_k |v_ik - v_jk| <= tol * s`` (transitively);
- symmetry gap: ``min_{i<j} ||v_i - v_j||_2 / (sqrt(d) * s)``, the smallest root-mean-square
  difference between two neurons relative to the layer's scale. It is exactly 0 while two
  neurons are clones, and NaN for a layer of one neuron (no pair to compare).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-6


def neuron_vectors(W_in: np.ndarray, W_out: np.ndarray) -> np.ndarray:
    """``V`` of shape ``(n_l, 1 + n_{l-1} + n_{l+1})``: row ``j`` is ``v_j``."""
    return np.hstack([W_in.T, W_out[1:]])


def _scale(V: np.ndarray) -> float:
    return float(np.sqrt(np.mean(V * V)))


def distinct_neurons(V: np.ndarray, tolerance: float = TOLERANCE) -> int:
    """Number of groups of equal neurons (see the module docstring)."""
    n = len(V)
    limit = tolerance * _scale(V)
    group = np.arange(n)
    for i in range(n - 1):
        same = np.max(np.abs(V[i + 1 :] - V[i]), axis=1) <= limit
        for j in np.flatnonzero(same) + i + 1:
            old, new = group[j], group[i]
            group[group == old] = new  # union: relabel j's whole group
    return len(np.unique(group))


def symmetry_gap(V: np.ndarray) -> float:
    """Smallest RMS distance between two neurons over the layer's RMS (see module docstring)."""
    n, d = V.shape
    if n < 2:
        return float("nan")
    scale = _scale(V)
    if scale == 0.0:
        return 0.0
    smallest = min(float(np.min(np.sum((V[i + 1 :] - V[i]) ** 2, axis=1))) for i in range(n - 1))
    return float(np.sqrt(smallest / d) / scale)


@dataclass(frozen=True)
class Symmetry:
    """Per hidden layer ``1 .. L-1``: distinct-neuron counts and symmetry gaps."""

    distinct: tuple[int, ...]
    gap: tuple[float, ...]


def layer_symmetry(weights: list[np.ndarray], tolerance: float = TOLERANCE) -> Symmetry:
    """The symmetry metrics of every hidden layer of ``W^0 .. W^{L-1}``."""
    vectors = [neuron_vectors(W_in, W_out) for W_in, W_out in zip(weights, weights[1:])]
    return Symmetry(
        tuple(distinct_neurons(V, tolerance) for V in vectors),
        tuple(symmetry_gap(V) for V in vectors),
    )
