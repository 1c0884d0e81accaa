"""Which hidden neurons are clones, and how close the others come.

Hidden neuron ``j`` of layer ``l`` (``1 <= l <= L-1``) is described by its weight vector

    v_j = ( W^{l-1}[:, j] ,  W^l[1 + j, :] )      (incoming column with bias, outgoing row)

of length ``d = (1 + n_{l-1}) + n_{l+1}``. Two neurons with equal vectors compute the same
activation and receive the same gradient, so gradient descent keeps them equal for ever.

Distance of a pair, relative to the pair's own size (no other neuron enters it):

    r_ij = ||v_i - v_j|| / max(||v_i||, ||v_j||)          (0 when both vectors are 0)

that is the RMS difference of the two neurons over the RMS size of the larger one. It lies in
``[0, 2]``, does not change when the layer is scaled, and one neuron blown up to 1e14 changes
no other pair's ``r``.

- clones: ``i`` and ``j`` are clones when ``r_ij <= TOLERANCE`` (1e-13, a few hundred roundings
  of float64's 2.2e-16: "equal up to rounding"). Neurons that start equal stay equal to the last
  bit in this engine; a pair 1e-12 apart is not a clone pair (it may be near clones, see
  mlp/findings.py).
- clone groups: the relation above need not be transitive (``a ~ b`` and ``b ~ c`` with
  ``a !~ c``), so groups are built greedily without chaining: neurons are taken in order and each
  joins the first group *all* of whose members are its clones, or starts a new group. Every pair
  inside a group is a clone pair; neurons that are clones of nobody are alone in their group.
  ``distinct`` is the number of groups.
- symmetry gap: the smallest ``r_ij`` over pairs of neurons, and exactly 0 when the layer has a
  clone pair (a difference below rounding is no difference); NaN for a layer of one neuron. So
  ``gap == 0`` exactly when ``distinct < width``.

Precision and cost. All pairs' ``r_ij`` come from one batched Gram product per layer,
``||v_i - v_j||^2 = |v_i|^2 + |v_j|^2 - 2 v_i . v_j`` (BLAS-sized work, ``n^2 d`` multiply-adds a
snapshot), whose rounding is about ``d * 2.2e-16`` of ``|v_i|^2 + |v_j|^2``: precise for
``r >= _CLOSE`` (1e-3) to about 1e-7 relative, useless below. Pairs with a Gram ``r`` under
``_CLOSE`` are computed again: element by element (``sum (v_i - v_j)^2``, each difference
correctly rounded) when few, else per group of mutually close neurons by a Gram product on the
group centred on its mean (whose rounding is relative to the group's spread, not to its size),
with the pairs still far below the spread done element by element. Snapshots whose neurons are
all bitwise equal (a constant start) skip all this. Each snapshot is first scaled by a power of
two (exact), so a diverging run's huge weights cannot overflow the squares, and a row still so
small beside the others that its square underflows has its pairs scaled one by one. Layers holding a
non-finite weight compare rows bit for bit: clones are identical rows, and the gap is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-13
_CLOSE = 1e-3  # Gram distances below this (relative) are recomputed precisely
_UNDERFLOW = 1e-280  # a nonzero row whose |v|^2 is below this has lost digits to underflow
_SPREAD = 1e-3  # inside a centred group, pairs closer than this of the spread: element by element
_DENSE = 8  # more than this many close pairs per neuron of a snapshot: the centred-group route
_CHUNK_BYTES = 48_000_000  # float64 work arrays of one chunk of snapshots
# Work units besides the Gram product's n^2 d multiply-adds (see metrics_work): per neuron pair, the
# element-wise passes over (n, n) arrays; per layer and snapshot, numpy's calls.
_PAIR_PASSES = 24
_LAYER_COST = 20_000


def neuron_vectors(W_in: np.ndarray, W_out: np.ndarray) -> np.ndarray:
    """``V`` of shape ``(n_l, 1 + n_{l-1} + n_{l+1})``: row ``j`` is ``v_j``."""
    return np.hstack([W_in.T, W_out[1:]])


@dataclass(frozen=True)
class Symmetry:
    """Per snapshot and hidden layer: distinct-neuron counts and symmetry gaps, ``(S, H)`` each."""

    distinct: np.ndarray
    gap: np.ndarray


# --- pairwise relative distances -----------------------------------------------------------------


def _scaled(V: np.ndarray, norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``V`` ``(S, n, d)`` and ``|v|^2`` ``(S, n)``, the snapshots whose squares overflow or underflow
    multiplied by the power of two that brings their largest ``|entry|`` into [0.5, 1): exact, and
    ``r`` does not change."""
    top = norms.max(axis=1)
    suspect = np.flatnonzero(~((top < 1e200) & (top > 1e-200)))
    if len(suspect):
        peak = np.max(np.abs(V[suspect]), axis=(1, 2))
        suspect, peak = suspect[peak > 0], peak[peak > 0]  # all-zero snapshots are fine as they are
        V = V.copy()
        V[suspect] = np.ldexp(V[suspect], -np.frexp(peak)[1][:, None, None])
        norms = np.einsum("snd,snd->sn", V, V)
    return V, norms


def _squared_gram(V: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """``||v_i - v_j||^2 = |v_i|^2 + |v_j|^2 - 2 v_i . v_j`` ``(S, n, n)`` for a stack ``V`` ``(S, n, d)``."""
    D2 = V @ V.transpose(0, 2, 1)
    D2 *= -2.0
    D2 += norms[:, :, None]
    D2 += norms[:, None, :]
    return np.maximum(D2, 0.0, out=D2)


def _set_diagonal(A: np.ndarray, value: float) -> None:
    """Set the diagonal of every matrix of a stack ``A`` ``(S, n, n)``."""
    k = np.arange(A.shape[1])
    A[:, k, k] = value


def _direct(V: np.ndarray, s: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``sum (v_i - v_j)^2`` element by element for the triples ``(s, i, j)``, in chunks."""
    out = np.empty(len(s))
    step = max(1, _CHUNK_BYTES // (8 * V.shape[-1]))
    for a in range(0, len(s), step):
        diff = V[s[a : a + step], i[a : a + step]] - V[s[a : a + step], j[a : a + step]]
        out[a : a + step] = np.einsum("pd,pd->p", diff, diff)
    return out


def _centred_squared(X: np.ndarray) -> np.ndarray:
    """``||x_i - x_j||^2`` ``(S, k, k)`` for stacks of mutually close rows ``X`` ``(S, k, d)``, precise."""
    X = X - X.mean(axis=1, keepdims=True)  # the same distances, with Gram rounding relative to the spread
    norms = np.einsum("snd,snd->sn", X, X)
    D2 = _squared_gram(X, norms)
    far_below = D2 < _SPREAD**2 * (norms[:, :, None] + norms[:, None, :])  # noqa: SIM300
    s, i, j = np.nonzero(far_below & np.triu(np.ones(D2.shape[1:], dtype=bool), k=1))
    D2[s, i, j] = D2[s, j, i] = _direct(X, s, i, j)
    _set_diagonal(D2, 0.0)
    return D2


def _components(graph: np.ndarray) -> np.ndarray:
    """Connected components of the graphs ``graph`` ``(S, n, n)``: each node's lowest-numbered peer."""
    S, n, _ = graph.shape
    labels = np.tile(np.arange(n), (S, 1))
    while True:  # every node takes the lowest label among itself and its neighbours, until none changes
        new = np.minimum(labels, np.min(np.where(graph, labels[:, None, :], n), axis=2))
        if np.array_equal(new, labels):
            return labels
        labels = new


def _precise(V: np.ndarray, s: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``||v_i - v_j||^2`` for the close pairs ``(s, i, j)`` (``i < j``), precise (see module docstring)."""
    S, n, _ = V.shape
    dense = np.bincount(s, minlength=S) > _DENSE * n  # many close pairs: a centred group per component
    out = np.empty(len(s))
    few = ~dense[s]
    out[few] = _direct(V, s[few], i[few], j[few])
    for t in np.flatnonzero(dense):
        m = np.flatnonzero(s == t)
        graph = np.zeros((1, n, n), dtype=bool)
        graph[0, i[m], j[m]] = graph[0, j[m], i[m]] = True
        labels = _components(graph)[0]
        for root in np.unique(labels[i[m]]):
            members = np.flatnonzero(labels == root)
            local = np.zeros(n, dtype=int)
            local[members] = np.arange(len(members))
            inside = m[labels[i[m]] == root]
            out[inside] = _centred_squared(V[t, members][None])[0, local[i[inside]], local[j[inside]]]
    return out


def _relative_squared(V: np.ndarray) -> np.ndarray:
    """``r_ij^2`` ``(S, n, n)`` for a stack of finite ``V`` ``(S, n, d)``, with ``inf`` on the diagonals."""
    n = V.shape[1]
    V, norms = _scaled(V, np.einsum("snd,snd->sn", V, V))
    inverse = 1.0 / np.maximum(norms, np.finfo(float).tiny)  # two zero vectors: D2 = 0, so r = 0
    R2 = _squared_gram(V, norms)
    R2 *= np.minimum(inverse[:, :, None], inverse[:, None, :])  # D2 / max(|v_i|^2, |v_j|^2)
    _set_diagonal(R2, np.inf)
    close = R2 < _CLOSE**2  # noqa: SIM300
    everyone = close.sum(axis=(1, 2)) == n * (n - 1)  # every pair close: the layer is one centred group
    if everyone.any():
        R2[everyone] = _centred_squared(V[everyone])
        R2[everyone] *= np.minimum(inverse[everyone, :, None], inverse[everyone, None, :])
        _set_diagonal(R2, np.inf)
    close[everyone] = False
    s, i, j = np.nonzero(close)
    s, i, j = s[i < j], i[i < j], j[i < j]
    if len(s):
        R2[s, i, j] = R2[s, j, i] = _precise(V, s, i, j) * np.minimum(inverse[s, i], inverse[s, j])
    # A row whose square underflows beside rows of ordinary size (the snapshot's scale set by those)
    # would pass for a zero row: its pairs are computed again, each scaled by its own power of two.
    s, a = np.nonzero(norms < _UNDERFLOW)
    nonzero = V[s, a].any(axis=1)  # an all-zero row is a zero row
    for t, row in zip(s[nonzero], a[nonzero], strict=True):
        R2[t, row, :] = R2[t, :, row] = _pairs_scaled(V[t], row)
        R2[t, row, row] = np.inf
    return R2


def _pairs_scaled(V: np.ndarray, a: int) -> np.ndarray:
    """``r_aj^2`` for every row ``j`` of one snapshot ``V`` ``(n, d)``, each pair multiplied by the power of
    two that brings its largest ``|entry|`` into [0.5, 1) (exact), so no square underflows."""
    exponent = -np.frexp(np.maximum(np.abs(V[a]).max(), np.abs(V).max(axis=1)))[1][:, None]
    A, B = np.ldexp(V[a], exponent), np.ldexp(V, exponent)  # 2^exponent alone may overflow
    size2 = np.maximum(np.einsum("nd,nd->n", A, A), np.einsum("nd,nd->n", B, B))
    return np.einsum("nd,nd->n", A - B, A - B) / size2


def relative_distances(V: np.ndarray) -> np.ndarray:
    """``r_ij`` ``(n, n)`` for one layer's ``V`` ``(n, d)``, 0 on the diagonal (NaN if ``V`` is not finite)."""
    if not np.isfinite(V).all():
        return np.full((len(V), len(V)), np.nan)
    R2 = _relative_squared(V[None])[0]
    np.fill_diagonal(R2, 0.0)
    return np.sqrt(R2)


# --- clone groups ---------------------------------------------------------------------------------


def _greedy_groups(same: np.ndarray) -> np.ndarray:
    """Each neuron's group, named by its first neuron, for one clone graph ``same`` ``(n, n)``: each
    neuron joins the first group all of whose members are its clones, or starts one (nothing chains)."""
    groups: list[list[int]] = []
    for j in range(len(same)):
        home = next((members for members in groups if same[j, members].all()), None)
        if home is None:
            groups.append(home := [])
        home.append(j)
    labels = np.empty(len(same), dtype=int)
    for members in groups:
        labels[members] = members[0]
    return labels


def _group_labels(same: np.ndarray) -> np.ndarray:
    """Labels ``(S, n)`` numbered 0, 1, ... in order of each group's first neuron, for the clone graphs
    ``same`` ``(S, n, n)`` (diagonals False)."""
    S, n, _ = same.shape
    labels = np.tile(np.arange(n), (S, 1))
    paired = np.flatnonzero(same.any(axis=(1, 2)))  # snapshots with a pair of clones
    if len(paired):
        graphs = same[paired]
        joined = _components(graphs)  # each neuron's lowest-numbered peer
        together = joined[:, :, None] == joined[:, None, :]
        _set_diagonal(together, False)
        for t in np.flatnonzero(np.any(graphs != together, axis=(1, 2))):  # a ~ b ~ c with a !~ c
            joined[t] = _greedy_groups(graphs[t])
        labels[paired] = joined
    first = labels == np.arange(n)  # the neurons that start a group
    return np.take_along_axis(np.cumsum(first, axis=1) - 1, labels, axis=1)


def _bitwise_same(V: np.ndarray) -> np.ndarray:
    """``(S, n, n)``: rows equal bit for bit (diagonals False), for layers holding a non-finite weight."""
    S, n, d = V.shape
    same = np.empty((S, n, n), dtype=bool)
    rows = np.ascontiguousarray(V).view(np.dtype((np.void, 8 * d)))[:, :, 0]
    for t in range(S):
        _, index = np.unique(rows[t], return_inverse=True)
        same[t] = index[:, None] == index[None, :]
    _set_diagonal(same, False)
    return same


def _measure(V: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group labels ``(S, n)``, distinct counts and gaps ``(S,)`` for a stack ``V`` ``(S, n, d)``."""
    S, n, _ = V.shape
    labels, gap = np.tile(np.arange(n), (S, 1)), np.full(S, np.nan)
    if n > 1:
        finite = np.isfinite(V).all(axis=(1, 2))
        equal = finite & np.all(V == V[:, :1], axis=(1, 2))  # noqa: SIM300  (a constant start: one group)
        labels[equal], gap[equal] = 0, 0.0
        rest = finite & ~equal
        if rest.any():
            R2 = _relative_squared(V[rest])
            labels[rest] = _group_labels(R2 <= tolerance**2)  # noqa: SIM300
            gap[rest] = np.where(labels[rest].max(axis=1) < n - 1, 0.0, np.sqrt(R2.min(axis=(1, 2))))
        if not finite.all():
            labels[~finite] = _group_labels(_bitwise_same(V[~finite]))
    return labels, labels.max(axis=1) + 1, gap


def _layer(snapshots: list[list[np.ndarray]], h: int, tolerance: float) -> tuple[np.ndarray, ...]:
    """Labels, distinct counts and gaps of hidden layer ``h + 1`` over every snapshot, chunk by chunk."""
    (m, n), n_out = snapshots[0][h].shape, snapshots[0][h + 1].shape[1]
    step = max(1, _CHUNK_BYTES // (8 * (n * (m + n_out) + 3 * n * n)))
    parts = []
    for a in range(0, len(snapshots), step):
        chunk = snapshots[a : a + step]
        V = np.empty((len(chunk), n, m + n_out))  # V[s, j] is v_j = (W^h[:, j], W^{h+1}[1 + j, :])
        V[:, :, :m] = np.stack([W[h] for W in chunk]).transpose(0, 2, 1)
        V[:, :, m:] = np.stack([W[h + 1][1:] for W in chunk])
        parts.append(_measure(V, tolerance))
    return tuple(np.concatenate(p) for p in zip(*parts))


def symmetry_history(snapshots: list[list[np.ndarray]], tolerance: float = TOLERANCE) -> Symmetry:
    """Distinct counts and gaps ``(S, H)`` of every hidden layer at every snapshot of ``W^0 .. W^{L-1}``."""
    S, H = len(snapshots), len(snapshots[0]) - 1
    distinct, gap = np.ones((S, H), dtype=int), np.full((S, H), np.nan)
    for h in range(H):
        _, distinct[:, h], gap[:, h] = _layer(snapshots, h, tolerance)
    return Symmetry(distinct, gap)


def clone_groups(weights: list[np.ndarray], tolerance: float = TOLERANCE) -> list[np.ndarray]:
    """Per hidden layer, an int label per neuron ``(n_l,)``: equal labels are one clone group.

    Labels are numbered 0, 1, ... in the order of each group's first neuron.
    """
    return [_layer([weights], h, tolerance)[0][0] for h in range(len(weights) - 1)]


def layer_symmetry(weights: list[np.ndarray], tolerance: float = TOLERANCE) -> Symmetry:
    """The metrics of every hidden layer of one set of weights (arrays of shape ``(1, H)``)."""
    return symmetry_history([weights], tolerance)


def distinct_neurons(V: np.ndarray, tolerance: float = TOLERANCE) -> int:
    """Number of clone groups in one layer's ``V`` ``(n, d)``."""
    return int(_measure(V[None], tolerance)[1][0])


def symmetry_gap(V: np.ndarray, tolerance: float = TOLERANCE) -> float:
    """The symmetry gap of one layer's ``V`` ``(n, d)`` (see the module docstring)."""
    return float(_measure(V[None], tolerance)[2][0])


def metrics_work(layers: tuple[int, ...]) -> float:
    """Work units of the metrics of ONE snapshot of a network with these layer sizes (input first).

    Per hidden layer of ``n`` neurons with vectors of ``d`` entries: ``n^2 d`` multiply-adds of the Gram
    product, ``_PAIR_PASSES`` units per pair for the element-wise passes over ``(n, n)`` arrays, and
    ``_LAYER_COST`` units for numpy's calls on a layer of any size. `python -m benchmarks.findings`
    measures 0.2 to 1.5 ns a unit here (a shared 2-core machine), from 2-3-3-2 to 2-256-256-2 and 20
    hidden layers of 8, on random weights and on near clones (the dearest: every pair is computed
    twice); a constant start costs 0.05 to 0.2 ns a unit. Price a snapshot at 1.5 ns a unit.
    """
    triples = zip(layers, layers[1:-1], layers[2:])  # (n_{l-1}, n_l, n_{l+1}) of each hidden layer l
    return float(sum(n * n * (1 + n_in + n_out + _PAIR_PASSES) + _LAYER_COST for n_in, n, n_out in triples))
