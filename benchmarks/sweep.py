"""A vectorised sweep against the same runs trained one after another, in one process.

    python -m benchmarks.sweep [--iterations 1000] [--repeats 3] [--calibrate]

256 runs of the question's network (2-3-3-2 sigmoid, sse, gd, its two observations): 4 inits x
4 learning rates x 16 seeds, trained as one sweep and as 256 calls of mlp.train (whose time
includes its snapshots and symmetry metrics). The two take turns and the best time of each is
printed with their ratio. Then the largest sweeps the work budget allows for three shapes: wall
time, and peak traced memory in a second run (tracemalloc slows Python down).

With --calibrate: the time per work unit (mlp.sweep.sweep_work) of sweeps of many shapes and
sizes, and of the symmetry metrics, which is how NEURON_COST, SWEEP_STEP_OVERHEAD and
SYMMETRY_COST were chosen: the units should cost about the same whatever the shape.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from benchmarks.engine import best_of, seconds
from mlp import Config, ConfigError, train
from mlp.budget import SYMMETRY_COST, WORK_BUDGET, _symmetry_pairs, sweep_work
from mlp.config import SweepSpec
from mlp.symmetry import symmetry_history
from mlp.training import sweep

INITS = (("constant", 1.0), ("normal", 0.5), ("uniform", 1.0), ("xavier", 1.0))
LRS = (0.1, 0.3, 0.5, 1.0)


def question_spec(iterations: int) -> SweepSpec:
    return SweepSpec(Config(iterations=iterations), inits=INITS, lrs=LRS, seeds=tuple(range(16)))


def sequential(spec: SweepSpec) -> list:
    return [train(config) for config in spec.configs()]


def largest(base: Config, runs: int) -> SweepSpec:
    """A sweep of ``runs`` seeds of ``base`` with the most iterations the budget allows (bisection)."""
    low, high = 0, 1_000_000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            SweepSpec(base.replace(iterations=middle), seeds=tuple(range(runs)))
            low = middle
        except ConfigError:
            high = middle - 1
    return SweepSpec(base.replace(iterations=low), seeds=tuple(range(runs)))


LARGEST = {
    "question's 2-3-3-2, 512 runs": (Config(init="normal", iterations=0), 512),
    "2-8-1 on xor, 512 runs": (Config(data="xor", layers=(2, 8, 1), init="normal", iterations=0), 512),
    "2-16-16-1 on a 200-point circle, 64 runs": (
        Config(data="circle", layers=(2, 16, 16, 1), init="he", iterations=0),
        64,
    ),
}


def compare(iterations: int, repeats: int) -> None:
    spec = question_spec(iterations)
    vectorised, one_by_one = best_of(repeats, lambda: sweep(spec), lambda: sequential(spec))
    result, runs = sweep(spec), sequential(spec)
    final = np.array([run.final_loss for run in runs])
    worst = np.max(np.abs(result.final_loss - final) / final)
    per_step = vectorised / (spec.n_runs * (iterations + 1)) * 1e6
    print(
        f"{spec.n_runs} runs of the question's network (4 inits x 4 lrs x 16 seeds, gd), "
        f"{iterations:,} iterations, best of {repeats}"
    )
    print(f"  256 x mlp.train  {one_by_one:7.3f} s")
    print(f"  one sweep        {vectorised:7.3f} s   {per_step:5.2f} us per run and iteration")
    print(f"  speed-up         {one_by_one / vectorised:7.1f} x   (final losses agree to {worst:.1e} relative)")


def largest_allowed() -> None:
    print(f"largest sweeps the budget allows ({WORK_BUDGET:.2g} units of work)")
    for name, (base, runs) in LARGEST.items():
        spec = largest(base, runs)
        took = seconds(lambda: sweep(spec))  # noqa: B023
        tracemalloc.start()
        sweep(spec)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {name}, {spec.base.iterations:,} iterations: {took:5.2f} s, peak traced memory {peak / 1e6:6.1f} MB")


CALIBRATION = [  # (network and data, numbers of runs); iterations are set by calibrate()
    ({}, (1, 16, 128, 512)),
    (dict(data="xor", layers=(2, 8, 1)), (16, 512)),
    (dict(data="circle", layers=(2, 1, 1, 1)), (16, 512)),
    (dict(data="circle", layers=(2, 8, 8, 1)), (1, 16, 128)),
    (dict(data="circle", layers=(2, 32, 32, 1)), (4, 64)),
    (dict(data="circle", layers=(2, 64, 64, 1)), (4, 16)),
    (dict(data="spiral", points=1000, layers=(2, 16, 16, 16, 1)), (16,)),
    (dict(data="xor", layers=(2, *[8] * 12, 1)), (16, 256)),
]


def calibrate() -> None:
    """Time per work unit of the training steps (two sweep lengths apart) and of the symmetry metrics."""
    print("training steps: ns per unit of sweep_work (best of 3)")
    costs = []
    for settings, sizes in CALIBRATION:
        base = Config(**settings, init="normal", iterations=0)
        for runs in sizes:

            def timed(iterations: int) -> float:
                spec = SweepSpec(base.replace(iterations=iterations), seeds=tuple(range(runs)))  # noqa: B023
                return min(seconds(lambda: sweep(spec)) for _ in range(3))  # noqa: B023

            fixed = sweep_work(base.replace(iterations=0), runs)
            units = sweep_work(base.replace(iterations=1), runs) - fixed
            most = int((WORK_BUDGET - fixed) // units) - 1
            start = timed(0)
            n = min(most, max(10, int(0.5 / max((timed(10) - start) / 10, 1e-6))))  # about 0.5 s of steps
            step = (timed(n) - start) / n
            costs.append(step / units * 1e9)
            print(
                f"  {'-'.join(map(str, base.layers)):>14} on {base.dataset.X.shape[0]:>4} observations, "
                f"{runs:>3} runs: {step * 1e6:8.0f} us a step, {costs[-1]:5.2f} ns a unit"
            )
    print(f"  min {min(costs):.2f}, median {np.median(costs):.2f}, max {max(costs):.2f} ns a unit")
    print(f"symmetry metrics: ns per unit (SYMMETRY_COST = {SYMMETRY_COST} units per neuron pair and entry)")
    rng = np.random.default_rng(0)
    for layers, runs in [((2, 3, 3, 2), 512), ((2, 32, 32, 1), 512), ((2, 128, 128, 1), 32), ((2, 256, 256, 1), 8)]:
        weights = [[rng.normal(size=(1 + a, b)) for a, b in zip(layers, layers[1:])] for _ in range(runs)]
        took = min(seconds(lambda: symmetry_history(weights)) for _ in range(3))  # noqa: B023
        units = runs * SYMMETRY_COST * _symmetry_pairs(layers)
        print(f"  {'-'.join(map(str, layers)):>16}, {runs:>3} runs: {took:6.3f} s, {took / units * 1e9:5.2f} ns a unit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--calibrate", action="store_true", help="measure the cost model of the work budget")
    args = parser.parse_args()
    if args.calibrate:
        calibrate()
        return
    compare(args.iterations, args.repeats)
    largest_allowed()


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s in all)")
