"""Smoke tests: the page's use of Streamlit, end to end, in a few seconds.

CI runs these (``pytest -m smoke``) in a second environment holding every dependency at the lowest
version pyproject.toml allows: they prove the declared floors. They touch each Streamlit feature the
page relies on: tabs bound to the link and opened lazily, widgets bound to the link, a select box
shown by labels, the data editor, file uploads, download buttons, and Altair charts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mlp import Config

pytestmark = pytest.mark.smoke

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")
TABS = ["Results", "Weights", "Neurons", "Symmetry", "Backprop maths", "Compare", "Lesson", "Sweep"]


def fresh(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def assert_fine(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_the_questions_run_on_every_tab():
    at = fresh()
    assert_fine(at)
    assert {m.label: m.value for m in at.metric}["Final output aᴸ₀ (obs. 0)"] == "0.5993"
    assert [t.label for t in at.tabs if t.label in TABS] == TABS  # the page's tabs (Results has two views)
    for label in TABS:
        at.session_state["tab"] = label
        at.run()
        assert_fine(at)
        assert next(t for t in at.tabs if t.label == label).children, label
    at.session_state["tab"] = "Results"
    at.run()
    assert len(at.get("vega_lite_chart")) >= 2  # Altair charts reach the page


def test_a_link_opens_its_tab_and_settings_and_refuses_a_bad_value():
    at = fresh({"data": "xor", "layers": "2,4,1", "init": "normal", "tab": "Weights", "lr": "abc"})
    assert not at.exception, [e.value for e in at.exception]
    assert (at.radio(key="data").value, at.text_input(key="layers").value) == ("xor", "2,4,1")
    assert at.radio(key="init").value == "normal" and at.number_input(key="lr").value == 0.5
    assert any("lr: 'abc' is not a number" in w.value.replace("\\", "") for w in at.warning)
    assert next(t for t in at.tabs if t.label == "Weights").children


def test_custom_data_from_a_csv_upload_and_the_editor():
    at = fresh()
    at.radio(key="data").set_value("custom").run()
    at.file_uploader(key="csv_upload").set_value(("d.csv", b"x1,x2,x3,y1\n0,0,1,0\n1,1,0,1\n", "text/csv")).run()
    assert_fine(at)
    assert at.text_input(key="layers").value == "3,3,3,1"
    at.session_state["table_editor"] = {"edited_rows": {0: {"y1": 0.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_fine(at)
    assert at.query_params["targets"] == "0.5;1.0"


def test_a_saved_run_uploads_on_compare():
    at = fresh()
    at.session_state["tab"] = "Compare"
    at.run()
    saved = json.dumps({"config": Config(lr=0.25).to_mapping(), "status": "finished"}).encode()
    at.file_uploader(key="run_upload").set_value(("run.json", saved, "application/json")).run()
    assert_fine(at)
    assert [s.value.split()[0] for s in at.success] == ["Kept."] and at.session_state["kept"][-1].config.lr == 0.25
