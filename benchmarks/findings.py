"""What the symmetry metrics and the findings cost, in one process.

    python -m benchmarks.findings [--repeats 3]

1. Symmetry metrics (mlp.symmetry.symmetry_history) on stacks of snapshots of several shapes, with
   random weights, a constant start (every neuron equal) and near clones (every neuron within 1e-9):
   seconds and ns per unit of mlp.metrics_work (units per snapshot, times the snapshots); then the
   peak memory traced on the widest case.
2. The run that cost 38-46 s of CPU in these metrics before: layers 2,256,256,2, 149 snapshots, 148
   iterations, every weight 1: CPU seconds of train(), which includes its metrics.
3. findings(run) on the question's run and on the largest shapes the work budget allows, against the
   run's own training time.

Timings are the best of ``--repeats``; the machine is shared, so compare figures of one process.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks import peak_mb
from benchmarks.engine import seconds
from mlp import Config, findings, metrics_work, train
from mlp.symmetry import symmetry_history

SHAPES = [((2, 3, 3, 2), 1000), ((2, *[8] * 20, 1), 1000), ((2, 64, 64, 1), 200), ((2, 256, 256, 2), 149)]
RUNS = {
    "question, 1,000 iterations": Config(),
    "question, 10,000 iterations": Config(iterations=10_000),
    "2-256-256-1 on 2,000 circle points, 4 iterations": Config(
        data="circle", points=2000, layers=(2, 256, 256, 1), init="normal", snapshots=149, iterations=4
    ),
    "xor, 20 hidden layers of 8, 14,703 iterations": Config(
        data="xor", layers=(2, *[8] * 20, 1), init="normal", iterations=14_703
    ),
    "xor, 20 hidden layers of 8, constant": Config(data="xor", layers=(2, *[8] * 20, 1), iterations=14_703),
}


def snapshots(layers: tuple[int, ...], count: int, kind: str, rng: np.random.Generator) -> list[list[np.ndarray]]:
    shapes = [(1 + a, b) for a, b in zip(layers, layers[1:])]
    if kind == "random":
        return [[rng.normal(size=s) for s in shapes] for _ in range(count)]
    if kind == "constant":
        return [[np.full(s, 1.0 + k / count) for s in shapes] for k in range(count)]
    return [[1.0 + 1e-9 * rng.normal(size=s) for s in shapes] for _ in range(count)]  # near clones


def metrics(repeats: int) -> None:
    print("symmetry metrics: seconds and ns per unit of metrics_work")
    rng = np.random.default_rng(0)
    for layers, count in SHAPES:
        units = count * metrics_work(layers)
        for kind in ("random", "constant", "near"):
            stack = snapshots(layers, count, kind, rng)
            took = min(seconds(lambda: symmetry_history(stack)) for _ in range(repeats))  # noqa: B023
            name = "-".join(map(str, layers)) if len(layers) < 6 else f"2-(8 x {len(layers) - 2})-1"
            print(f"  {name:>14} x {count:>4} snapshots, {kind:>8}: {took:7.3f} s, {took / units * 1e9:6.2f} ns a unit")
    stack = snapshots((2, 256, 256, 2), 149, "near", rng)
    peak = peak_mb(lambda: symmetry_history(stack))
    print(f"  peak memory traced, 2-256-256-2 x 149 near clones: {peak:.0f} MB")


def wide_constant_run() -> None:
    config = Config(layers=(2, 256, 256, 2), snapshots=149, iterations=148)
    started = time.process_time()
    train(config)
    took = time.process_time() - started
    print(f"train(2-256-256-2, 149 snapshots, 148 iterations, every weight 1): {took:.2f} s CPU")


def findings_cost(repeats: int) -> None:
    print("findings(run) against train(config)")
    for name, config in RUNS.items():
        run = train(config)
        took = min(seconds(lambda: findings(run)) for _ in range(repeats))  # noqa: B023
        codes = ", ".join(f.code for f in findings(run))
        print(f"  {name}: findings {took * 1e3:.1f} ms, training {run.seconds * 1e3:.0f} ms ({codes})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    metrics(args.repeats)
    wide_constant_run()
    findings_cost(args.repeats)


if __name__ == "__main__":
    main()
