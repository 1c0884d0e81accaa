"""The sidebar's recipes: a data set's settings in one click, and a new data set keeps the experiment."""

from __future__ import annotations

import pytest
from test_dashboard import all_text, button, fresh, metric
from test_recipes import LEAST_ACCURACY

import mlp
from lab.frames import unicode
from lab.text import plain
from ui.header import ACCURACY
from ui.sidebar import WIDGETS, widget_value

RECIPE = "Settings that learn this data set"


def test_a_new_data_set_keeps_the_experiments_settings():
    at = fresh()
    at.number_input(key="init_scale").set_value(0.5).run()  # every weight at 0.5: clones, on XOR too
    at.number_input(key="lr").set_value(2.0).run()
    at.radio(key="data").set_value("xor").run()
    assert not at.exception
    s = at.session_state
    assert (s["init"], s["init_scale"], s["lr"], s["activation"]) == ("constant", 0.5, 2.0, "sigmoid")
    assert s["layers"] == "2,3,3,1"  # the hidden sizes kept, framed by XOR's 2 inputs and 1 output
    assert at.query_params["data"] == "xor"  # linked by the page; bound widgets are linked by the browser


@pytest.mark.slow
def test_the_recipe_button_applies_the_data_sets_recipe():
    at = fresh()
    at.radio(key="data").set_value("circle").run()
    at.number_input(key="seed").set_value(3).run()
    button(at, RECIPE).click().run()
    assert not at.exception
    expected = mlp.recipe(mlp.Config(data="circle", layers=(2, 3, 3, 1), seed=3))
    assert all(at.session_state[name] == widget_value(name, expected) for name in WIDGETS)
    assert at.query_params["data"] == "circle"
    note = next(s.value for s in at.success if s.value.startswith("Settings that learn Circle"))
    assert "2-24-24-1, tanh then sigmoid, cross_entropy, xavier 1, adam at lr 0.02, 2,000 iterations" in note
    accuracy = mlp.accuracy(mlp.train(expected))
    assert accuracy >= 0.99


def test_the_question_has_a_recipe_too_and_custom_data_has_none():
    at = fresh()
    button(at, RECIPE).click().run()
    assert at.session_state["init"] == "normal" and at.session_state["iterations"] == 3000
    at.radio(key="data").set_value("custom").run()
    assert button(at, RECIPE).disabled


def test_the_page_says_why_sse_on_200_points_cannot_learn():
    at = fresh()
    at.radio(key="data").set_value("circle").run()
    at.text_input(key="layers").set_value("2,16,16,1").run()
    at.radio(key="init").set_value("xavier").run()
    assert not at.exception
    run = mlp.train(mlp.Config(data="circle", layers=(2, 16, 16, 1), init="xavier"))
    sentence = next(f.sentence for f in mlp.findings(run) if f.code == "step_too_large")
    # In the headline, with the learner's notation in Unicode: n¹, not n^1.
    assert "200" in sentence and "n^" in sentence and plain(unicode(sentence)) in all_text(at)


@pytest.mark.slow
@pytest.mark.parametrize(("data", "least"), LEAST_ACCURACY.items())
def test_each_data_sets_recipe_learns_it_on_the_page(data, least):
    at = fresh()
    at.radio(key="data").set_value(data).run()
    button(at, RECIPE).click().run()
    assert not at.exception
    shown = metric(at, ACCURACY)  # "100.0%": the share of points on the right side of 0.5
    assert float(shown.rstrip("%")) / 100 >= least, (data, shown)
