"""The work budget: what one request may cost a shared server, priced before it starts.

A run is priced from its configuration alone (``run_work``); a sweep from its base configuration
and its number of runs (``sweep_work``). Work is counted in units of about one multiply-add, so
the limits below hold whatever the shape of the network (`python -m benchmarks.budget` and
`python -m benchmarks.sweep --calibrate` measure what a unit costs here). Each check raises a
:class:`ConfigError` naming the setting to change and how far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Config

# One request must not pin a shared server. Work is counted in "weight x observation" units per
# iteration, plus a fixed cost per weight matrix for numpy's per-call overhead on small arrays
# (measured with benchmarks/budget.py: the largest allowed runs take a few seconds here).
WORK_BUDGET = 7e8
STEP_OVERHEAD = 2_000
# Stored weight and gradient snapshots: snapshots x parameters values of each (8 bytes a value).
SNAPSHOT_BUDGET = 10_000_000
# Activation buffers: observations x neurons summed over the layers (about 6 buffers of each).
ACTIVATION_BUDGET = 4_000_000
# The work of a sweep, in the units of WORK_BUDGET, counts what stacking the runs does not share:
# each run's products (weights x observations, as in Config.work) and element-wise passes
# (NEURON_COST per neuron and observation: a tanh and a dozen element-wise calls cost about as
# much as 16 multiply-adds), and the symmetry metrics of its final weights (SYMMETRY_COST per
# neuron pair and vector entry); numpy's per-call overhead is paid once per layer for the whole
# stack (SWEEP_STEP_OVERHEAD). `python -m benchmarks.sweep --calibrate` measures 1.3 to 8 ns a
# unit of training here, for 1 to 512 runs of networks from 2-3-3-2 to 2-64-64-1 and from 2 to
# 1,000 observations (median about 3), and under 1 ns a unit of symmetry metrics (tiny networks
# aside, whose metrics take milliseconds): a sweep at the budget takes at most about 8 ns x
# WORK_BUDGET. R x Config.work would not do: stacking makes a run-step of the question's network
# about 40 times cheaper, and one of a wide network on 200 observations no cheaper at all.
NEURON_COST = 16
SWEEP_STEP_OVERHEAD = 3 * STEP_OVERHEAD
SYMMETRY_COST = 2
# Stacked parameters, runs x weights: held about 8 times over (weights, gradients, optimizer state).
WEIGHT_BUDGET = 4_000_000


def work_per_step(layers: tuple[int, ...], n_obs: int) -> float:
    n_params = sum((1 + a) * b for a, b in zip(layers, layers[1:]))
    return n_params * n_obs + STEP_OVERHEAD * (len(layers) - 1)


def run_work(config: Config) -> float:
    """Work units of training ``config`` (see ``WORK_BUDGET``)."""
    return (config.iterations + 1) * work_per_step(config.layers, config.dataset.X.shape[0])


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
    per_step = work_per_step(c.layers, n_obs)
    if run_work(c) > WORK_BUDGET:
        most = max(0, int(WORK_BUDGET // per_step) - 1)
        raise ConfigError(
            "iterations",
            f"{c.iterations:,} iterations of a {c.n_params:,}-weight network on {n_obs:,} observations is "
            f"{run_work(c):.2g} units of work, over the budget of {WORK_BUDGET:.2g}; use at most {most:,} "
            "iterations or a smaller network.",
        )


def _symmetry_pairs(layers: tuple[int, ...]) -> int:
    """Neuron pairs x vector entries compared by the symmetry metrics of one set of weights."""
    return sum(n * n * (1 + n_in + n_out) for n_in, n, n_out in zip(layers, layers[1:-1], layers[2:]))


def sweep_work(base: Config, runs: int) -> float:
    """Work units of a sweep of ``runs`` runs of ``base``'s network (see ``NEURON_COST``)."""
    n_obs, L = base.dataset.X.shape[0], len(base.layers) - 1
    per_run_step = n_obs * (base.n_params + NEURON_COST * sum(base.layers[1:]))
    symmetry = runs * SYMMETRY_COST * _symmetry_pairs(base.layers)
    return (base.iterations + 1) * (runs * per_run_step + SWEEP_STEP_OVERHEAD * L) + symmetry


def check_sweep(base: Config, runs: int) -> None:
    """Refuse a sweep whose work or memory would pin a shared server, in one sentence."""
    work = sweep_work(base, runs)
    if work > WORK_BUDGET:
        fixed = sweep_work(base.replace(iterations=0), runs)
        most = int((WORK_BUDGET - fixed) // (sweep_work(base.replace(iterations=1), runs) - fixed))
        advice = "use fewer runs or a smaller network"
        if most >= 1:
            advice = f"use at most {most:,} iterations or fewer runs"
        raise ConfigError(
            "sweep",
            f"{runs:,} runs of {base.iterations:,} iterations is {work:.2g} units of work, over the budget of "
            f"{WORK_BUDGET:.2g}; {advice}.",
        )
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
