"""The work budget, measured: the largest run allowed for several shapes of network and data.

    python -m benchmarks.budget

For each case the longest allowed run (iterations at the budget) is trained twice: once for its
wall time, once for its peak traced memory (tracemalloc: numpy's buffers included). One link must not pin the
shared server, so every allowed run should stay under 10 s and 500 MB here.
"""

from __future__ import annotations

import time
import tracemalloc

from mlp import Config, ConfigError, train
from mlp.budget import WORK_BUDGET


def longest(config: Config) -> Config:
    """``config`` with the most iterations the budget allows (found by bisection)."""
    low, high = 0, 1_000_000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            config.replace(iterations=middle)
            low = middle
        except ConfigError:
            high = middle - 1
    return config.replace(iterations=low)


CASES = {
    "question's 2-3-3-2, 2 observations": Config(iterations=0),
    "2-3-3-2 adam, 2 observations": Config(optimizer="adam", iterations=0),
    "20 hidden layers of 8, xor": Config(data="xor", layers=(2, *[8] * 20, 1), init="xavier", iterations=0),
    "2-16-16-1 on a 1,000-point spiral": Config(
        data="spiral", points=1000, layers=(2, 16, 16, 1), init="he", iterations=0
    ),
    "2-1-1-1 on 10,000 points": Config(data="blobs", points=10_000, layers=(2, 1, 1, 1), init="he", iterations=0),
    "2-256-256-1 on a 2,000-point circle, 149 snapshots": Config(
        data="circle", points=2000, layers=(2, 256, 256, 1), init="xavier", snapshots=149, iterations=0
    ),
    "2-64x4-1 on 10,000 points, 700 snapshots": Config(
        data="blobs", points=10_000, layers=(2, 64, 64, 64, 64, 1), init="he", snapshots=700, iterations=0
    ),
}


def main() -> None:
    print(f"work budget {WORK_BUDGET:.2g} units; each case at its longest allowed run")
    worst_time = worst_memory = 0.0
    for name, base in CASES.items():
        config = longest(base)
        started = time.perf_counter()
        run = train(config)
        seconds = time.perf_counter() - started
        tracemalloc.start()  # a second run for memory: tracing slows Python down
        train(config)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        worst_time, worst_memory = max(worst_time, seconds), max(worst_memory, peak)
        print(f"  {name:45s} {config.iterations:>9,} iterations  {seconds:6.2f} s  {peak:7.1f} MB  ({run.status})")
    print(f"largest: {worst_time:.2f} s, {worst_memory:.1f} MB (limits: 10 s, 500 MB)")


if __name__ == "__main__":
    main()
