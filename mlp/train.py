"""Training: full-batch steps with a bounded record of what happened."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .config import Config
from .initializers import initial_weights
from .network import Network
from .optimizers import OPTIMIZERS
from .symmetry import symmetry_history

ProgressCallback = Callable[[int, int], None]


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
    first iteration whose cost was NaN or infinite, and its record (snapshots, outputs) ends at
    the iteration before it. Only a run that diverges at iteration 0 holds non-finite values.
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


def snapshot_schedule(iterations: int, count: int) -> np.ndarray:
    """At most ``count`` evenly spaced iterations from 0 to ``iterations``, both ends included."""
    return np.unique(np.round(np.linspace(0, iterations, min(count, iterations + 1))).astype(int))


def build_network(config: Config) -> Network:
    """The network of ``config`` on its data, holding the initial weights."""
    data = config.dataset
    net = Network(config.architecture, data.X, data.Y)
    net.set_weights(initial_weights(config.layers, config.init, config.init_scale, config.noise, config.seed))
    return net


def train(config: Config, progress: ProgressCallback | None = None, progress_every: int = 500) -> Run:
    """Train ``config`` and return its :class:`Run`. Divergence is a status, never an exception.

    ``progress(done, total)`` is called every ``progress_every`` iterations when given.
    """
    started = time.perf_counter()
    net = build_network(config)
    optimizer = OPTIMIZERS[config.optimizer](net.params.size, config.lr)
    total = config.iterations
    schedule = snapshot_schedule(total, config.snapshots)
    losses = np.empty(total + 1)
    snap_iterations, snap_params, snap_grads = [], [], []
    next_snapshot, s = schedule[0], 0
    diverged_at = None
    # The hot loop: one forward, one backward and one optimizer step per iteration.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(total + 1):
            cost = net.forward()
            net.backward()
            finite = math.isfinite(cost)
            if k == next_snapshot or not finite:
                snap_iterations.append(k)
                snap_params.append(net.params.copy())
                snap_grads.append(net.flat_grads.copy())
                s += 1
                next_snapshot = schedule[s] if s < len(schedule) else -1
            if not finite:
                diverged_at = k
                break
            losses[k] = cost
            if progress is not None and k % progress_every == 0:
                progress(k, total)
            if k < total:
                optimizer.step(net.params, net.flat_grads)
    if diverged_at:
        # Train the finite part again (it is deterministic) so the record ends on weights with a
        # finite cost, its snapshots spread over it; only diverging runs pay for this.
        finite = train(config.replace(iterations=diverged_at - 1), progress, progress_every)
        return dataclasses.replace(
            finite, config=config, status="diverged", diverged_at=diverged_at, seconds=time.perf_counter() - started
        )
    losses = losses[: k if diverged_at is not None else total + 1]
    return _record(config, net, losses, snap_iterations, snap_params, snap_grads, diverged_at, started)


def _record(config, net, losses, snap_iterations, snap_params, snap_grads, diverged_at, started) -> Run:
    def split(flat):
        views = []
        offset = 0
        for W in net.weights:
            views.append(flat[offset : offset + W.size].reshape(W.shape))
            offset += W.size
        return views

    weights = [split(p) for p in snap_params]
    gradients = [split(g) for g in snap_grads]
    symmetry = symmetry_history(weights)
    data = config.dataset
    return Run(
        config=config,
        status="finished" if diverged_at is None else "diverged",
        diverged_at=diverged_at,
        loss_history=losses,
        snapshot_iterations=np.array(snap_iterations, dtype=int),
        weights=weights,
        gradients=gradients,
        distinct_neurons=symmetry.distinct,
        symmetry_gap=symmetry.gap,
        inputs=data.X.copy(),
        targets=data.Y.copy(),
        outputs=net.output.copy(),
        seconds=time.perf_counter() - started,
    )
