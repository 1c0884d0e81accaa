"""Training: full-batch steps of one run or of many at once, with a bounded record of what happened.

One loop (:func:`fit`) trains the ``R`` runs of a :class:`Network`: one forward pass, one backward
pass and one optimizer step per group of runs each iteration. :func:`train` is the one-run case
plus its record (snapshots of the weights and gradients, symmetry metrics); :func:`sweep` trains
the runs of a :class:`SweepSpec` together, each with its own start, noise, learning rate,
optimizer and seed. A run's arithmetic does not depend on the runs stacked with it (see
mlp/network.py), so a sweep's run and the same configuration trained alone agree to the last bit.

Divergence, one rule for all: a run whose cost is NaN or infinite at iteration ``k`` diverged at
``k``. Its record ends at iteration ``k - 1``, the last weights with a finite cost (at ``k = 0``
there are none: it keeps its start), and those weights are held there while the other runs go on.
Floating-point warnings are silenced inside the loop: overflow is what divergence is made of.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import SWEPT, Config, SweepSpec
from .initializers import initial_weights
from .network import Network
from .optimizers import OPTIMIZERS
from .symmetry import symmetry_history

ProgressCallback = Callable[[int, int], None]

BLOCK = 500  # iterations whose costs are gathered before they are recorded (progress is reported per block)
# A sweep keeps its whole cost history up to HISTORY_BYTES, else HISTORY_POINTS evenly spaced iterations.
HISTORY_BYTES = 50_000_000
HISTORY_POINTS = 500


def snapshot_schedule(iterations: int, count: int) -> np.ndarray:
    """At most ``count`` evenly spaced iterations from 0 to ``iterations``, both ends included."""
    return np.unique(np.round(np.linspace(0, iterations, min(count, iterations + 1))).astype(int))


class Record:
    """What :func:`fit` keeps: costs at the ``kept`` iterations (columns are runs), the snapshots
    (weights and gradients) at the ``snapshots`` iterations, divergences and threshold crossings."""

    def __init__(self, runs: int, kept: np.ndarray, snapshots: tuple[int, ...] = (), threshold: float = -np.inf):
        self.kept, self.snapshots, self.threshold = kept, set(snapshots), threshold
        self.history = np.full((len(kept), runs), np.nan)
        self.diverged_at = np.full(runs, -1)
        self.reached = np.full(runs, -1)  # first iteration whose cost was at most the threshold
        self.final = np.full(runs, np.nan)  # the last finite cost
        self.snapshot_iterations: list[int] = []
        self.snapshot_params: list[np.ndarray] = []
        self.snapshot_grads: list[np.ndarray] = []

    def snapshot(self, k: int, net: Network) -> None:
        self.snapshot_iterations.append(k)
        self.snapshot_params.append(net.params.copy())
        self.snapshot_grads.append(net.flat_grads.copy())

    def add(self, costs: np.ndarray, k0: int) -> None:
        """Record ``costs`` ``(iterations, R)`` of iterations ``k0, k0 + 1, ...`` (NaN from a divergence on)."""
        iterations = np.arange(k0, k0 + len(costs))
        diverged = self.diverged_at >= 0
        if diverged.any():
            costs[diverged & (iterations[:, None] >= self.diverged_at)] = np.nan
        runs = np.arange(costs.shape[1])
        hits = costs <= self.threshold
        first = np.argmax(hits, axis=0)
        new = (self.reached < 0) & hits[first, runs]
        self.reached[new] = k0 + first[new]
        finite = np.isfinite(costs)
        last = len(costs) - 1 - np.argmax(finite[::-1], axis=0)
        seen = finite[last, runs]
        self.final[seen] = costs[last[seen], runs[seen]]
        lo, hi = np.searchsorted(self.kept, [k0, k0 + len(costs)])
        self.history[lo:hi] = costs[self.kept[lo:hi] - k0]


def fit(net: Network, steps: list, iterations: int, record: Record, progress: ProgressCallback | None = None) -> None:
    """Iterations 0 to ``iterations`` of every run of ``net``, recorded into ``record``.

    ``steps`` holds ``(step, params, grads)`` per group of runs sharing an optimizer (row slices
    of ``net.params`` and ``net.flat_grads``). Diverged runs are held at their last weights with a
    finite cost; when every run has diverged the loop stops. At the end the held runs' weights are
    put back, and ``net``'s outputs (and gradients) are those of the weights each run ends on.
    """
    R = len(net.costs)
    block = np.empty((min(BLOCK, iterations + 1), R))  # the costs of a block of iterations, a row each
    ones = np.ones(R)
    before = np.empty_like(net.params)  # the weights of the iteration before
    held = np.zeros(R, dtype=bool)  # diverged runs
    held_params = net.params.copy()  # their last weights with a finite cost
    n_held = 0
    with np.errstate(all="ignore"):
        for k0 in range(0, iterations + 1, len(block)):
            costs = block[: min(len(block), iterations + 1 - k0)]
            for k, cost in zip(range(k0, k0 + len(costs)), costs):
                net.forward(cost)
                if not math.isfinite(cost.dot(ones)):  # a NaN or an infinity among the runs
                    new = ~np.isfinite(cost) & ~held
                    record.diverged_at[new] = k
                    held_params[new] = (before if k else net.params)[new]
                    held |= new
                    n_held = int(held.sum())
                    if n_held == R:
                        costs = costs[: k - k0 + 1]
                        break
                net.backward()
                if k in record.snapshots:
                    record.snapshot(k, net)
                if k == iterations:
                    break
                np.copyto(before, net.params)
                for step, params, grads in steps:
                    step(params, grads)
                if n_held:
                    net.params[held] = held_params[held]
            record.add(costs, k0)
            if progress is not None:
                progress(k0 + len(costs) - 1, iterations)
            if n_held == R:
                break
        if n_held:  # the held runs' outputs and gradients at the weights they end on
            net.params[held] = held_params[held]
            net.forward()
            net.backward()


def optimizer_steps(net: Network, configs: list[Config]) -> list[tuple[Callable, np.ndarray, np.ndarray]]:
    """``(step, params, grads)`` for each optimizer's group of runs (``configs`` in row order,
    grouped by optimizer: each group is a contiguous slice of rows)."""
    steps = []
    for name, optimizer in OPTIMIZERS.items():
        rows = [r for r, c in enumerate(configs) if c.optimizer == name]
        if rows:
            group = slice(rows[0], rows[-1] + 1)
            state = optimizer(net.params[group], np.array([configs[r].lr for r in rows]))
            steps.append((state.step, net.params[group], net.flat_grads[group]))
    return steps


def _network(configs: list[Config]) -> Network:
    """A network of ``len(configs)`` runs (same architecture and data), each at its own start."""
    base = configs[0]
    data = base.dataset
    net = Network(base.architecture, data.X, data.Y, runs=len(configs))
    starts: dict[tuple, np.ndarray] = {}  # runs that differ in learning rate or optimizer alone start alike
    for r, c in enumerate(configs):
        start = (c.init, c.init_scale, c.noise, c.seed)
        if start not in starts:
            starts[start] = np.concatenate([W.ravel() for W in initial_weights(c.layers, *start)])
        net.params[r] = starts[start]
    return net


@dataclass(frozen=True, eq=False)
class Run:
    """The result of training one :class:`Config`.

    Shapes, with ``S`` snapshots, ``H`` hidden layers and ``L`` weight matrices:

    - ``loss_history``: ``(iterations_run + 1,)``, the cost before the first step included;
    - ``snapshot_iterations``: ``(S,)``, evenly spaced, first and last iteration run included;
    - ``weights[s][l]`` and ``gradients[s][l]``: ``W^l`` and ``dC/dW^l`` at snapshot ``s``;
    - ``distinct_neurons`` and ``symmetry_gap``: ``(S, H)``;
    - ``inputs``, ``targets``, ``outputs``: the data and the final ``a^L``, one row an observation.

    ``status`` is ``finished`` or ``diverged``; a diverged run stopped at ``diverged_at``, the
    first iteration whose cost was NaN or infinite, and its record (the last snapshot, the
    outputs) ends at the iteration before it. Only a run that diverges at iteration 0 holds
    non-finite values.
    """

    config: Config
    status: str
    diverged_at: int | None
    loss_history: np.ndarray
    snapshot_iterations: np.ndarray
    weights: list[list[np.ndarray]]
    gradients: list[list[np.ndarray]]
    distinct_neurons: np.ndarray
    symmetry_gap: np.ndarray
    inputs: np.ndarray
    targets: np.ndarray
    outputs: np.ndarray
    seconds: float

    @property
    def iterations_run(self) -> int:
        """Steps taken; the weights of the last record are after this many steps."""
        return max(len(self.loss_history) - 1, 0)

    @property
    def final_loss(self) -> float:
        """The last finite cost (NaN when the very first cost was already infinite)."""
        return float(self.loss_history[-1]) if len(self.loss_history) else float("nan")

    @property
    def final_weights(self) -> list[np.ndarray]:
        return self.weights[-1]

    def snapshot_index(self, iteration: int) -> int:
        """The index of the last snapshot taken at or before ``iteration``."""
        return max(0, int(np.searchsorted(self.snapshot_iterations, iteration, side="right")) - 1)


def train(config: Config, progress: ProgressCallback | None = None) -> Run:
    """Train ``config`` and return its :class:`Run`. Divergence is a status, never an exception.

    ``progress(done, total)`` is called after every block of iterations when given.
    """
    started = time.perf_counter()
    net = _network([config])
    total = config.iterations
    record = Record(1, np.arange(total + 1), tuple(snapshot_schedule(total, config.snapshots).tolist()))
    fit(net, optimizer_steps(net, [config]), total, record, progress)
    k = int(record.diverged_at[0])
    if k >= 0 and (k == 0 or record.snapshot_iterations[-1] != k - 1):
        record.snapshot(max(k - 1, 0), net)  # the last weights with a finite cost, as fit left them
    weights, gradients = (_per_snapshot(config, flats) for flats in (record.snapshot_params, record.snapshot_grads))
    symmetry = symmetry_history(weights)
    data = config.dataset
    return Run(
        config=config,
        status="finished" if k < 0 else "diverged",
        diverged_at=None if k < 0 else k,
        loss_history=record.history[: total + 1 if k < 0 else k, 0].copy(),
        snapshot_iterations=np.array(record.snapshot_iterations, dtype=int),
        weights=weights,
        gradients=gradients,
        distinct_neurons=symmetry.distinct,
        symmetry_gap=symmetry.gap,
        inputs=data.X.copy(),
        targets=data.Y.copy(),
        outputs=net.output[0].copy(),
        seconds=time.perf_counter() - started,
    )


def _per_snapshot(config: Config, flats: list[np.ndarray]) -> list[list[np.ndarray]]:
    """``[W^0 .. W^{L-1}]`` of each kept ``(1, P)`` vector: views into one stack, split once."""
    stacked = config.architecture.split(np.concatenate(flats))  # each (S, 1 + n_l, n_{l+1})
    return [[W[s] for W in stacked] for s in range(len(flats))]


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The result of one sweep: ``R`` runs in ``spec.configs()`` order, ``H`` hidden layers.

    - ``loss_history``: ``(R, T)``, the cost at ``history_iterations`` ``(T,)``: every iteration,
      or ``HISTORY_POINTS`` evenly spaced ones (first and last included) when the whole record
      would exceed ``HISTORY_BYTES``; NaN from a run's divergence on;
    - ``final_loss``: ``(R,)``, the last finite cost (NaN if the first one was not finite);
    - ``status``: ``"finished"`` or ``"diverged"`` per run; ``diverged_at``: ``(R,)``, the first
      iteration whose cost was NaN or infinite, -1 when none was;
    - ``distinct_neurons`` and ``symmetry_gap``: ``(R, H)``, of the final weights;
    - ``iterations_to_threshold``: ``(R,)``, the first iteration whose cost was at most
      ``spec.threshold``, -1 if none was;
    - ``final_weights[l]``: ``(R, 1 + n_l, n_{l+1})``; ``outputs``: ``(R, observations, n_L)``.
      Both are at the end, or for a diverged run at the last iteration with a finite cost (as in
      :class:`Run`, whose figures a sweep's run reproduces to the last bit).
    """

    spec: SweepSpec
    configs: list[Config]
    loss_history: np.ndarray
    history_iterations: np.ndarray
    final_loss: np.ndarray
    status: list[str]
    diverged_at: np.ndarray
    distinct_neurons: np.ndarray
    symmetry_gap: np.ndarray
    iterations_to_threshold: np.ndarray
    final_weights: list[np.ndarray]
    outputs: np.ndarray
    seconds: float

    def frame_records(self) -> list[dict[str, Any]]:
        """One dict of plain Python values per run, ready for ``pandas.DataFrame``.

        ``distinct_layer_l`` and ``symmetry_gap_layer_l`` are for hidden layer ``l`` (1 to L-1).
        """
        records = []
        for i, c in enumerate(self.configs):
            record = {"run": i} | {name: getattr(c, name) for name in SWEPT}
            record |= {
                "final_loss": float(self.final_loss[i]),
                "iterations_to_threshold": int(self.iterations_to_threshold[i]),
                "status": self.status[i],
                "diverged_at": int(self.diverged_at[i]),
            }
            for h in range(self.distinct_neurons.shape[1]):
                record[f"distinct_layer_{h + 1}"] = int(self.distinct_neurons[i, h])
                record[f"symmetry_gap_layer_{h + 1}"] = float(self.symmetry_gap[i, h])
            records.append(record)
        return records


def sweep(spec: SweepSpec, progress: ProgressCallback | None = None) -> SweepResult:
    """Train every run of ``spec`` together; a run's divergence is its status, never an exception.

    ``progress(done, total)`` is called after every block of iterations when given.
    """
    started = time.perf_counter()
    configs = spec.configs()
    R, total = len(configs), spec.base.iterations
    # Rows grouped by optimizer, so that each optimizer steps a contiguous slice: row p holds run order[p].
    order = sorted(range(R), key=lambda i: list(OPTIMIZERS).index(configs[i].optimizer))
    net = _network([configs[i] for i in order])
    whole = R * (total + 1) * 8 <= HISTORY_BYTES
    kept = np.arange(total + 1) if whole else snapshot_schedule(total, HISTORY_POINTS)
    record = Record(R, kept, threshold=spec.threshold)
    fit(net, optimizer_steps(net, [configs[i] for i in order]), total, record, progress)
    final_weights = [W.copy() for W in net.weights]
    symmetry = symmetry_history([[W[p] for W in final_weights] for p in range(R)])

    position = np.argsort(order)  # run i of spec.configs() is in row position[i]
    diverged_at = record.diverged_at[position]
    return SweepResult(
        spec=spec,
        configs=configs,
        loss_history=np.ascontiguousarray(record.history.T[position]),
        history_iterations=record.kept,
        final_loss=record.final[position],
        status=["diverged" if k >= 0 else "finished" for k in diverged_at],
        diverged_at=diverged_at,
        distinct_neurons=symmetry.distinct[position],
        symmetry_gap=symmetry.gap[position],
        iterations_to_threshold=record.reached[position],
        final_weights=[W[position] for W in final_weights],
        outputs=net.output[position].copy(),
        seconds=time.perf_counter() - started,
    )
