"""Engine speed against the loop a learner writes, in one process.

    python -m benchmarks.engine [--iterations 10000] [--repeats 7]

Both train the question's 2-3-3-2 sigmoid network (every weight 1, lr 0.5, sse) on its two
observations. The learner's loop prepends a column of ones with np.hstack, multiplies, applies
1 / (1 + exp(-n)) layer by layer and steps every matrix; the engine's figure includes its loss
history, snapshots and symmetry metrics. Prints the best time of each and their ratio, then the
engine's peak memory at 10,000 and 100,000 iterations and for the longest run the work budget
allows: it grows by the loss history alone.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks import peak_mb
from benchmarks.budget import longest
from mlp import Config, ConfigError, train


def learner_loop(X: np.ndarray, Y: np.ndarray, weights: list[np.ndarray], lr: float, iterations: int) -> np.ndarray:
    """The straightforward loop: what the question describes, step by step."""
    W = [w.copy() for w in weights]
    ones = np.ones((X.shape[0], 1))
    for _ in range(iterations):
        inputs, a = [], X
        for w in W:
            x = np.hstack([ones, a])
            inputs.append(x)
            a = 1 / (1 + np.exp(-(x @ w)))
        outs = [x[:, 1:] for x in inputs[1:]] + [a]
        dC_da = 2 * (a - Y)
        for l in range(len(W) - 1, -1, -1):
            delta = dC_da * (outs[l] * (1 - outs[l]))
            grad = inputs[l].T @ delta
            dC_da = delta @ W[l][1:].T
            W[l] = W[l] - lr * grad
    return a


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(repeats: int, *fns) -> list[float]:
    """The best time of each function, the functions taking turns so both see the same machine."""
    times = [[seconds(fn) for fn in fns] for _ in range(repeats)]
    return [min(column) for column in zip(*times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    config = Config(iterations=args.iterations)
    data = config.dataset
    weights = [np.ones((1 + a, b)) for a, b in zip(config.layers, config.layers[1:])]
    learner, engine = best_of(
        args.repeats, lambda: learner_loop(data.X, data.Y, weights, config.lr, args.iterations), lambda: train(config)
    )
    same = np.allclose(
        learner_loop(data.X, data.Y, weights, config.lr, 100), train(config.replace(iterations=100)).outputs
    )
    print(f"question's network, {args.iterations:,} iterations, best of {args.repeats}")
    print(f"  learner's loop   {learner:7.3f} s   {learner / args.iterations * 1e6:6.1f} us/iteration")
    print(f"  engine           {engine:7.3f} s   {engine / args.iterations * 1e6:6.1f} us/iteration")
    print(f"  speed-up         {learner / engine:7.2f} x   (same outputs after 100 iterations: {same})")

    try:
        Config(iterations=1_000_000)
    except ConfigError as error:
        print(f"1,000,000 iterations: refused: {error}")
    for iterations in (10_000, 100_000, longest(Config(iterations=0)).iterations):
        took = seconds(lambda: train(config.replace(iterations=iterations)))  # noqa: B023
        peak = peak_mb(lambda: train(config.replace(iterations=iterations)))  # noqa: B023
        print(
            f"{iterations:>9,} iterations: {took:5.2f} s, peak memory {peak:5.2f} MB, "
            f"of which loss history {8 * (iterations + 1) / 1e6:5.2f} MB"
        )


if __name__ == "__main__":
    main()
