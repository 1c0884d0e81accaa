"""Sweeps: many runs of one network, trained together in one vectorised computation.

A :class:`SweepSpec` holds one base :class:`Config` and lists of values for ``init`` (pairs of
``init`` and ``init_scale``), ``noise``, ``lr``, ``optimizer`` and ``seed``. Their product is
the sweep's ``R`` runs, which share everything else: data, layers, activations, loss,
iterations. :func:`sweep` advances all of them together, one batched forward pass, one batched
backward pass and one optimizer step per group each iteration, and run ``i`` reproduces
``train(spec.configs()[i])`` up to rounding (the tests hold final costs and outputs to 1e-9
relative). Stacking pays where numpy's per-call overhead dominates, small networks on few
observations: 256 runs of the question's network train 35 to 50 times faster than one by one
(benchmarks/sweep.py). On wide layers with few runs it gains nothing and can be slower.

Layout: the run axis is last. ``W^l`` of every run is one ``(1 + n_l, n_{l+1}, R)`` array,
``[1 | a^l]`` one ``(observations, 1 + n_l, R)`` array, and all weights are views into one
``(parameters, R)`` matrix (gradients likewise). Each element-wise call then works on rows of
``R`` contiguous values, and the products are einsums with ``r`` as a batch index,
``n[i, j, r] = sum_k x[i, k, r] W[k, j, r]``: on the question's network with 256 runs an einsum
takes about 10 us where ``np.matmul`` on ``(R, 2, 3)`` stacks, one BLAS call per run, takes
45 to 90 us. The input ``[1 | X]`` is the same for every run, so the first layer's products are
single 2-D BLAS calls on ``W^0`` viewed as ``(1 + n_0, n_1 R)``. Results are returned
runs-first: ``final_weights[l]`` has shape ``(R, 1 + n_l, n_{l+1})``.

Optimizers: runs are grouped by optimizer (at most three groups of contiguous columns), and each
group is stepped by the engine's own class from ``OPTIMIZERS`` on its ``(parameters, R_g)``
columns with a ``(R_g,)`` array of learning rates. The update formulas stay written once, in
mlp/optimizers.py, and each run does only its own optimizer's arithmetic; a per-run masked update
would compute all three updates for every run and then select, three times the work.

Divergence: a run whose cost is NaN or infinite is diverged at that iteration, as in
:func:`train`. Its weights are frozen at the last ones with a finite cost (those of the iteration
before, restored after every later step), which is where a diverged :class:`Run` ends too; its
costs from the divergence on are NaN. Runs are independent columns, so the others go on
undisturbed. Floating-point warnings are silenced inside the sweep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import ACTIVATIONS
from .config import SWEPT, Config, SweepSpec
from .initializers import initial_weights
from .optimizers import OPTIMIZERS
from .symmetry import symmetry_history
from .train import ProgressCallback, snapshot_schedule

# The loss history is kept whole up to HISTORY_BYTES, else at HISTORY_POINTS evenly spaced iterations.
HISTORY_BYTES = 50_000_000
HISTORY_POINTS = 500
_BLOCK = 500  # iterations per block of the loss record (divergence is checked every iteration)

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
      :class:`Run`).
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


# Costs of every run at once. The engine's Loss.evaluate reduces over its whole array (np.vdot,
# a.size), so it cannot give one cost per run: these write mlp.losses's formulas per run, for
# arrays (observations, outputs, R) and costs (R,). tests/test_sweep.py checks them against it.

_TWO = np.array(2.0)


def _sse(n, a, y, dC_da, costs):
    # C = sum (a - y)^2 over observations and outputs;  dC/da = 2 (a - y)
    np.subtract(a, y, dC_da)
    np.einsum("ijr,ijr->r", dC_da, dC_da, out=costs)
    np.multiply(dC_da, _TWO, dC_da)


def _mse(n, a, y, dC_da, costs):
    # C = mean (a - y)^2;  dC/da = 2 (a - y) / count
    _sse(n, a, y, dC_da, costs)
    count = a.shape[0] * a.shape[1]
    dC_da /= count
    costs /= count


def _cross_entropy(n, a, y, dC_da, costs):
    # C = mean(log(1 + e^n) - y n), written stably as in mlp.losses; dC/da^L is not used
    softplus = np.maximum(n, 0.0) + np.log1p(np.exp(-np.abs(n)))
    np.mean(softplus - y * n, axis=(0, 1), out=costs)


def _cross_entropy_delta(a, y, delta):
    # delta^L = dC/da * sigma'(n) = (a - y) / count
    np.subtract(a, y, delta)
    delta /= a.shape[0] * a.shape[1]


# name -> (cost and dC/da^L, delta^L written directly or None)
BATCHED_LOSSES: dict[str, tuple[Callable, Callable | None]] = {
    "sse": (_sse, None),
    "mse": (_mse, None),
    "cross_entropy": (_cross_entropy, _cross_entropy_delta),
}


class _Stack:
    """Buffers and passes of ``R`` runs of one network on one data set, the run axis last.

    ``params`` is ``(P, R)``; ``weights[l]`` is a ``(1 + n_l, n_{l+1}, R)`` view into it and
    ``grads[l]`` the matching view into ``flat_grads``. After :meth:`forward`, ``inputs[l - 1]``
    holds ``[1 | a^l]`` for ``l >= 1``, ``n[l]`` holds ``n^{l+1}`` and ``a[l]`` ``a^{l+1}`` (a view
    into ``[1 | a^{l+1}]`` for hidden layers, its own buffer for the output ``a^L``).
    """

    def __init__(self, config: Config, runs: int):
        layers, data, R = config.layers, config.dataset, runs
        n_obs = data.X.shape[0]
        self.shapes = [(1 + n_in, n_out) for n_in, n_out in zip(layers[:-1], layers[1:])]
        self.offsets = np.cumsum([0] + [r * c for r, c in self.shapes])
        self.params = np.zeros((self.offsets[-1], R))
        self.flat_grads = np.zeros((self.offsets[-1], R))
        self.weights = self._layer_views(self.params)
        self.grads = self._layer_views(self.flat_grads)
        L = len(self.shapes)
        self.f = [ACTIVATIONS[config.activation]] * (L - 1) + [ACTIVATIONS[config.output_activation]]
        self.cost, self.output_delta = BATCHED_LOSSES[config.loss]
        self.Y = np.array(data.Y, dtype=float)[:, :, None]

        self.inputs = [np.ones((n_obs, 1 + n, R)) for n in layers[1:-1]]  # [1 | a^l] for l = 1 .. L-1
        self.n = [np.empty((n_obs, n, R)) for n in layers[1:]]
        self.a = [x[:, 1:] for x in self.inputs] + [np.empty((n_obs, layers[-1], R))]
        self.dC_da = [np.empty((n_obs, n, R)) for n in layers[1:]]
        self.slopes = [np.empty((n_obs, n, R)) for n in layers[1:]]
        self.deltas = [np.empty((n_obs, n, R)) for n in layers[1:]]
        # [1 | a^0] is the same for every run: the first layer's products are 2-D, with W^0,
        # dC/dW^0, n^1 and delta^1 seen as (rows, n_1 R) matrices (views: the buffers are contiguous).
        self.x0 = np.hstack([np.ones((n_obs, 1)), np.array(data.X, dtype=float)])
        end, cols = self.offsets[1], layers[1] * R
        self.W0, self.dW0 = self.params[:end].reshape(-1, cols), self.flat_grads[:end].reshape(-1, cols)
        self.n1, self.delta1 = self.n[0].reshape(n_obs, cols), self.deltas[0].reshape(n_obs, cols)

    def _layer_views(self, flat: np.ndarray) -> list[np.ndarray]:
        R = flat.shape[1]
        return [flat[i:j].reshape(s + (R,)) for i, j, s in zip(self.offsets, self.offsets[1:], self.shapes)]

    @property
    def output(self) -> np.ndarray:
        """``a^L`` of every run, ``(observations, n_L, R)``."""
        return self.a[-1]

    def forward(self, costs: np.ndarray) -> None:
        """The forward pass of every run: each run's cost into ``costs`` ``(R,)``, ``dC/da^L`` filled."""
        self.x0.dot(self.W0, self.n1)  # n^1 = [1 | a^0] W^0, every run in one product
        self.f[0].value(self.n[0], self.a[0])  # a^1 = f(n^1)
        for l in range(1, len(self.f)):
            np.einsum("ikr,kjr->ijr", self.inputs[l - 1], self.weights[l], out=self.n[l])  # n^{l+1} = [1 | a^l] W^l
            self.f[l].value(self.n[l], self.a[l])  # a^{l+1} = f(n^{l+1})
        self.cost(self.n[-1], self.a[-1], self.Y, self.dC_da[-1], costs)

    def backward(self) -> None:
        """Fill ``grads`` with every run's ``dC/dW^l`` for the weights of the last :meth:`forward`."""
        last = len(self.f) - 1
        for l in range(last, -1, -1):
            delta = self.deltas[l]
            if l == last and self.output_delta is not None:
                self.output_delta(self.a[l], self.Y, delta)
            else:
                self.f[l].slope(self.n[l], self.a[l], self.slopes[l])  # da^{l+1}/dn^{l+1}
                np.multiply(self.dC_da[l], self.slopes[l], delta)  # delta^{l+1} = dC/da^{l+1} * f'(n^{l+1})
            if l == 0:
                self.x0.T.dot(self.delta1, self.dW0)  # dC/dW^0 = [1 | a^0]^T delta^1
            else:
                x = self.inputs[l - 1]
                np.einsum("ikr,ijr->kjr", x, delta, out=self.grads[l])  # dC/dW^l = [1 | a^l]^T delta^{l+1}
                np.einsum("ijr,kjr->ikr", delta, self.weights[l][1:], out=self.dC_da[l - 1])  # dC/da^l

    def runs_first(self) -> list[np.ndarray]:
        """The current ``W^l`` of every run, each ``(R, 1 + n_l, n_{l+1})``."""
        return [np.ascontiguousarray(np.moveaxis(W, -1, 0)) for W in self.weights]


def sweep(spec: SweepSpec, progress: ProgressCallback | None = None) -> SweepResult:
    """Train every run of ``spec`` together; a run's divergence is its status, never an exception.

    ``progress(done, total)`` is called after every block of iterations when given.
    """
    started = time.perf_counter()
    configs = spec.configs()
    R, total = len(configs), spec.base.iterations
    # Columns grouped by optimizer: column p holds run order[p].
    order = sorted(range(R), key=lambda i: list(OPTIMIZERS).index(configs[i].optimizer))
    stack = _Stack(spec.base, R)
    for p, i in enumerate(order):
        c = configs[i]
        W = initial_weights(c.layers, c.init, c.init_scale, c.noise, c.seed)
        stack.params[:, p] = np.concatenate([w.ravel() for w in W])
    steps = _optimizer_steps(stack, [configs[i] for i in order])
    kept = np.arange(total + 1) if R * (total + 1) * 8 <= HISTORY_BYTES else snapshot_schedule(total, HISTORY_POINTS)
    record = _Record(R, spec.threshold, kept)
    with np.errstate(all="ignore"):
        _train(stack, steps, record, total, progress)
        final_weights = stack.runs_first()
        symmetry = symmetry_history([[W[p] for W in final_weights] for p in range(R)])

    position = np.argsort(order)  # run i of spec.configs() is in column position[i]
    diverged_at = record.diverged_at[position]
    return SweepResult(
        spec=spec,
        configs=configs,
        loss_history=np.ascontiguousarray(record.history.T[position]),
        history_iterations=kept,
        final_loss=np.where(record.diverged_at >= 0, record.final_loss, record.last)[position],
        status=["diverged" if k >= 0 else "finished" for k in diverged_at],
        diverged_at=diverged_at,
        distinct_neurons=symmetry.distinct[position],
        symmetry_gap=symmetry.gap[position],
        iterations_to_threshold=record.reached[position],
        final_weights=[W[position] for W in final_weights],
        outputs=np.ascontiguousarray(np.moveaxis(stack.output, -1, 0)[position]),
        seconds=time.perf_counter() - started,
    )


def _optimizer_steps(stack: _Stack, configs: list[Config]) -> list[tuple[Callable, np.ndarray, np.ndarray]]:
    """``(step, params, grads)`` for each optimizer's group of columns; ``configs`` in column order."""
    lrs = np.array([c.lr for c in configs])
    steps = []
    for name, optimizer in OPTIMIZERS.items():
        cols = [p for p, c in enumerate(configs) if c.optimizer == name]
        if cols:
            g = slice(cols[0], cols[-1] + 1)  # contiguous: the columns are sorted by optimizer
            state = optimizer((stack.params.shape[0], len(cols)), lrs[g])  # learning rates (R_g,)
            steps.append((state.step, stack.params[:, g], stack.flat_grads[:, g]))
    return steps


def _train(stack: _Stack, steps: list, record: _Record, total: int, progress: ProgressCallback | None) -> None:
    """Iterations 0 to ``total`` of every run; diverged runs are held at their last finite weights."""
    R = stack.params.shape[1]
    block = np.empty((min(_BLOCK, total + 1), R))  # costs of a block of iterations, a row each
    frozen = np.zeros(R, dtype=bool)
    before = np.empty_like(stack.params)  # the weights of the iteration before
    held = None  # the weights of the diverged runs: their last with a finite cost
    # The hot loop: one forward, one divergence check, one backward and one step per group: about
    # 36 numpy calls an iteration on the question's network, whatever the number of runs.
    for k0 in range(0, total + 1, len(block)):
        costs = block[: min(len(block), total + 1 - k0)]
        for k in range(k0, k0 + len(costs)):
            cost = costs[k - k0]
            stack.forward(cost)
            if not math.isfinite(np.add.reduce(cost)):
                new = ~np.isfinite(cost) & ~frozen
                if new.any():
                    held = stack.params.copy() if held is None else held
                    held[:, new] = (before if k else stack.params)[:, new]
                    frozen |= new
                    record.diverge(new, k, costs[k - k0 - 1] if k > k0 else record.last)
            if k == total:
                break
            stack.backward()
            np.copyto(before, stack.params)
            for step, params, grads in steps:
                step(params, grads)
            if held is not None:
                np.copyto(stack.params, held, where=frozen)
        record.add(costs, k0)
        if progress is not None:
            progress(k0 + len(costs) - 1, total)
    if held is not None:  # the outputs of the held weights (a run may have diverged last)
        np.copyto(stack.params, held, where=frozen)
        stack.forward(np.empty(R))


class _Record:
    """What a sweep keeps of its costs, filled one block of iterations at a time (columns are runs)."""

    def __init__(self, runs: int, threshold: float, kept: np.ndarray):
        self.threshold, self.kept = threshold, kept
        self.history = np.empty((len(kept), runs))
        self.diverged_at = np.full(runs, -1)
        self.final_loss = np.full(runs, np.nan)  # the last finite cost of a diverged run
        self.reached = np.full(runs, -1)
        self.last = np.full(runs, np.nan)  # the costs of the last iteration recorded

    def diverge(self, new: np.ndarray, k: int, previous: np.ndarray) -> None:
        """Runs ``new`` diverged at iteration ``k``; ``previous`` holds the costs of iteration ``k - 1``."""
        self.diverged_at[new] = k
        self.final_loss[new] = previous[new] if k else np.nan

    def add(self, costs: np.ndarray, k0: int) -> None:
        """Record ``costs`` ``(iterations, R)`` of iterations ``k0, k0 + 1, ...``."""
        iterations = np.arange(k0, k0 + len(costs))
        if np.any(self.diverged_at >= 0):
            costs[(self.diverged_at >= 0) & (iterations[:, None] >= self.diverged_at)] = np.nan
        hits = costs <= self.threshold
        first = np.argmax(hits, axis=0)
        new = (self.reached < 0) & hits[first, np.arange(costs.shape[1])]
        self.reached[new] = k0 + first[new]
        lo, hi = np.searchsorted(self.kept, [k0, k0 + len(costs)])
        self.history[lo:hi] = costs[self.kept[lo:hi] - k0]
        self.last = costs[-1].copy()
