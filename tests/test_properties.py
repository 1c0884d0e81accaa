"""Every allowed link opens every tab: random configurations drawn over the whole allowed range (widths 1 to
256, depths up to the limit, every data set, activation, cost, optimizer and start, snapshots 2 to 1,000)
and the work budget's extreme shapes, each opened as a link, with every tab drawn and no exception, no
error but a diverged run's status, and no warning about the link.

Training is kept short (at most 30 iterations) where the point is the drawing: the drawing depends on the
network's shapes and on the snapshots kept, not on how long it trained. ``python -m benchmarks.budget``
prices the same tabs with every case trained to its budget.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from benchmarks.budget import CASES, longest
from mlp import ACTIVATIONS, DATASETS, INITIALIZERS, LOSSES, OPTIMIZERS, Config, ConfigError
from mlp.data import GENERATED
from mlp.fields import MAX_COLUMNS, MAX_DEPTH, MAX_ROWS, MAX_SCALE, MAX_WIDTH

pytestmark = pytest.mark.slow  # a minute or more: generated cases opening every tab

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")
TIMEOUT = 120  # a wide network's tabs take seconds to draw on a shared 2-core machine
TABS = ("Results", "Weights", "Neurons", "Symmetry", "Backprop maths", "Compare", "Lesson", "Sweep")
MAX_SHORT_ITERATIONS = 30
SIZES = {"seed": (2, 2), "xor": (2, 1), "and": (2, 1), "or": (2, 1)} | {name: (2, 1) for name in GENERATED}
assert set(SIZES) == set(DATASETS)  # a new data set needs its input and output sizes here


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def configs(draw) -> Config:
    """A configuration drawn over the allowed range; what Config refuses (budgets, mismatches) is rejected."""
    data = draw(st.sampled_from([*DATASETS, "custom"]))
    values: dict = {"data": data}
    loss = draw(st.sampled_from(list(LOSSES)))
    if data == "custom":
        rows, n_in, n_out = draw(st.integers(1, 40)), draw(st.integers(1, MAX_COLUMNS)), draw(st.integers(1, 4))
        low = 0.0 if loss == "cross_entropy" else -MAX_SCALE
        values["inputs"] = draw(
            st.lists(
                st.lists(finite(-MAX_SCALE, MAX_SCALE), min_size=n_in, max_size=n_in), min_size=rows, max_size=rows
            )
        )
        values["targets"] = draw(
            st.lists(
                st.lists(finite(low, 1.0 if low == 0 else MAX_SCALE), min_size=n_out, max_size=n_out),
                min_size=rows,
                max_size=rows,
            )
        )
    else:
        n_in, n_out = SIZES[data]
    if data in GENERATED:
        values["points"] = draw(st.one_of(st.integers(4, 300), st.integers(4, MAX_ROWS)))
        values["data_noise"] = draw(finite(0.0, 1.0))
        values["data_seed"] = draw(st.integers(0, 2**32 - 1))
    widths = st.one_of(st.integers(1, 8), st.integers(1, MAX_WIDTH))
    depth = draw(st.one_of(st.integers(0, 3), st.integers(0, MAX_DEPTH - 2)))
    hidden = draw(st.lists(widths, min_size=depth, max_size=depth))
    values["layers"] = [n_in, *hidden, n_out]
    values["activation"] = draw(st.sampled_from(list(ACTIVATIONS)))
    output = draw(st.sampled_from(list(ACTIVATIONS)))
    values["output_activation"] = "sigmoid" if loss == "cross_entropy" else output
    values["loss"] = loss
    values["init"] = draw(st.sampled_from(list(INITIALIZERS)))
    values["init_scale"] = draw(st.one_of(finite(-3.0, 3.0), finite(-MAX_SCALE, MAX_SCALE)))
    values["noise"] = draw(st.one_of(st.just(0.0), finite(0.0, 1.0), finite(0.0, MAX_SCALE)))
    values["seed"] = draw(st.integers(0, 2**32 - 1))
    values["optimizer"] = draw(st.sampled_from(list(OPTIMIZERS)))
    values["lr"] = draw(st.one_of(finite(1e-3, 2.0), finite(0.0, MAX_SCALE).filter(lambda lr: lr > 0)))
    values["iterations"] = draw(st.integers(0, MAX_SHORT_ITERATIONS))
    values["snapshots"] = draw(st.one_of(st.integers(2, 40), st.integers(2, 1000)))
    values["products"] = draw(st.sampled_from(["blas", "in_order"]))
    try:
        try:
            config = Config.from_mapping(values)
        except ConfigError as error:
            if error.field != "products":
                raise
            config = Config.from_mapping(values | {"products": "blas"})  # in_order refused: sums over 8 terms
    except ConfigError:
        reject()
    event(f"data {data}")
    event(f"products {config.products}")
    event("a hidden layer over 64 wide" if max(hidden, default=0) > 64 else "hidden layers up to 64 wide")
    event("10 or more hidden layers" if len(hidden) >= 10 else "fewer than 10 hidden layers")
    return config


def open_link(config: Config) -> AppTest:
    """A new session opening ``config``'s link (``?data=...&layers=...``, defaults left out)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    defaults = Config().to_query()
    for key, value in config.to_query().items():
        if key == "layers" or defaults.get(key) != value:
            at.query_params[key] = value
    return at.run()


def assert_tab_drawn(at: AppTest, tab: str) -> None:
    """No exception, no warning, and no error but the status of a run that diverged."""
    assert not at.exception, (tab, [e.value for e in at.exception])
    assert not at.warning, (tab, [w.value for w in at.warning])
    errors = [e.value for e in at.error]
    assert all(e.startswith("Training diverged at iteration") for e in errors), (tab, errors)
    shown = next(t for t in at.tabs if t.label == tab)
    assert len(shown.children) > 0, tab


def every_tab(config: Config) -> None:
    """Open ``config``'s link, keep its run (so the Compare tab compares two), then open every tab."""
    at = open_link(config)
    assert_tab_drawn(at, "Results")
    next(b for b in at.button if b.label == "Keep this run").click().run()
    for tab in TABS:
        at.session_state["tab"] = tab
        at.run()
        assert_tab_drawn(at, tab)
    assert at.text_input(key="layers").value == ",".join(map(str, config.layers))  # the link was honoured


@settings(
    max_examples=8,  # each opens every tab, about 5 s here; every run of the suite draws 8 new ones
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(config=configs())
def test_every_allowed_link_opens_every_tab(config):
    every_tab(config)


@pytest.mark.parametrize("name", list(CASES))
def test_the_budgets_extreme_shapes_open_every_tab(name):
    base = CASES[name]
    every_tab(base.replace(iterations=min(longest(base).iterations, base.snapshots - 1, MAX_SHORT_ITERATIONS)))


def test_the_widest_and_deepest_network_opens_every_tab():
    # 30 hidden layers of 256: 1.9 million weights, the most snapshots the budget allows
    every_tab(Config(layers=(2, *[MAX_WIDTH] * (MAX_DEPTH - 2), 2), init="normal", snapshots=5, iterations=4))


def test_a_custom_table_of_the_largest_allowed_size_opens_every_tab():
    rng = np.random.default_rng(0)  # 400 rows of 64 inputs: as large as a link carries (200,000 characters)
    X, Y = rng.normal(size=(400, MAX_COLUMNS)).round(2), rng.uniform(size=(400, 2)).round(2)
    every_tab(
        Config(
            data="custom",
            inputs=tuple(map(tuple, X)),
            targets=tuple(map(tuple, Y)),
            layers=(MAX_COLUMNS, 16, 2),
            init="he",
            iterations=10,
        )
    )
