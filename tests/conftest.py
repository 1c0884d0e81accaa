"""Make the repository's packages importable when pytest runs from a checkout; shared runs."""

import functools
import os
import sys
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import mlp  # noqa: E402  (after the path above)
from tests import harness  # noqa: E402

# Each new AppTest scans every installed distribution's metadata for Streamlit components: 0.2 s of CPU
# (206 distributions here), for every AppTest of the suite. Nothing is installed during a run.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


@pytest.fixture(scope="session")
def default_run() -> mlp.Run:
    """The question's run: every weight 1, lr 0.5, 1,000 iterations."""
    return mlp.train(mlp.Config())


@pytest.fixture(scope="session")
def normal_run() -> mlp.Run:
    """The same network from a normal start."""
    return mlp.train(mlp.Config(init="normal"))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Processes for ``-n auto``: one per core, and one more when the browser tests run. They wait on pages a
    good part of their time, which the extra process fills: on this 2-core machine the whole suite took 3:44,
    3:44, 3:46 and 4:08 with three processes, 4:06, 4:08, 4:11 and 4:12 with two (12% of the CPU idle). The
    inner loop (``-m "not browser and not slow"``) computes all the time: 45-51 s with two, 63 s with three."""
    cores = os.cpu_count() or 1
    return cores if "not browser" in (config.option.markexpr or "") else cores + 1


# The longest files first, so that the processes (pyproject.toml: -n auto, a file each) end together
# instead of one finishing a minute-long file alone at the end. Measured with --durations. xdist would
# otherwise hand out the files with the most tests first (--no-loadscope-reorder in pyproject.toml).
LONGEST_FIRST = ("test_properties.py", "test_scrub.py", "test_browser.py", "test_edges.py", "test_load.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file's own order is kept


@pytest.fixture(scope="module")
def server():
    """A dashboard server for the browser tests, one per test file (tests/harness.py)."""
    with harness.serve() as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium for the browser tests, one per test file."""
    with harness.browser() as chromium:
        yield chromium
