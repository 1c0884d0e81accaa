"""Findings: what happened in a run, each with its evidence in numbers and one sentence.

``findings(run)`` reads a :class:`Run` (its cost history, its weight snapshots and, for a few
snapshots, the activations they give on the run's data) and returns :class:`Finding` objects. Each
names its ``code``, the ``layer`` it is about (``l`` of ``a^l``: hidden layer ``l``, or ``L`` for the
output; ``None`` for the whole run), the iterations it spans (``since`` .. ``until``), its
``evidence`` and one ``sentence`` in the learner's notation. Two causes are kept apart: clones take
away capacity for ever; saturation and plateaus cost time.

Codes (the thresholds are the constants below; "kept snapshot" is one of ``run.snapshot_iterations``):

- ``diverged``: the run's status is diverged; ``since = until`` = the iteration whose cost was NaN or
  infinite.
- ``blew_up``: a finished run whose cost rose above ``BLOW_UP_COST`` (1,000) times its value at
  iteration 0, or whose largest ``|weight|`` grew past ``BLOW_UP_WEIGHT`` (1e6) times
  ``max(1, largest |weight| at iteration 0)``: exploding, though every number stayed finite.
  ``since``: the first iteration above the cost limit (else the first kept snapshot past the weight
  limit, by bisection). The weight test is made on the last snapshot.
- ``step_too_large`` (cost ``sse``, optimizer ``gd`` or ``momentum``, at least ``STEP_OBSERVATIONS`` (10)
  observations, at least one step): sse adds up the errors of every observation, so each step is the sum of
  ``n_obs`` observations' steps (``lr * n_obs`` is the learning rate on their average), and here that step is
  what stopped the run. All three hold: (1) the step is large: in some sigmoid or tanh layer ``l``, the change
  of ``n^l`` that one step's change of ``W^{l-1}`` makes, to first order (``[1 | a^{l-1}] @ (lr dC/dW^{l-1})``
  with the gradient of iteration 0, on the observations saturation is measured on), has a median over units x
  observations of at least ``STEP_SHARE`` (half) of the activation's steep width, the ``|n|`` past which its
  slope is below ``SATURATED_SLOPE`` of the largest (2.89 for the sigmoid, 1.44 for tanh); momentum's step is
  counted ``1 / (1 - beta)`` (10) times, what it builds up to under a steady gradient; (2) the run learned
  nothing: its final cost is at least ``1 - CONSTANT_MATCH`` (99%) of the best constant answer's (see
  ``plateau``); (3) it ends stuck: at the last kept snapshot at least ``STUCK_SHARE`` (half) of some layer's
  units x observations pass back almost no gradient (sigmoid or tanh below ``SATURATED_SLOPE``, relu at 0).
  ``since .. until``: 0 .. the last iteration. adam is left out: its steps do not grow with the gradient.
- ``clones`` (hidden layers of two neurons or more): some neurons have equal incoming and outgoing
  weights up to rounding, by the rule of mlp/symmetry.py (relative distance of the pair at most
  1e-13, groups that do not chain). ``since`` .. ``until``: the last stretch of kept snapshots with
  clones; it reaches the last iteration unless rounding-sized differences grew past the tolerance.
- ``near_clones`` (hidden layers of two neurons or more): at the last snapshot, groups of neurons within
  ``NEAR_DISTANCE`` (1e-2) of each other (the clone rule of mlp/symmetry.py at that wider tolerance) that
  behave like clones: merging each group into one neuron (incoming weights averaged, outgoing weights
  summed, which is exact for clones) changes no output ``a^L`` on the run's inputs by more than
  ``NEAR_OUTPUT`` (1e-3) times the targets' scale ``max(1, max(y) - min(y))``. Reported only when this
  leaves fewer groups than the clones do. ``since``: the first kept snapshot from which the same merge
  passes that test (bisection: the test is assumed to start passing once), so a start of 1e-12 that
  computes what clones compute is nearly clones from iteration 0. Two forward passes a bisection step.
- ``saturated`` (sigmoid and tanh layers, hidden or output): at iteration 0, at least half of the layer's
  units x observations run below ``SATURATED_SLOPE`` (20%) of the activation's largest slope
  (``f'(n) / f'(0)``: ``4 a (1 - a)`` for the sigmoid, ``1 - a^2`` for tanh), measured on at most 256 of
  the run's observations, evenly spaced. ``until``: the last kept snapshot, from the start, where that
  still holds (bisection: saturation is assumed to end once). Saturation that begins later is not
  reported: an output fitting targets of 0 and 1 saturates by design.
- ``dead`` (relu layers): units whose ``a^l`` is 0 for every observation at the last snapshot (so
  ``f'(n) = 0`` and no gradient reaches their incoming weights). ``since``: the first kept snapshot
  from which all of them are dead (bisection).
- ``plateau``: a stretch ``a .. b`` of iterations, ``b - a`` at least ``PLATEAU_SHARE`` (10%) of the
  iterations run and at least 20, where the cost stays within ``PLATEAU_BAND`` (2%): its largest value at
  most 1.02 times its smallest, that smallest above the fitted cost (the largest cost at which every output
  could still be within the fit tolerance, so a fitted run's tail is no plateau) and at most the cost at
  iteration 0 (a blown-up run stuck high is no plateau). Stretches are cut greedily from the left on the
  cost history (thinned to at most 4,000 blocks, keeping each block's extremes). Its level is compared
  with the cost ``C0`` of the best constant answer, every output at its target column's mean (the constant
  that minimises sse, mse and cross_entropy alike): within 1%
  of ``C0`` it is said to be that answer, and how much ``a^L`` varies across observations is given.
- ``fitted``: every final output is within ``FIT_TOLERANCE`` (0.05) times the targets' scale of its
  target. ``since``: the first kept snapshot from which that holds (bisection, after the last iteration
  whose cost rules it out). For ``sse`` and ``mse`` the evidence adds the iteration from which the cost
  alone guarantees it (one squared error is at most their sum: ``sse <= 0.05^2``).

``chaotic(config)`` is on demand, as it trains the configuration twice: see its docstring. ``accuracy(run)`` is a
figure, not a finding: the share of observations on the right side of 0.5 when the targets are classes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .config import Config
from .network import activations, forward
from .optimizers import Momentum
from .symmetry import TOLERANCE, clone_groups, neuron_vectors, relative_distances
from .training import Run, train

CODES = ("diverged", "blew_up", "step_too_large", "clones", "near_clones", "dead", "saturated", "plateau", "fitted")
FIT_TOLERANCE = 0.05
NEAR_DISTANCE = 1e-2
NEAR_OUTPUT = 1e-3
SATURATED_SLOPE = 0.2
PLATEAU_BAND = 0.02
PLATEAU_SHARE = 0.1
PLATEAU_MIN = 20
CONSTANT_MATCH = 0.01
BLOW_UP_COST = 1e3
BLOW_UP_WEIGHT = 1e6
STEP_OBSERVATIONS = 10
STEP_SHARE = 0.5
STUCK_SHARE = 0.5
CHAOS_SHIFT = 1e-12
CHAOS_APART = 0.01
_HISTORY_POINTS = 4000
_SAMPLE = 256  # observations on which saturation is measured
_CACHE_VALUES = 2_000_000  # activations kept in memory while the findings are computed (16 MB)
_LARGEST_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}
# The |n| past which the slope is below SATURATED_SLOPE of the largest: 4 a (1 - a) = s at n = 2 artanh(sqrt(1 - s))
# for the sigmoid (2.89), 1 - a^2 = s at n = artanh(sqrt(1 - s)) for tanh (1.44).
_STEEP = math.atanh(math.sqrt(1 - SATURATED_SLOPE))
_STEEP_WIDTH = {"sigmoid": 2 * _STEEP, "tanh": _STEEP}
_PLAIN_STEPS = ("gd", "momentum")  # optimizers whose steps grow with the gradient (adam's do not)
_BUILD_UP = {"momentum": 1 / (1 - Momentum.beta)}  # v <- beta v + g tends to g / (1 - beta) under a steady g


@dataclass(frozen=True)
class Finding:
    """One thing that happened in a run (see the module docstring for each ``code``)."""

    code: str
    layer: int | None
    since: int
    until: int
    evidence: dict[str, Any] = field(default_factory=dict)
    sentence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "layer": self.layer,
            "since": self.since,
            "until": self.until,
            "evidence": self.evidence,
            "sentence": self.sentence,
        }


# --- helpers -------------------------------------------------------------------------------------


def _name(l: int, L: int) -> str:
    """``hidden layer 2 (a^2)`` or ``the output layer (a^3)``."""
    return f"the output layer (a^{l})" if l == L else f"hidden layer {l} (a^{l})"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _neurons(n: int) -> str:
    return "one neuron" if n == 1 else f"{n} neurons"


def _scale(Y: np.ndarray) -> float:
    """The targets' scale: ``max(1, max(y) - min(y))``."""
    return max(1.0, float(np.ptp(Y))) if Y.size else 1.0


def _first_true(test: Callable[[int], bool], lo: int, hi: int) -> int:
    """The smallest ``s`` in ``[lo, hi]`` with ``test(s)``, given ``test(hi)`` and one change from False to True."""
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if test(mid) else (mid + 1, hi)
    return hi


def _last_true(test: Callable[[int], bool], lo: int, hi: int) -> int:
    """The largest ``s`` in ``[lo, hi]`` with ``test(s)``, given ``test(lo)`` and one change from True to False."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if test(mid) else (lo, mid - 1)
    return lo


class _Context:
    """What several findings share: the run, its last finite snapshot, activations computed on demand."""

    def __init__(self, run: Run, last: int):
        self.run, self.last = run, last  # last: the last snapshot whose weights are all finite
        self.L = len(run.config.layers) - 1
        self.sample = run.inputs[:: -(-len(run.inputs) // _SAMPLE)]
        self.keep = max(4, _CACHE_VALUES // (len(run.inputs) * sum(run.config.layers)))  # activations kept
        self._cache: dict[tuple[int, bool], list[np.ndarray]] = {}

    def at(self, s: int) -> int:
        """The iteration of kept snapshot ``s``."""
        return int(self.run.snapshot_iterations[s])

    def activations(self, s: int, sample: bool = False) -> list[np.ndarray]:
        """``a^0 .. a^L`` at snapshot ``s`` on the run's inputs (or on at most ``_SAMPLE`` of them, evenly spaced)."""
        if (s, sample) not in self._cache:
            if len(self._cache) >= self.keep:
                self._cache.pop(next(iter(self._cache)))
            X = self.sample if sample else self.run.inputs
            self._cache[s, sample] = activations(self.run.config.architecture, self.run.weights[s], X)
        return self._cache[s, sample]

    def outputs(self, s: int) -> np.ndarray:
        """``a^L`` at snapshot ``s`` on every input (the run's own outputs at the last snapshot)."""
        return self.run.outputs if s == len(self.run.weights) - 1 else self.activations(s)[-1]


# --- diverged and blew_up ------------------------------------------------------------------------


def _diverged(c: _Context) -> list[Finding]:
    run = c.run
    if run.status != "diverged":
        return []
    k = int(run.diverged_at)
    if k == 0:
        sentence = "At iteration 0 the cost is already infinite or NaN: training diverged before its first step."
        return [Finding("diverged", None, 0, 0, {"iteration": 0}, sentence)]
    last = float(run.loss_history[-1])
    sentence = (
        f"At iteration {k:,} the cost became infinite or NaN: training diverged, and the record stops at "
        f"iteration {k - 1:,} (cost {last:.4g}), the last with a finite cost."
    )
    return [Finding("diverged", None, k, k, {"iteration": k, "last_finite_cost": last}, sentence)]


def _largest_weight(run: Run, s: int) -> float:
    """The largest ``|weight|`` of kept snapshot ``s``."""
    return max(float(np.max(np.abs(W))) for W in run.weights[s])


def _blew_up(c: _Context) -> list[Finding]:
    run, C = c.run, c.run.loss_history
    if run.status != "finished" or len(C) < 2:
        return []
    start, end = _largest_weight(run, 0), _largest_weight(run, c.last)
    cost_limit = BLOW_UP_COST * C[0]
    weight_limit = BLOW_UP_WEIGHT * max(1.0, start)
    over_cost = np.flatnonzero(C > cost_limit)  # noqa: SIM300
    if not len(over_cost) and not end > weight_limit:
        return []
    if len(over_cost):
        since = int(over_cost[0])
    else:  # the first snapshot past the weight limit (bisection: weights are assumed to grow past it once)
        since = c.at(_first_true(lambda s: _largest_weight(run, s) > weight_limit, 0, c.last))
    peak = int(np.argmax(C))
    evidence = {
        "cost_start": float(C[0]),
        "cost_peak": float(C[peak]),
        "cost_peak_iteration": peak,
        "cost_end": float(C[-1]),
        "largest_weight_start": start,
        "largest_weight_end": end,
    }
    sentence = (
        f"Training blew up: the cost went from {C[0]:.4g} at iteration 0 to {C[peak]:.3g} at iteration {peak:,} "
        f"and the largest weight from {start:.3g} to {end:.3g}; every number stayed finite, so the run did not "
        "stop on its own."
    )
    return [Finding("blew_up", None, since, run.iterations_run, evidence, sentence)]


# --- step_too_large ------------------------------------------------------------------------------


def _step(c: _Context, l: int) -> float:
    """The median ``|change of n^l|`` (over units x sampled observations) that one step's change of ``W^{l-1}``
    makes, to first order: ``[1 | a^{l-1}] @ (k lr dC/dW^{l-1})`` with the gradient at iteration 0; ``k`` is 1
    for gd, ``1 / (1 - beta)`` for momentum (the step it builds up to under a steady gradient)."""
    a, G = c.activations(0, sample=True)[l - 1], c.run.gradients[0][l - 1]
    k = _BUILD_UP.get(c.run.config.optimizer, 1.0)
    return float(np.median(np.abs(k * c.run.config.lr * (G[0] + a @ G[1:]))))


def _stuck_share(c: _Context, s: int, l: int) -> float:
    """The share of layer ``l``'s units x sampled observations, at snapshot ``s``, that pass back almost no
    gradient: sigmoid or tanh below ``SATURATED_SLOPE`` of the largest slope, relu at 0 (else none)."""
    a, activation = c.activations(s, sample=True)[l], _activation(c, l)
    if activation in _LARGEST_SLOPE:
        return float(np.mean(_relative_slopes(a, activation) < SATURATED_SLOPE))
    return float(np.mean(a == 0.0)) if activation == "relu" else 0.0


def _step_too_large(c: _Context) -> list[Finding]:
    run, config, C = c.run, c.run.config, c.run.loss_history
    n_obs = len(run.inputs)
    if config.loss != "sse" or config.optimizer not in _PLAIN_STEPS or n_obs < STEP_OBSERVATIONS or len(C) < 2:
        return []
    best_constant = _column_means_cost("sse", run.targets)
    if not C[-1] >= (1 - CONSTANT_MATCH) * best_constant:
        return []  # the run learned something
    widths = {l: _STEEP_WIDTH[_activation(c, l)] for l in range(1, c.L + 1) if _activation(c, l) in _STEEP_WIDTH}
    steps = {l: _step(c, l) for l in widths}
    over = [l for l in steps if steps[l] >= STEP_SHARE * widths[l]]
    shares = [_stuck_share(c, c.last, l) for l in range(1, c.L + 1)]
    if not over or not max(shares) >= STUCK_SHARE:
        return []
    l = max(over, key=lambda l: steps[l] / widths[l])
    stuck = c.L - int(np.argmax(shares[::-1]))  # the layer most stuck at the end (the last one on a tie)
    lr = config.lr
    evidence = {
        "observations": n_obs, "lr": lr, "lr_per_observation": lr * n_obs, "suggested_lr": lr / n_obs, "layer": l,
        "step": steps[l], "steep_width": widths[l], "first_cost": float(C[0]), "final_cost": float(C[-1]),
        "best_constant_cost": best_constant, "stuck_shares": shares,
    }  # fmt: skip
    moves = (
        f"The first step moves n^{l} by {steps[l]:.2g}"
        if config.optimizer == "gd"
        else f"The steps momentum builds up to ({_BUILD_UP['momentum']:g} times the first) move n^{l} by {steps[l]:.2g}"
    )
    sentence = (
        f"The step is too large: sse adds up the errors of all {n_obs:,} observations, so each step is the sum of "
        f"their {n_obs:,} steps: lr {lr:g} takes the step that lr {lr * n_obs:g} would take on their average. "
        f"{moves} (median over units and observations), while the {_activation(c, l)} is steep only for "
        f"|n| < {widths[l]:.2g}; the cost goes from {C[0]:.4g} to {C[-1]:.4g}, no better than the best constant "
        f"answer ({best_constant:.4g}), and {shares[stuck - 1]:.0%} of a^{stuck}'s units x observations end saturated "
        f"or dead, passing back almost no gradient. Use mse, which averages the errors instead of adding them up, or "
        f"lr {lr / n_obs:.2g} ({lr:g} / {n_obs:,}) with sse: either takes steps the size of one observation's, "
        "which may then need more iterations."
    )
    return [Finding("step_too_large", None, 0, run.iterations_run, evidence, sentence)]


# --- clones and near clones ----------------------------------------------------------------------


def _stretches(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(first, last)`` index of each run of True in ``flags``."""
    edges = np.diff(np.concatenate([[0], flags.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


def _group_text(labels: np.ndarray) -> str:
    """``0=2, 1=3``: the neurons of each group of two or more."""
    groups = [np.flatnonzero(labels == g) for g in range(labels.max() + 1)]
    return ", ".join("=".join(map(str, g)) for g in groups if len(g) > 1)


def _clones(c: _Context, l: int) -> list[Finding]:
    run, n = c.run, c.run.config.layers[l]
    distinct = run.distinct_neurons[: c.last + 1, l - 1]
    stretches = _stretches(distinct < n)
    if n < 2 or not stretches:
        return []
    first, last = stretches[-1]
    W = run.weights[last]
    labels = clone_groups(W[l - 1 : l + 1])[0]
    groups = int(labels.max() + 1)
    V = neuron_vectors(W[l - 1], W[l])
    exact = all(np.all(rows == rows[0]) for rows in (V[labels == g] for g in range(groups)))  # equal to the bit
    ended = last < c.last
    until = c.at(last) if ended else run.iterations_run
    evidence = {"width": n, "groups": groups, "exact": int(exact), "tolerance": TOLERANCE}
    span = f"from iteration {c.at(first):,} to {until:,}" if ended else f"from iteration {c.at(first):,} on"
    if ended:
        sentence = (
            f"Hidden layer {l} had clones (equal up to rounding) {span}; after that, differences under "
            f"{TOLERANCE:g} of their size grew past that tolerance, and no two of its {n} neurons are clones."
        )
    else:
        who = f"its {n} neurons are" if groups == 1 else f"neurons {_group_text(labels)} are"
        acts = "the layer acts as one neuron" if groups == 1 else f"its {n} neurons act as {groups}"
        kept = "stay equal for ever" if exact else "stay equal up to rounding"
        sentence = (
            f"Hidden layer {l}: {who} clones {span}: they have equal incoming weights (columns of W^{l - 1}) and "
            f"outgoing weights (rows of W^{l}), so they get equal gradients and {kept}, and {acts}. That is a "
            "limit on capacity, which more iterations do not lift."
        )
    return [Finding("clones", l, c.at(first), until, evidence, sentence)]


def _merged(weights: list[np.ndarray], l: int, labels: np.ndarray) -> list[np.ndarray]:
    """``weights`` with the neurons of hidden layer ``l`` merged by group: incoming columns averaged,
    outgoing rows summed (exact when the group's neurons are clones)."""
    groups = [np.flatnonzero(labels == g) for g in range(labels.max() + 1)]
    W_in = np.column_stack([weights[l - 1][:, g].mean(axis=1) for g in groups])
    W_out = np.vstack([weights[l][:1]] + [weights[l][1 + g].sum(axis=0, keepdims=True) for g in groups])
    return [*weights[: l - 1], W_in, W_out, *weights[l + 1 :]]


def _merge_change(c: _Context, s: int, l: int, labels: np.ndarray) -> float:
    """The largest change of ``a^L`` on the run's inputs when hidden layer ``l``'s groups merge at snapshot ``s``."""
    run = c.run
    layers = list(run.config.layers)
    layers[l] = int(labels.max() + 1)
    architecture = dataclasses.replace(run.config.architecture, layers=tuple(layers))
    merged = forward(architecture, _merged(run.weights[s], l, labels), run.inputs)
    with np.errstate(invalid="ignore"):
        return float(np.max(np.abs(merged - c.outputs(s))))


def _near_clones(c: _Context, l: int) -> list[Finding]:
    run, n = c.run, c.run.config.layers[l]
    if n < 2:
        return []
    W = run.weights[c.last]
    labels = clone_groups(W[l - 1 : l + 1], NEAR_DISTANCE)[0]  # the clone rule at a wider tolerance
    groups = int(labels.max() + 1)
    if groups >= run.distinct_neurons[c.last, l - 1]:
        return []  # nothing closer than NEAR_DISTANCE besides the clones themselves
    limit = NEAR_OUTPUT * _scale(run.targets)
    change = _merge_change(c, c.last, l, labels)
    if not change <= limit:
        return []
    first = _first_true(lambda s: _merge_change(c, s, l, labels) <= limit, 0, c.last)
    R = relative_distances(neuron_vectors(W[l - 1], W[l]))
    distance = float(max(R[np.ix_(labels == g, labels == g)].max() for g in range(groups)))
    evidence = {"width": n, "groups": groups, "distance": distance, "output_change": change, "output_limit": limit}
    who = f"its {n} neurons are" if groups == 1 else f"neurons {_group_text(labels)} are"
    merge = "them into one neuron" if groups == 1 else "each group into one neuron"
    still = f"its {n} neurons still compute what {_neurons(groups)} would"
    sentence = (
        f"Hidden layer {l}: {who} nearly clones from iteration {c.at(first):,} on: different, but by at most "
        f"{distance:.1e} of their size, and merging {merge} changes no output by more than {change:.2g}. So "
        f"{still}, as clones do."
    )
    return [Finding("near_clones", l, c.at(first), run.iterations_run, evidence, sentence)]


# --- dead and saturated units --------------------------------------------------------------------


def _activation(c: _Context, l: int) -> str:
    a = c.run.config
    return a.output_activation if l == c.L else a.activation


def _dead(c: _Context, l: int) -> list[Finding]:
    if _activation(c, l) != "relu":
        return []
    units = np.flatnonzero(np.all(c.activations(c.last)[l] == 0.0, axis=0))
    if not len(units):
        return []
    first = _first_true(lambda s: bool(np.all(c.activations(s)[l][:, units] == 0.0)), 0, c.last)
    n = c.run.config.layers[l]
    evidence = {"dead": len(units), "width": n, "units": units.tolist()}
    which = "all its neurons" if len(units) == n else f"{len(units)} of its {n} neurons ({', '.join(map(str, units))})"
    sentence = (
        f"{_capital(_name(l, c.L))}: {which} are dead from iteration {c.at(first):,} on: they "
        "output 0 for every observation, so their slope is 0 and no gradient reaches their incoming weights."
    )
    return [Finding("dead", l, c.at(first), c.run.iterations_run, evidence, sentence)]


def _relative_slopes(a: np.ndarray, activation: str) -> np.ndarray:
    """``f'(n) / f'(0)`` from ``a = f(n)``: ``4 a (1 - a)`` for the sigmoid, ``1 - a^2`` for tanh."""
    return 4.0 * a * (1.0 - a) if activation == "sigmoid" else 1.0 - a * a


def _saturated_at(c: _Context, s: int, l: int) -> bool:
    rho = _relative_slopes(c.activations(s, sample=True)[l], _activation(c, l))
    return bool(np.mean(rho < SATURATED_SLOPE) >= 0.5)


def _saturated(c: _Context, l: int) -> list[Finding]:
    activation = _activation(c, l)
    if activation not in _LARGEST_SLOPE or not _saturated_at(c, 0, l):
        return []
    rho = _relative_slopes(c.activations(0, sample=True)[l], activation)
    last = _last_true(lambda s: _saturated_at(c, s, l), 0, c.last)
    share = float(np.mean(rho < SATURATED_SLOPE))
    evidence = {
        "slope_min": float(rho.min()),
        "slope_max": float(rho.max()),
        "slope_median": float(np.median(rho)),
        "share_below": share,
        "threshold": SATURATED_SLOPE,
        "largest_slope": _LARGEST_SLOPE[activation],
    }
    low, high = round(100 * rho.min()), round(100 * rho.max())
    where = "every unit and observation" if share == 1 else f"{share:.0%} of its units x observations"
    if last == c.last:
        until = f"and stays below {SATURATED_SLOPE:.0%} to the last iteration, {c.run.iterations_run:,}"
    elif last == 0:
        until = f"and is above {SATURATED_SLOPE:.0%} by iteration {c.at(1):,}"
    else:
        until = f"and stays below {SATURATED_SLOPE:.0%} until iteration {c.at(last):,}"
    median = float(np.median(rho))
    smaller = (
        f"every gradient passing through it is about {1 / median:.0f} times smaller than at the steepest"
        if median > 1e-3
        else "almost no gradient passes through it"
    )
    sentence = (
        f"At iteration 0, {_name(l, c.L)} runs at {low if low == high else f'{low}-{high}'}% of the {activation}'s "
        f"largest slope ({_LARGEST_SLOPE[activation]:g}) on {where}, {until}: {smaller}, which makes learning slow "
        "(a matter of speed, not of capacity)."
    )
    until_iteration = c.run.iterations_run if last == c.last else c.at(last)
    return [Finding("saturated", l, 0, until_iteration, evidence, sentence)]


# --- plateau and fitted --------------------------------------------------------------------------


def _column_means_cost(loss: str, Y: np.ndarray) -> float:
    """The cost of the best constant answer: every output at its target column's mean."""
    return float(np.sum(_cost_terms(loss, np.broadcast_to(Y.mean(axis=0), Y.shape), Y)))


def _cost_terms(loss: str, a: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Each entry's share of the cost ``sse``, ``mse`` or ``cross_entropy`` of outputs ``a`` (the cost is their sum)."""
    if loss == "cross_entropy":
        a = np.clip(a, 1e-300, 1.0 - 1e-16)  # -(y log a + (1 - y) log(1 - a)), with 0 log 0 = 0
        with np.errstate(invalid="ignore"):
            terms = np.where(Y > 0, Y * np.log(a), 0.0) + np.where(Y < 1, (1.0 - Y) * np.log1p(-a), 0.0)
        return -terms / Y.size
    return (a - Y) ** 2 / (Y.size if loss == "mse" else 1)


def _fitted_cost(loss: str, Y: np.ndarray) -> float:
    """The largest cost at which every output could still be within the fit tolerance of its target: each
    entry's share is largest at one end of ``[y - e, y + e]`` (kept within [0, 1] for cross_entropy)."""
    e = FIT_TOLERANCE * _scale(Y)
    low, high = (np.clip(Y - e, 0, 1), np.clip(Y + e, 0, 1)) if loss == "cross_entropy" else (Y - e, Y + e)
    return float(np.sum(np.maximum(_cost_terms(loss, low, Y), _cost_terms(loss, high, Y))))


def _thinned(C: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Iterations, block minima and block maxima of ``C``, at most ``_HISTORY_POINTS`` blocks."""
    size = max(1, -(-len(C) // _HISTORY_POINTS))
    starts = np.arange(0, len(C), size)
    return starts, np.minimum.reduceat(C, starts), np.maximum.reduceat(C, starts)


def _flat_stretches(C: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """Stretches ``(a, b)`` of iterations where ``max C <= (1 + PLATEAU_BAND) min C`` and ``floor < min C <= C[0]``,
    cut greedily from the left, of at least ``PLATEAU_SHARE`` of the run and ``PLATEAU_MIN`` iterations."""
    at, low, high = _thinned(C)
    ends = np.append(at[1:] - 1, len(C) - 1)
    cuts, top, bottom = [0], high[0], low[0]
    for j in range(1, len(at)):
        top, bottom = max(top, high[j]), min(bottom, low[j])
        if not top <= (1.0 + PLATEAU_BAND) * bottom:
            cuts.append(j)
            top, bottom = high[j], low[j]
    shortest = max(PLATEAU_MIN, PLATEAU_SHARE * (len(C) - 1))
    out = []
    for i, j in zip(cuts, cuts[1:] + [len(at)]):
        a, b = int(at[i]), int(ends[j - 1])
        if b - a >= shortest and floor < low[i:j].min() <= C[0]:
            out.append((a, b))
    return out


def _between(low: float, high: float) -> str:
    """``between 0.4002 and 0.4007``, with as many digits (4 to 12) as tell the two apart; ``at 2`` when none do."""
    for digits in range(4, 13):
        shown = f"{low:.{digits}g}", f"{high:.{digits}g}"
        if shown[0] != shown[1]:
            return f"between {shown[0]} and {shown[1]}"
    return f"at {low:.4g}"


def _plateaus(c: _Context, saturated: list[Finding]) -> list[Finding]:
    run, C = c.run, c.run.loss_history
    if len(C) < 2:
        return []
    loss, Y = run.config.loss, run.targets
    best_constant = _column_means_cost(loss, Y)
    means = " and ".join(f"{m:.4g}" for m in Y.mean(axis=0))
    out = []
    for a, b in _flat_stretches(C, _fitted_cost(loss, Y)):
        low, high = float(C[a : b + 1].min()), float(C[a : b + 1].max())
        level = float(np.median(C[a : b + 1]))
        outputs = c.outputs(min(run.snapshot_index(b), c.last))
        spread = float(np.max(np.ptp(outputs, axis=0)))  # how much a^L varies with the input
        at_best_constant = abs(level - best_constant) <= CONSTANT_MATCH * best_constant
        evidence = {"cost_low": low, "cost_high": high, "best_constant_cost": best_constant,
                    "column_means": Y.mean(axis=0).tolist(), "output_spread": spread,
                    "at_best_constant": at_best_constant}  # fmt: skip
        if at_best_constant:
            what = (
                f"the cost of the best constant answer, {best_constant:.4g} (every output at its target column's "
                f"mean, {means}, whatever the input)"
            )
            if spread <= FIT_TOLERANCE * _scale(Y):
                what += f": a^{c.L} varies by at most {spread:.2g} from one observation to another"
        elif best_constant > 0:
            what = f"{level / best_constant:.3g} times the cost of the best constant answer ({best_constant:.4g})"
        else:
            what = "above 0, the cost of the best constant answer (every observation has the same targets)"
        after = "It is still there at the last iteration." if b == len(C) - 1 else "Then it falls."
        slow = [f for f in saturated if f.until >= a]
        if slow:
            after += (
                f" Saturated units in {layer_list(slow)} pass back small gradients meanwhile: slowness, not lack of "
                "capacity."
            )
        sentence = f"Plateau: from iteration {a:,} to {b:,} the cost stays {_between(low, high)}, {what}. "
        sentence += after
        out.append(Finding("plateau", None, a, b, evidence, sentence))
    return out


def layer_list(found: Sequence[Finding]) -> str:
    """``a^2`` or ``a^2, a^3 and a^4``: the layers of ``found``, in the learner's caret notation."""
    names = [f"a^{f.layer}" for f in found]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _fit_error(c: _Context, s: int) -> float:
    with np.errstate(invalid="ignore"):
        return float(np.max(np.abs(c.outputs(s) - c.run.targets)))


def _proof_bound(loss: str, Y: np.ndarray, limit: float) -> float | None:
    """A cost at or below which every output is within ``limit`` of its target (one squared error is at
    most their sum: ``sse <= limit^2``, ``mse <= limit^2 / entries``); None for cross_entropy."""
    return {"sse": limit**2, "mse": limit**2 / Y.size}.get(loss)


def _fitted(c: _Context) -> list[Finding]:
    run = c.run
    limit = FIT_TOLERANCE * _scale(run.targets)
    error = _fit_error(c, c.last)
    if not error <= limit:
        return []
    ruled_out = np.flatnonzero(run.loss_history > _fitted_cost(run.config.loss, run.targets))
    lo = run.snapshot_index(int(ruled_out[-1]) + 1) if len(ruled_out) else 0
    first = _first_true(lambda s: _fit_error(c, s) <= limit, min(lo, c.last), c.last)
    evidence = {"largest_error": error, "tolerance": limit, "final_cost": float(run.final_loss)}
    sentence = (
        f"Fitted by iteration {c.at(first):,}: every output is within {limit:g} of its target "
        f"(largest error at the end {error:.2g})"
    )
    bound = _proof_bound(run.config.loss, run.targets, limit)
    above = np.flatnonzero(~(run.loss_history <= bound)) if bound is not None else []
    if bound is not None and (not len(above) or above[-1] < len(run.loss_history) - 1):
        sure = int(above[-1]) + 1 if len(above) else 0
        evidence.update(cost_bound=bound, cost_below_bound_since=sure)
        sentence += f"; from iteration {sure:,} on, the cost itself ({run.config.loss} <= {bound:.3g}) guarantees it"
    return [Finding("fitted", None, c.at(first), run.iterations_run, evidence, sentence + ".")]


# --- accuracy ------------------------------------------------------------------------------------


def accuracy(run: Run) -> float | None:
    """The share of observations whose every final output ``a^L`` is on the right side of 0.5 (above it for a
    target 1, below it for a target 0), when every target is 0 or 1 (classes); otherwise None."""
    Y, A = run.targets, run.outputs
    if not np.all((Y == 0.0) | (Y == 1.0)):
        return None
    with np.errstate(invalid="ignore"):
        right = np.where(Y == 1.0, A > 0.5, A < 0.5)  # NaN and exactly 0.5 are on neither side
    return float(np.mean(np.all(right, axis=1)))


# --- all of them ---------------------------------------------------------------------------------


def findings(run: Run) -> list[Finding]:
    """Everything :mod:`mlp.findings` says about ``run``, in the order of ``CODES`` (then by layer)."""
    finite = (s for s in reversed(range(len(run.weights))) if all(np.isfinite(W).all() for W in run.weights[s]))
    c = _Context(run, next(finite, -1))
    out = _diverged(c)
    if c.last < 0:
        return out
    hidden = range(1, c.L)
    out += _blew_up(c)
    with np.errstate(all="ignore"):
        out += _step_too_large(c)
    out += [f for l in hidden for f in _clones(c, l)]
    out += [f for l in hidden for f in _near_clones(c, l)]
    with np.errstate(all="ignore"):
        out += [f for l in range(1, c.L + 1) for f in _dead(c, l)]
        saturated = [f for l in range(1, c.L + 1) for f in _saturated(c, l)]
        out += saturated + _plateaus(c, saturated)
    out += _fitted(c)
    return out


def moved_start(config: Config, shift: float = CHAOS_SHIFT) -> Config | None:
    """``config`` with every initial weight moved by ``shift`` of itself: ``init_scale`` (or ``noise`` when
    ``init_scale`` is 0) times ``1 - shift``, which keeps clones clones. None for a start of zeros."""
    if config.init_scale != 0:
        return config.replace(init_scale=config.init_scale * (1.0 - shift))
    if config.noise > 0:
        return config.replace(noise=config.noise * (1.0 - shift))
    return None


def chaotic(config: Config, run: Run | None = None, shift: float = CHAOS_SHIFT) -> Finding | None:
    """Train ``config`` again from a start moved by ``shift`` (1e-12) of every weight; a Finding when the two
    runs end far apart (final costs more than ``CHAOS_APART``, 1%, apart, or one diverged), else None.

    The start moves as :func:`moved_start` says; a start of zeros cannot be moved so: None. ``run``, when
    given, is ``train(config)`` already done.
    """
    moved = moved_start(config, shift)
    if moved is None:
        return None
    knob = "init_scale" if config.init_scale != 0 else "noise"
    first = run if run is not None else train(config)
    second = train(moved)
    a, b = first.final_loss, second.final_loss
    apart = first.status != second.status or not abs(a - b) <= CHAOS_APART * max(abs(a), abs(b))
    if not apart:
        return None
    A, B = first.loss_history, second.loss_history
    n = min(len(A), len(B))
    with np.errstate(invalid="ignore"):
        far = np.flatnonzero(~(np.abs(A[:n] - B[:n]) <= CHAOS_APART * np.maximum(np.abs(A[:n]), np.abs(B[:n]))))
    parted = int(far[0]) if len(far) else n
    evidence = {"cost": a, "cost_moved": b, "shift": shift, "parted_at": parted}
    end = f"diverges ({second.status})" if second.status != first.status else f"ends at cost {b:.4g}"
    sentence = (
        f"Chaotic: started with every weight moved by {shift:g} of itself ({knob} times 1 - {shift:g}), the same "
        f"training {end} instead of {a:.4g}; the two costs part at iteration {parted:,}. Differences the size of "
        "rounding grow to the first digit here, so another order of arithmetic (another BLAS library or "
        "machine) can end elsewhere too; a sweep's run and the run it opens use the same arithmetic."
    )
    return Finding("chaotic", None, parted, max(first.iterations_run, second.iterations_run), evidence, sentence)
