"""Make the repository's packages importable when pytest runs from a checkout; shared runs."""

import sys
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import mlp  # noqa: E402  (after the path above)


@pytest.fixture(scope="session")
def default_run() -> mlp.Run:
    """The question's run: every weight 1, lr 0.5, 1,000 iterations."""
    return mlp.train(mlp.Config())


@pytest.fixture(scope="session")
def normal_run() -> mlp.Run:
    """The same network from a normal start."""
    return mlp.train(mlp.Config(init="normal"))
