"""The work budget: what one request may cost a shared server, priced before it starts.

One cost model prices everything a request computes, in nanoseconds of CPU on this project's
2-core machine (`python -m benchmarks.costs` measures the constants and how well the model
predicts; it errs on the side of overpricing):

- training, per iteration: numpy's per-call overhead, paid once per call whatever the number of
  runs; and per run the products (one BLAS call each, a set-up cost plus a cost per multiply-add),
  the element-wise passes (per neuron and observation) and the optimizer (per weight);
- the record: the symmetry metrics of every kept snapshot (of the final weights only, in a sweep);
- the page: drawing the open tab is bounded by construction (every chart and table caps what it
  draws), and ``DRAWING_ALLOWANCE`` keeps room for it within the ten seconds a request may take.

A run is ``work(config)``; a sweep is ``work(base, runs)``. Memory is bounded separately: stored
snapshots, activations and stacked weights each have a limit. Each check raises a
:class:`ConfigError` naming the setting to change and how far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import symmetry
from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Config

SECOND = 1e9  # work is counted in nanoseconds of CPU here
REQUEST_LIMIT = 10 * SECOND  # what one request (one link, any tab) may cost the server
DRAWING_ALLOWANCE = 2 * SECOND  # kept for building the open tab's charts and tables
WORK_BUDGET = REQUEST_LIMIT - DRAWING_ALLOWANCE - 1 * SECOND  # and a second for what the model misses

# Per iteration (ns): numpy's overhead per call on small arrays, and the calls a weight matrix costs
# (three products, its activation and slope, delta, copies and the optimizer's share).
CALL = 900
CALLS_PER_LAYER = 14
LOOP = 3_000  # the loop's own work: divergence check, copy of the weights, record
# Per run and iteration (ns): a product's BLAS set-up and its multiply-adds, the element-wise work of
# one neuron on one observation (activation, slope, delta, dC/da, copies), one weight's optimizer step.
PRODUCT_CALL = 250
MULTIPLY_ADD = 1.0
ENTRY = 25
PARAMETER = 8
# Per iteration, beyond the sigmoid, sse and gd that the constants above were measured on: the cost's
# extra numpy calls, each optimizer's extra calls (once per group of runs it steps) and its passes over
# the weights (gd makes one). Measured by benchmarks/costs.py: cross_entropy costs about 20-35 us an
# iteration more than sse, adam 10-20 us more than gd, on the question's network.
LOSS_CALLS = {"sse": 0, "mse": 3, "cross_entropy": 36}
OPTIMIZER_CALLS = {"gd": 0, "momentum": 4, "adam": 18}
OPTIMIZER_PASSES = {"gd": 1, "momentum": 2, "adam": 6}
# Products summed in order (mlp/network.py): per term of every sum a multiply and an add, on views
# numpy walks with broadcasting, each about three of the calls above (benchmarks/costs.py: a 16-run
# sweep of the question's network is all such calls). Their work per run is far less than a BLAS
# call per run, and is left priced as one.
IN_ORDER_CALLS = 6
# Symmetry metrics: ns per unit of mlp.symmetry.metrics_work (one set of weights). Measured 0.03 to 0.7 ns
# here (benchmarks/costs.py), dearest on random and near-equal neurons, cheapest on clones.
METRICS_UNIT = 1.0

# Memory limits. Stored weight and gradient snapshots: snapshots x parameters values of each.
SNAPSHOT_BUDGET = 10_000_000
# Activation buffers: runs x observations x neurons summed over the layers (about 6 buffers of each).
ACTIVATION_BUDGET = 4_000_000
# Stacked parameters of a sweep, runs x weights: held about 8 times over (weights, gradients, optimizer).
WEIGHT_BUDGET = 4_000_000


def step_work(
    layers: tuple[int, ...],
    n_obs: int,
    runs: int = 1,
    loss: str = "sse",
    optimizers: tuple[str, ...] = ("gd",),
    products: str = "blas",
) -> float:
    """ns of one training iteration of ``runs`` runs of a network of ``layers`` on ``n_obs`` observations,
    with cost ``loss``, stepped by ``optimizers`` (a sweep may hold several: each steps its own group),
    its products summed by ``products``."""
    L = len(layers) - 1
    multiply_adds = sum(3 * n_obs * (1 + n_in) * n_out for n_in, n_out in zip(layers, layers[1:]))
    n_params = sum((1 + n_in) * n_out for n_in, n_out in zip(layers, layers[1:]))
    calls = L * CALLS_PER_LAYER + LOSS_CALLS[loss] + sum(OPTIMIZER_CALLS[name] for name in optimizers)
    if products == "in_order":
        calls += IN_ORDER_CALLS * _terms(layers, n_obs)
    passes = max(OPTIMIZER_PASSES[name] for name in optimizers)
    per_run = 3 * L * PRODUCT_CALL + multiply_adds * MULTIPLY_ADD + n_obs * sum(layers[1:]) * ENTRY
    return calls * CALL + LOOP + runs * (per_run + n_params * PARAMETER * passes)


def _terms(layers: tuple[int, ...], n_obs: int) -> int:
    """The terms the sums of one ``in_order`` iteration add: of each product and of the cost."""
    n = sum(1 + n_in for n_in in layers[:-1])  # n^{l+1} = [1 | a^l] W^l
    dC_da = sum(layers[2:])  # dC/da^l = delta^{l+1} W^l[1:]^T
    dC_dW = n_obs * (len(layers) - 1)  # dC/dW^l = [1 | a^l]^T delta^{l+1}
    return n + dC_da + dC_dW + n_obs * layers[-1]  # and the cost


def _step(config: Config, runs: int, optimizers: tuple[str, ...] | None) -> float:
    """:func:`step_work` of ``config``'s network, data and cost (its own optimizer unless ``optimizers``)."""
    optimizers = optimizers or (config.optimizer,)
    return step_work(config.layers, config.dataset.X.shape[0], runs, config.loss, optimizers, config.products)


def metrics_work(layers: tuple[int, ...]) -> float:
    """ns of the symmetry metrics of one set of weights (every pair of neurons of a hidden layer compared)."""
    return METRICS_UNIT * symmetry.metrics_work(layers)


def _recorded(config: Config, runs: int, iterations: int) -> int:
    """Sets of weights whose metrics are computed: a run's snapshots, or each run's final weights in a sweep."""
    return min(config.snapshots, iterations + 1) if runs == 1 else runs


def work(config: Config, runs: int = 1, optimizers: tuple[str, ...] | None = None) -> float:
    """ns of training ``runs`` runs of ``config``'s network and recording them.

    One run keeps ``config.snapshots`` snapshots, each with its symmetry metrics; a sweep keeps the
    final weights of each run and their metrics.
    """
    step = _step(config, runs, optimizers)
    recorded = _recorded(config, runs, config.iterations)
    return (config.iterations + 1) * step + recorded * metrics_work(config.layers)


def most_iterations(config: Config, runs: int = 1, optimizers: tuple[str, ...] | None = None) -> int:
    """The most iterations ``config`` (trained ``runs`` times) may have within ``WORK_BUDGET``; -1 if none."""
    step = _step(config, runs, optimizers)
    metrics = metrics_work(config.layers)
    recorded = _recorded(config, runs, 10**9)  # all snapshots kept: a long run
    most = int((WORK_BUDGET - recorded * metrics) // step) - 1
    if runs == 1 and most < recorded - 1:  # a short run keeps fewer snapshots: one per iteration
        most = int(WORK_BUDGET // (step + metrics)) - 1
    return max(most, -1)


def _seconds(ns: float) -> str:
    return f"{ns / SECOND:.2g} s"


def check_run(c: Config) -> None:
    """Refuse a run whose work or memory would pin a shared server, in one sentence."""
    n_obs = c.dataset.X.shape[0]
    neurons = n_obs * sum(c.layers)
    if neurons > ACTIVATION_BUDGET:
        raise ConfigError(
            "layers",
            f"{n_obs:,} observations x {sum(c.layers):,} neurons is {neurons:,} activations, over the limit of "
            f"{ACTIVATION_BUDGET:,}; use fewer observations or smaller layers.",
        )
    if c.snapshots * c.n_params > SNAPSHOT_BUDGET:
        most = max(2, SNAPSHOT_BUDGET // c.n_params)
        raise ConfigError(
            "snapshots",
            f"{c.snapshots} snapshots of {c.n_params:,} weights is over the limit of {SNAPSHOT_BUDGET:,} stored "
            f"values; use at most {most} snapshots or a smaller network.",
        )
    cost = work(c)
    if cost > WORK_BUDGET:
        most = most_iterations(c)
        advice = f"use at most {most:,} iterations" if most >= 0 else "use fewer snapshots"
        raise ConfigError(
            "iterations",
            f"{c.iterations:,} iterations of a {c.n_params:,}-weight network on {n_obs:,} observations would take "
            f"about {_seconds(cost)} of the server's time, over the budget of {_seconds(WORK_BUDGET)} a run may take; "
            f"{advice} or a smaller network.",
        )


def check_sweep(base: Config, runs: int, optimizers: tuple[str, ...] | None = None) -> None:
    """Refuse a sweep whose work or memory would pin a shared server, in one sentence."""
    n_obs, neurons = base.dataset.X.shape[0], sum(base.layers)
    if runs * n_obs * neurons > ACTIVATION_BUDGET:
        raise ConfigError(
            "sweep",
            f"{runs:,} runs x {n_obs:,} observations x {neurons:,} neurons is {runs * n_obs * neurons:,} activations, "
            f"over the limit of {ACTIVATION_BUDGET:,}; use fewer runs, observations or neurons.",
        )
    if runs * base.n_params > WEIGHT_BUDGET:
        raise ConfigError(
            "sweep",
            f"{runs:,} runs x {base.n_params:,} weights is {runs * base.n_params:,} weights, over the limit of "
            f"{WEIGHT_BUDGET:,}; use fewer runs or a smaller network.",
        )
    cost = work(base, runs, optimizers)
    if cost > WORK_BUDGET:
        most = most_iterations(base, runs, optimizers)
        advice = "use fewer runs or a smaller network"
        if most >= 1:
            advice = f"use at most {most:,} iterations or fewer runs"
        raise ConfigError(
            "sweep",
            f"{runs:,} runs of {base.iterations:,} iterations would take about {_seconds(cost)} of the server's "
            f"time, over the budget of {_seconds(WORK_BUDGET)} a sweep may take; {advice}.",
        )
