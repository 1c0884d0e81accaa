"""Plain-language sentences about a Run: how training ended and whether its hidden layers are symmetric."""

from __future__ import annotations

import numpy as np

from mlp import Run
from mlp.symmetry import TOLERANCE

WHY = "neurons that start equal get equal gradients"
CONSTANT_START = (
    f"Every weight started at the same value, so {WHY} and stay equal for ever. "
    "A random initialization (uniform, normal, xavier, he) or noise > 0 breaks the symmetry."
)


def _neurons(n: int) -> str:
    """``one neuron`` or ``3 neurons``."""
    return "one neuron" if n == 1 else f"{n} neurons"


def _diverged(run: Run) -> str:
    """The sentence that says where a diverged run stopped."""
    return (
        f"Training diverged at iteration {run.diverged_at:,} (the cost became infinite or NaN); the figures stop there."
    )


def status_sentence(run: Run) -> str:
    """One sentence: iterations done and final cost, or where training diverged."""
    if run.status == "diverged":
        return _diverged(run)
    return f"Finished {run.iterations_run:,} iterations; final cost {run.final_loss:.4g} ({run.config.loss})."


def _finite_snapshots(run: Run) -> np.ndarray:
    """Indexes of the snapshots whose weights are all finite (a diverged run's last one may not be)."""
    return np.flatnonzero([all(np.isfinite(W).all() for W in weights) for weights in run.weights])


def _layer_sentence(run: Run, l: int, kept: np.ndarray) -> str:
    """What the distinct counts and gaps of hidden layer ``l`` (from 1) say, over the snapshots ``kept``."""
    width = run.config.layers[l]
    distinct, gap = run.distinct_neurons[kept, l - 1], run.symmetry_gap[kept, l - 1]
    at = run.snapshot_iterations[kept]
    final = int(distinct[-1])
    if width == 1:
        return f"Hidden layer {l} has a single neuron: there is no pair of neurons to be symmetric."
    if np.all(distinct == 1):
        how = "gap exactly 0" if np.all(gap == 0) else f"gap at most {np.max(gap):.1e}"
        return (
            f"Hidden layer {l}: all {width} neurons are clones at every iteration ({how}): "
            "the layer acts as one neuron."
        )
    if final < width:
        text = (
            f"Hidden layer {l} is symmetric: its {width} neurons are only {final} distinct ones at iteration "
            f"{at[-1]:,} (the rest are clones), so the layer acts as {_neurons(final)}."
        )
    else:
        text = f"Hidden layer {l} is not symmetric: its {width} neurons are all different at iteration {at[-1]:,}."
    if distinct[0] != final:
        change = "The symmetry broke during training" if distinct[0] < final else "Neurons became equal during training"
        first = at[np.argmax(distinct == final)]
        text += f" {change}: {distinct[0]} distinct at iteration 0, {final} first at iteration {first:,}."
    return text


def _cause(run: Run) -> str:
    """What made the hidden neurons equal or different, from the configuration and the first snapshot."""
    c = run.config
    if c.init == "constant" and c.noise == 0:
        return CONSTANT_START
    start = "The random start" if c.init != "constant" else f"The noise (std {c.noise:g}) added to the start"
    if np.all(run.distinct_neurons[0] == np.array(c.layers[1:-1])):
        return f"{start} made the neurons different from iteration 0. Without it, {WHY} and stay equal for ever."
    return (
        f"{start} was too small to tell every neuron apart at iteration 0 (some differ by less than "
        f"{TOLERANCE:g} of the layer's scale). "
        f"Since {WHY}, only a difference present at the start can grow."
    )


def diagnose(run: Run) -> list[str]:
    """Short sentences: divergence first, then each hidden layer's symmetry, then what caused it."""
    sentences = [_diverged(run)] if run.status == "diverged" else []
    hidden = len(run.config.layers) - 2
    if hidden == 0:
        return sentences + ["This network has no hidden layer, so there are no hidden neurons that could be symmetric."]
    kept = _finite_snapshots(run)
    if len(kept) == 0:
        return sentences
    return sentences + [_layer_sentence(run, l, kept) for l in range(1, hidden + 1)] + [_cause(run)]


def headline(run: Run) -> str | None:
    """The lesson in one sentence when a hidden layer is symmetric at the end: what the network acts as."""
    widths = run.config.layers[1:-1]
    kept = _finite_snapshots(run)
    if not widths or len(kept) == 0:
        return None
    distinct = tuple(int(d) for d in run.distinct_neurons[kept[-1]])
    if distinct == tuple(widths):
        return None
    size = "-".join(map(str, run.config.layers))
    acts = "-".join(map(str, (run.config.layers[0], *distinct, run.config.layers[-1])))
    return (
        f"The hidden neurons are clones: this {size} network computes only what a {acts} network can, because "
        f"{WHY}. A random initialization or noise > 0 in the sidebar breaks the symmetry."
    )
