"""The lesson: the question walked through in the learner's notation, each step one click to set up.

Every figure a step states is read off its runs and their findings (pure functions here; the page
trains and caches the runs), so the text cannot drift from what the lab computes. The steps:

1. your numbers at iteration 0;  2. the clones;  3. why they stay equal (equal gradients);
4. what does not separate them (more iterations, another learning rate, noise of 1e-9);
5. what does (a random start);  6. the plateau, and what shortens it (a start that does not saturate);
7. XOR, where clones never fit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from lab.diagnosis import acts_as
from mlp import Config, Finding, Run, activations

QUESTION = Config()
LONGER = Config(iterations=10_000)
FAST_CLONES = Config(init_scale=-1.0, iterations=3_000)  # clones that fit fast: every weight -1
XOR_CLONES = Config(data="xor", layers=(2, 4, 1), iterations=20_000)  # clones that can never fit
XOR_RANDOM = Config(data="xor", layers=(2, 4, 1), init="normal", iterations=20_000)

Runs = Mapping[Config, Run]
Found = Mapping[Config, list[Finding]]


@dataclass(frozen=True)
class Step:
    """One step: a title, the runs it speaks of (each a button: label and configuration), the tab that
    shows it best, and its text made from those runs and their findings."""

    title: str
    runs: tuple[tuple[str, Config], ...]
    tab: str
    text: Callable[[Runs, Found], str]


# Experiments that tell capacity from speed, one click each (the headline offers them too).
EXPERIMENTS = (("Clones that fit fast: every weight -1", FAST_CLONES), ("Clones that never fit: XOR", XOR_CLONES))


def _find(found: list[Finding], code: str, layer: int | None = None) -> Finding | None:
    return next((f for f in found if f.code == code and (layer is None or f.layer == layer)), None)


def _matrix(M: np.ndarray, digits: int = 5) -> str:
    """``M`` as a LaTeX matrix, ``digits`` significant digits (5: the question printed float32 values)."""
    rows = r" \\ ".join(" & ".join(f"{v:.{digits}g}" for v in row) for row in np.atleast_2d(M))
    return rf"\begin{{pmatrix}} {rows} \end{{pmatrix}}"


def _numbers(runs: Runs, found: Found) -> str:
    run = runs[QUESTION]
    a = activations(run.config.architecture, run.weights[0], run.inputs)
    return (
        "Every weight and bias starts at 1, as in the question. At iteration 0 the network computes your "
        f"numbers: $a^1 = {_matrix(a[1])}$, $a^3 = {_matrix(a[3])}$. Within each observation (a row) every "
        "hidden neuron has the same value: the columns of $a^1$ and $a^2$ are equal, because every neuron of a "
        "layer has the same incoming weights."
    )


def _clones(runs: Runs, found: Found) -> str:
    run, found = runs[QUESTION], found[QUESTION]
    layers = [f for f in found if f.code == "clones"]
    widths = ", ".join(f"hidden layer {f.layer}: {f.evidence['groups']} of {f.evidence['width']}" for f in layers)
    last = min(f.until for f in layers)
    return (
        f"The hidden neurons are clones at every kept iteration from 0 to {last:,} (distinct neurons, {widths}): "
        "they have equal incoming weights (columns of $W^{l-1}$) and equal outgoing weights (rows of $W^l$). "
        f"So this {'-'.join(map(str, run.config.layers))} network computes only what a "
        f"{'-'.join(map(str, acts_as(run, found)))} network can."
    )


def _why(runs: Runs, found: Found) -> str:
    run = runs[QUESTION]
    G = run.gradients[0][2]  # dC/dW^2 at iteration 0
    lr = run.config.lr
    return (
        "Equal neurons get equal gradients. At iteration 0, $\\partial C/\\partial W^2 = "
        f"{_matrix(G)}$: rows 1 to 3 (from $a^2_0$, $a^2_1$, $a^2_2$) are equal, as your table showed. The update "
        f"$W^l \\leftarrow W^l - {lr:g}\\,\\partial C/\\partial W^l$ subtracts equal columns from equal columns and "
        "equal rows from equal rows, so the clones are clones again after the step, and after every step."
    )


def _does_not(runs: Runs, found: Found) -> str:
    lines = []
    for label, config in STEPS_NOT:
        codes = {f.code for f in found[config]}
        distinct = " · ".join(f"{d}/{w}" for d, w in zip(runs[config].distinct_neurons[-1], config.layers[1:-1]))
        if "clones" in codes:
            said = f"still clones (distinct neurons {distinct})"
        elif "near_clones" in codes:
            near = _find(found[config], "near_clones")
            change = near.evidence["output_change"]
            merged = f"changes no output by more than {change:.1e}" if change else "changes no output at all"
            said = (
                f"nearly clones: different by at most {near.evidence['distance']:.0e} of their size, yet merging "
                f"them {merged}"
            )
        else:
            said = f"distinct neurons {distinct}"
        lines.append(f"- {label}: {said}.")
    return "Neither time, nor the step size, nor a tiny push separates them:\n" + "\n".join(lines)


def _does(runs: Runs, found: Found) -> str:
    config = STEPS_RANDOM
    fitted = _find(found[config], "fitted")
    clones = [f for f in found[config] if f.code in ("clones", "near_clones")]
    fit = f"fits its targets by iteration {fitted.since:,}" if fitted else "has not fitted its targets"
    return (
        "A random start (normal, standard deviation 1) makes every neuron different from iteration 0, and the "
        f"differences grow: {'no' if not clones else 'some'} clones, and the network {fit}. Only a difference "
        "present at the start can grow, since equal neurons get equal gradients."
    )


def _plateau(runs: Runs, found: Found) -> str:
    slow, fast = found[LONGER], found[FAST_CLONES]
    plateau, saturated = _find(slow, "plateau"), _find(slow, "saturated", 2)
    fitted_slow, fitted_fast = _find(slow, "fitted"), _find(fast, "fitted")
    low, high = round(100 * saturated.evidence["slope_min"]), round(100 * saturated.evidence["slope_max"])
    return (
        "The all-ones start is slow for another reason. It saturates the sigmoids: $a^2$ runs at "
        f"{low}-{high}% of the sigmoid's largest slope, so every gradient is small, and the cost sits on a plateau at "
        f"the targets' column means (the best constant answer) from iteration {plateau.since:,} to "
        f"{plateau.until:,}; the run fits by iteration {fitted_slow.since:,}. Clones that start at $-1$ do not "
        f"saturate: still clones, they fit by iteration {fitted_fast.since:,}. Slow was saturation, not symmetry."
    )


def _xor(runs: Runs, found: Found) -> str:
    clones, random = runs[XOR_CLONES], runs[XOR_RANDOM]
    fitted = _find(found[XOR_RANDOM], "fitted")
    fit = f"fits by iteration {fitted.since:,}" if fitted else f"ends at cost {random.final_loss:.4g}"
    return (
        "On your two observations one neuron per layer is enough, so clones still fit them. XOR needs two: a "
        f"2-4-1 network from every weight 1 is clones, one neuron in effect, and after {clones.iterations_run:,} "
        f"iterations its cost is {clones.final_loss:.4f} (sse), the best one hidden neuron can do is 0.667. From a "
        f"random start the same network {fit}. Symmetry takes away capacity for ever."
    )


STEPS_NOT = (
    ("10,000 iterations", LONGER),
    ("learning rate 2", Config(lr=2.0)),
    ("noise of std 1e-9 added to every weight", Config(noise=1e-9)),
)
STEPS_RANDOM = Config(init="normal", iterations=3_000)

STEPS = (
    Step("Your numbers at iteration 0", (("The question's network", QUESTION),), "Backprop maths", _numbers),
    Step("The clones", (("The question's network", QUESTION),), "Neurons", _clones),
    Step("Why they stay equal", (("The question's network", QUESTION),), "Backprop maths", _why),
    Step("What does not separate them", STEPS_NOT, "Symmetry", _does_not),
    Step("What does: a random start", (("A normal start", STEPS_RANDOM),), "Neurons", _does),
    Step(
        "The plateau is saturation, not symmetry",
        (("Every weight 1, 10,000 iterations", LONGER), EXPERIMENTS[0]),
        "Results",
        _plateau,
    ),
    Step("XOR, where clones never fit", (EXPERIMENTS[1], ("XOR from a normal start", XOR_RANDOM)), "Results", _xor),
)
