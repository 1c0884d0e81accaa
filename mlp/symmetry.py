"""How many hidden neurons are really different.

Hidden neuron ``j`` of layer ``l`` (``1 <= l <= L-1``) is described by its weight vector

    v_j = ( W^{l-1}[:, j] ,  W^l[1 + j, :] )      (incoming column with bias, outgoing row)

of length ``d = (1 + n_{l-1}) + n_{l+1}``. Two neurons whose vectors are equal compute the same
activation and receive the same gradient, so gradient descent keeps them equal for ever. The
layer's scale is the root mean square of all its entries, ``s = sqrt(mean(V^2))``.

- distinct neurons: the number of groups left after joining every pair with
  ``||v_i - v_j||_2 / sqrt(d) <= tol * s`` (transitively), i.e. whose RMS difference is at most
  ``tol`` of the layer's scale;
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


def _squared_distances(V: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """``||v_i - v_j||^2`` for a stack ``V`` ``(S, n, d)``, shape ``(S, n, n)``; exactly 0 between clones.

    The Gram form ``|v_i|^2 + |v_j|^2 - 2 v_i.v_j`` costs one matrix product instead of an
    ``(S, n, n, d)`` array of differences. On vectors centred on their mean its rounding is
    relative to how far apart the neurons are, not to their size, so 1e-9 differences still show;
    and among the pairs closer than ``limit`` ``(S,)``, equal neurons (clones) are found exactly,
    element by element, and set 0 apart.
    """
    V = V - V.mean(axis=1, keepdims=True)  # distances do not change, equal rows stay equal; rounding shrinks
    norms = np.einsum("snd,snd->sn", V, V)
    D2 = np.maximum(norms[:, :, None] + norms[:, None, :] - 2.0 * (V @ V.transpose(0, 2, 1)), 0.0)
    close = np.argwhere(_off_diagonal(D2) <= limit[:, None, None])  # (snapshot, i, j) of each close pair
    step = max(1, _CHUNK_VALUES // V.shape[2])
    for start in range(0, len(close), step):
        s, i, j = close[start : start + step].T
        equal = np.all(V[s, i] == V[s, j], axis=1)
        D2[s[equal], i[equal], j[equal]] = 0.0
    return D2


def _off_diagonal(D2: np.ndarray) -> np.ndarray:
    """``D2`` with infinity on each diagonal, so minima run over pairs of different neurons."""
    return np.where(np.eye(D2.shape[1], dtype=bool), np.inf, D2)


def _components(same: np.ndarray) -> np.ndarray:
    """Connected components of the graphs ``same`` ``(S, n, n)``: each neuron's lowest-numbered peer."""
    S, n, _ = same.shape
    labels = np.broadcast_to(np.arange(n), (S, n))
    while True:  # every neuron takes the lowest label among its peers, until nothing changes
        new = np.min(np.where(same, labels[:, None, :], n), axis=2)
        if np.array_equal(new, labels):
            return labels
        labels = new


def _measure(V: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Distinct counts and gaps for a stack ``V`` of shape ``(S, n, d)``; returns two ``(S,)``."""
    S, n, d = V.shape
    if n < 2:
        return np.ones(S, dtype=int), np.full(S, np.nan)
    # Both metrics are scale-free: divide each snapshot by its largest |weight|, so the squares
    # of a diverging run's huge (finite) weights cannot overflow.
    peak = np.max(np.abs(V), axis=(1, 2), keepdims=True)
    V = V / np.where(np.isfinite(peak) & (peak > 0), peak, 1.0)
    scale = np.sqrt(np.mean(V * V, axis=(1, 2)))
    limit = d * (tolerance * scale) ** 2
    D2 = _squared_distances(V, limit)
    same = D2 <= limit[:, None, None]  # noqa: SIM300
    distinct = np.sum(_components(same) == np.arange(n), axis=1)  # each group counted at its lowest neuron
    smallest = np.min(_off_diagonal(D2), axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(scale > 0, np.sqrt(smallest / d) / scale, 0.0)
    return distinct, gap


def _measure_all(stack: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    S, n, d = stack.shape
    step = max(1, _CHUNK_VALUES // max(1, n * max(n, d)))
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
