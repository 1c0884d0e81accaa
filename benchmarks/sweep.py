"""A vectorised sweep against the same runs trained one after another, in one process.

    python -m benchmarks.sweep [--iterations 1000] [--repeats 3] [--calibrate]

256 runs of the question's network (2-3-3-2 sigmoid, sse, gd, its two observations): 4 inits x
4 learning rates x 16 seeds, trained as one sweep and as 256 calls of mlp.train (whose time
includes its snapshots and symmetry metrics). The two take turns and the best time of each is
printed with their ratio. The sweep sums its products in order (mlp/network.py) and the runs one by
one are trained as a run is by default, with BLAS: the fastest way to train one run. How far their
final costs are apart is printed, and that 16 of the sweep's runs trained alone with the sweep's
products (as "Open" trains them) end on the very same costs. Then the largest sweeps the work
budget allows for three shapes: wall time, and peak traced memory in a second run (tracemalloc
slows Python down).

The budget's cost model itself is checked by `python -m benchmarks.costs`.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks import peak_mb
from benchmarks.engine import best_of, seconds
from mlp import Config, ConfigError, train
from mlp.budget import WORK_BUDGET
from mlp.config import SweepSpec
from mlp.training import sweep

INITS = (("constant", 1.0), ("normal", 0.5), ("uniform", 1.0), ("xavier", 1.0))
LRS = (0.1, 0.3, 0.5, 1.0)


def question_spec(iterations: int) -> SweepSpec:
    return SweepSpec(Config(iterations=iterations), inits=INITS, lrs=LRS, seeds=tuple(range(16)))


def sequential(spec: SweepSpec, products: str = "blas") -> list:
    return [train(config.replace(products=products)) for config in spec.configs()]


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
    opened = [train(config) for config in spec.configs()[::16]]
    same = sum(run.final_loss == cost for run, cost in zip(opened, result.final_loss[::16]))
    per_step = vectorised / (spec.n_runs * (iterations + 1)) * 1e6
    print(
        f"{spec.n_runs} runs of the question's network (4 inits x 4 lrs x 16 seeds, gd), "
        f"{iterations:,} iterations, best of {repeats}"
    )
    print(f"  256 x mlp.train  {one_by_one:7.3f} s   (products by BLAS)")
    products = spec.base.products
    print(f"  one sweep        {vectorised:7.3f} s   {per_step:5.2f} us per run and iteration (products {products})")
    print(f"  speed-up         {one_by_one / vectorised:7.1f} x   (final costs agree to {worst:.1e} relative)")
    print(f"  {same} of {len(opened)} runs trained alone with the sweep's products end on the sweep's cost exactly")


def largest_allowed() -> None:
    print(f"largest sweeps the budget allows ({WORK_BUDGET / 1e9:.0f} s of priced work)")
    for name, (base, runs) in LARGEST.items():
        spec = largest(base, runs)
        took = seconds(lambda: sweep(spec))  # noqa: B023
        peak = peak_mb(lambda: sweep(spec))  # noqa: B023
        print(f"  {name}, {spec.base.iterations:,} iterations: {took:5.2f} s, peak traced memory {peak:6.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    compare(args.iterations, args.repeats)
    largest_allowed()


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s in all)")
