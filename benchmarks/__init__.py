"""Benchmarks of the engine and the page; `python -m benchmarks.<name>` runs one."""

import mlp  # noqa: F401  (first: it keeps numpy's BLAS to one thread, as the app does)
