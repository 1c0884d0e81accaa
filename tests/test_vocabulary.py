"""One vocabulary: every face of a setting (flag, link, widget, schema) is made from mlp.fields.FIELDS.

Adding a setting or a data set is one entry; these tests add one and look for it on every face.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import mlp
from mlp import Config
from mlp.cli import main
from mlp.config import most_iterations
from mlp.data import MAX_FILE_BYTES, Source, blobs
from mlp.fields import FIELDS, Choice

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")
TIMEOUT = 60
SIDEBAR = [name for name, field in FIELDS.items() if field.kind.widget != "table"]


def fresh(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sentence(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] + "."


@pytest.fixture(scope="module")
def page() -> AppTest:
    """The page on a generated data set, so that every widget is drawn."""
    return fresh({"data": "circle"})


def widget(at: AppTest, name: str):
    kind = {"choice": at.radio, "number": at.number_input, "text": at.text_input}[FIELDS[name].kind.widget]
    return kind(key=name)


@pytest.mark.parametrize("name", SIDEBAR)
def test_every_widget_is_made_from_its_entry(page, name):
    field, shown = FIELDS[name], widget(page, name)
    assert shown.help == sentence(field.help)
    label = mlp.INITIALIZERS[page.session_state["init"]].scale if name == "init_scale" else field.label
    assert shown.label == label
    if field.kind.widget == "number":
        high = most_iterations(Config.from_mapping({"data": "circle"})) if name == "iterations" else field.kind.high
        assert (shown.min, shown.max) == (field.kind.low, high)
        assert shown.step == (field.step or (1 if isinstance(field.kind.low, int) else 0.01))
    if isinstance(field.kind, Choice):
        assert shown.options == [field.kind.label(option) for option in field.kind.options()]
        assert shown.value == ("circle" if name == "data" else field.default)


def test_data_box_shows_names_and_the_link_keeps_codes():
    at = fresh()
    assert at.radio(key="data").options[:2] == ["The question's 2 observations", "XOR (4 points)"]
    at.radio(key="data").set_value("xor").run()
    assert at.radio(key="data").value == "xor" and at.query_params["data"] == "xor"
    assert at.text_input(key="layers").value == "2,3,3,1"
    at.radio(key="data").set_value("seed").run()
    assert "data" not in at.query_params  # the default is left out of the link, like a bound widget's
    linked = fresh({"data": "circle", "points": "50"})
    assert linked.radio(key="data").value == "circle" and linked.number_input(key="points").value == 50


def test_init_scale_label_follows_the_method(page):
    page.radio(key="init").set_value("normal").run()
    assert page.number_input(key="init_scale").label == "Standard deviation"
    page.radio(key="init").set_value("constant").run()
    assert page.number_input(key="init_scale").label == "Value of every weight"


def test_seed_words_do_not_clash():
    labels = {name: FIELDS[name].label for name in SIDEBAR}
    seeds = [label for label in labels.values() if "seed" in label.lower()]
    assert sorted(seeds) == ["Seed of the points", "Seed of the start"]
    assert not any("seed" in source.label.lower() for source in mlp.DATASETS.values())


def test_noise_help_says_what_noise_does():
    noise = FIELDS["noise"].help
    assert "Gaussian noise" in noise and "every initial weight" in noise
    for false in ("symmetry", "different", "break"):
        assert false not in noise.lower()


def test_a_new_data_set_is_one_entry(monkeypatch, capsys):
    monkeypatch.setitem(mlp.DATASETS, "moons", Source("Two moons (generated)", blobs, generated=True))
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "moons = Two moons (generated)" in " ".join(capsys.readouterr().out.split())
    assert "moons" in Config.json_schema()["properties"]["data"]["enum"]
    assert Config.from_mapping({"data": "moons", "points": 30}).dataset.X.shape == (30, 2)
    at = fresh()
    assert "Two moons (generated)" in at.radio(key="data").options
    at.radio(key="data").set_value("moons").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.query_params["data"] == "moons" and at.number_input(key="points").value == 200
    moons = fresh({"data": "moons"})  # and a link to it
    assert not moons.warning and moons.radio(key="data").value == "moons"


def test_the_upload_limit_is_one_number():
    config_toml = (ROOT / ".streamlit" / "config.toml").read_text()
    assert f"maxUploadSize = {MAX_FILE_BYTES // 1_000_000}" in config_toml  # Streamlit's own ceiling, in MB


@pytest.mark.slow
def test_a_link_without_iterations_to_a_large_network_opens_at_its_limit():
    """The widget's default is min(1,000, the budget's most); a link that leaves iterations out means that."""
    params = {"data": "circle", "points": "2000", "layers": "2,64,64,1"}
    most = most_iterations(Config.from_mapping(params | {"iterations": 0}))
    assert most < 1000
    at = fresh(params)
    assert not at.warning and not at.error, [w.value for w in [*at.warning, *at.error]]
    assert at.number_input(key="iterations").value == most and "iterations" not in at.query_params
