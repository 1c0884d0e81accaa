"""The work budget's cost model against the CPU time it prices, for runs and sweeps of many shapes.

    python -m benchmarks.costs [--seconds 0.3]

For each case: a run or a sweep of about ``--seconds`` of CPU, its predicted ns (mlp.budget.work)
and its measured CPU time (time.process_time: every thread of the process). The ratio measured /
predicted should stay at or below 1 whatever the shape (the model overprices rather than lets a
link pin the server); the symmetry metrics are checked the same way.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mlp import Config, SweepSpec, budget, sweep, train
from mlp.symmetry import symmetry_history

CASES = [  # (network and data, numbers of runs: 1 is a run, more a sweep; a sweep of a small network sums in order)
    ({}, (1, 16, 128, 512)),
    (dict(products="in_order"), (1,)),
    (dict(data="xor", layers=(2, 4, 1), activation="tanh", optimizer="adam", products="in_order"), (1,)),
    (dict(layers=(2, 7, 7, 2), loss="cross_entropy", products="in_order"), (1,)),
    (dict(optimizer="adam"), (1, 16, 512)),
    (dict(loss="cross_entropy"), (1, 16, 512)),
    (dict(data="xor", layers=(2, 4, 1), activation="tanh", loss="cross_entropy", optimizer="adam"), (1, 16, 512)),
    (dict(data="xor", layers=(2, 8, 1)), (1, 16, 512)),
    (dict(data="circle", layers=(2, 1, 1, 1)), (1, 16, 512)),
    (dict(data="circle", layers=(2, 8, 8, 1)), (1, 16, 128)),
    (dict(data="circle", layers=(2, 32, 32, 1)), (1, 4, 64)),
    (dict(data="circle", points=2000, layers=(2, 64, 64, 1)), (1, 4)),
    (dict(data="circle", points=2000, layers=(2, 256, 256, 1)), (1,)),
    (dict(data="spiral", points=1000, layers=(2, 16, 16, 16, 1), activation="tanh"), (1, 16)),
    (dict(data="xor", layers=(2, *[8] * 20, 1), activation="relu"), (1, 16, 256)),
    (dict(data="blobs", points=10_000, layers=(2, 1, 1, 1)), (1,)),
]


def cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def measure(base: Config, runs: int) -> tuple[float, float, str]:
    """(predicted, measured) seconds for ``runs`` runs of ``base`` with about the wanted iterations, and
    how they summed their products."""
    if runs == 1:
        return budget.work(base) / 1e9, min(cpu(lambda: train(base)) for _ in range(2)), base.products
    spec = SweepSpec(base, seeds=tuple(range(runs)))
    return budget.work(spec.base, runs) / 1e9, min(cpu(lambda: sweep(spec)) for _ in range(2)), spec.base.products


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="about how long each case trains")
    args = parser.parse_args()
    print(f"{'case':>72} {'runs':>5} {'iterations':>10} {'predicted':>10} {'measured':>9} {'ratio':>6}")
    ratios = []
    for settings, sizes in CASES:
        for runs in sizes:
            base = Config(**settings, init="normal", snapshots=20, iterations=0)
            step = budget.step_work(base.layers, base.dataset.X.shape[0], runs)
            iterations = max(1, min(budget.most_iterations(base, runs), int(args.seconds * 1e9 / step)))
            predicted, measured, products = measure(base.replace(iterations=iterations), runs)
            ratios.append(measured / predicted)
            how = f"{base.activation}, {base.loss}, {base.optimizer}, {products}"
            name = f"{'-'.join(map(str, base.layers))[:24]} on {base.dataset.X.shape[0]:,} obs ({how})"
            print(f"{name:>72} {runs:>5} {iterations:>10,} {predicted:>9.3f}s {measured:>8.3f}s {ratios[-1]:>6.2f}")
    spread = f"min {min(ratios):.2f}, median {np.median(ratios):.2f}, max {max(ratios):.2f}"
    print(f"training: measured / predicted {spread}")
    rng = np.random.default_rng(0)
    print("symmetry metrics of one set of weights:")
    for layers, sets in [((2, 3, 3, 2), 512), ((2, 32, 32, 1), 256), ((2, 128, 128, 1), 16), ((2, 256, 256, 1), 8)]:
        weights = [[rng.normal(size=(1 + a, b)) for a, b in zip(layers, layers[1:])] for _ in range(sets)]
        measured = min(cpu(lambda: symmetry_history(weights)) for _ in range(2))  # noqa: B023
        predicted = sets * budget.metrics_work(layers) / 1e9
        print(
            f"  {'-'.join(map(str, layers)):>16} x {sets:>3}: predicted {predicted:7.3f}s measured {measured:7.3f}s "
            f"ratio {measured / predicted:5.2f}"
        )


if __name__ == "__main__":
    main()
