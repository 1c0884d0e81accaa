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
# Pairwise differences are computed for several snapshots at once, up to this many values.
_CHUNK_VALUES = 2_000_000


def neuron_vectors(W_in: np.ndarray, W_out: np.ndarray) -> np.ndarray:
    """``V`` of shape ``(n_l, 1 + n_{l-1} + n_{l+1})``: row ``j`` is ``v_j``."""
    return np.hstack([W_in.T, W_out[1:]])


@dataclass(frozen=True)
class Symmetry:
    """Per snapshot and hidden layer: distinct-neuron counts and symmetry gaps, ``(S, H)`` each."""

    distinct: np.ndarray
    gap: np.ndarray


def _measure(V: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Distinct counts and gaps for a stack ``V`` of shape ``(S, n, d)``; returns two ``(S,)``."""
    S, n, d = V.shape
    # Both metrics are scale-free: divide each snapshot by its largest |weight|, so the squares
    # of a diverging run's huge (finite) weights cannot overflow.
    peak = np.max(np.abs(V), axis=(1, 2), keepdims=True)
    V = V / np.where(np.isfinite(peak) & (peak > 0), peak, 1.0)
    scale = np.sqrt(np.mean(V * V, axis=(1, 2)))
    diff = V[:, :, None, :] - V[:, None, :, :]  # (S, n, n, d)
    same = np.max(np.abs(diff), axis=3) <= (tolerance * scale)[:, None, None]
    # Groups are the connected components of `same`: square the reachability matrix until stable.
    reach = same.astype(np.int32)
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2)))))):
        reach = np.minimum(reach @ reach, 1)
    # A group is counted once, at its lowest-numbered neuron.
    distinct = np.sum(np.argmax(reach, axis=2) == np.arange(n), axis=1)
    if n < 2:
        return distinct, np.full(S, np.nan)
    squared = np.sum(diff * diff, axis=3)
    upper = np.triu_indices(n, k=1)
    smallest = np.min(squared[:, upper[0], upper[1]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(scale > 0, np.sqrt(smallest / d) / scale, 0.0)
    return distinct, gap


def _measure_all(stack: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    S, n, d = stack.shape
    step = max(1, _CHUNK_VALUES // max(1, n * n * d))
    parts = [_measure(stack[i : i + step], tolerance) for i in range(0, S, step)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def distinct_neurons(V: np.ndarray, tolerance: float = TOLERANCE) -> int:
    """Number of groups of equal neurons in one layer's ``V`` (see the module docstring)."""
    return int(_measure_all(V[None], tolerance)[0][0])


def symmetry_gap(V: np.ndarray) -> float:
    """Smallest RMS distance between two neurons over the layer's RMS (see module docstring)."""
    return float(_measure_all(V[None], TOLERANCE)[1][0])


def symmetry_history(snapshots: list[list[np.ndarray]], tolerance: float = TOLERANCE) -> Symmetry:
    """The metrics of every hidden layer at every snapshot of ``W^0 .. W^{L-1}``."""
    S, H = len(snapshots), len(snapshots[0]) - 1
    distinct, gap = np.ones((S, H), dtype=int), np.full((S, H), np.nan)
    for h in range(H):
        stack = np.stack([neuron_vectors(W[h], W[h + 1]) for W in snapshots])
        distinct[:, h], gap[:, h] = _measure_all(stack, tolerance)
    return Symmetry(distinct, gap)


def layer_symmetry(weights: list[np.ndarray], tolerance: float = TOLERANCE) -> Symmetry:
    """The metrics of every hidden layer of one set of weights (arrays of shape ``(1, H)``)."""
    return symmetry_history([weights], tolerance)
