"""Benchmarks of the engine and the page; `python -m benchmarks.<name>` runs one."""

import argparse
import tracemalloc
from collections.abc import Callable

import mlp  # noqa: F401  (first: it keeps numpy's BLAS to one thread, as the app does)


def peak_mb(work: Callable[[], object]) -> float:
    """The peak memory ``work()`` allocates, in MB, traced by tracemalloc (numpy's buffers included).

    Tracing slows Python down: time a separate call.
    """
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def users_parser(doc: str) -> argparse.ArgumentParser:
    """The command line of a benchmark that drives a server with simulated users: ``--users`` and the rest."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="simultaneous users (default 10)")
    return parser
