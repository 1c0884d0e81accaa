"""The page's lesson: the headline's experiments, the Lesson tab's set-up buttons, the update and the chaos check."""

from __future__ import annotations

import pytest
from test_dashboard import all_text, button, fresh, open_tab

import mlp
from lab import lesson
from lab.diagnosis import headline
from lab.text import notation
from ui.sidebar import WIDGETS, widget_value


def holds(at, config: mlp.Config) -> bool:
    """Whether every sidebar widget holds ``config``'s value (what the page trains next)."""
    return all(at.session_state[name] == widget_value(name, config) for name in WIDGETS)


@pytest.mark.parametrize(("label", "config"), lesson.EXPERIMENTS)
def test_the_headlines_experiments_set_up_their_runs(label, config):
    at = fresh()
    button(at, label).click().run()
    assert not at.exception
    assert at.session_state["tab"] == "Results"
    assert any(f"Set up: {label}" in s.value for s in at.success)
    assert holds(at, config)


@pytest.mark.slow
def test_each_lesson_step_sets_up_its_runs_and_opens_its_tab():
    at = fresh()
    for index, step in enumerate(lesson.STEPS):
        at = open_tab(at, "Lesson")
        at.selectbox(key="lesson_step").set_value(index).run()
        assert not at.exception, step.title
        label, config = step.runs[-1]
        button(at, label).click().run()
        assert not at.exception, step.title
        assert at.session_state["tab"] == step.tab, step.title
        assert holds(at, config), step.title


def test_the_lesson_step_outlives_a_visit_to_another_tab():
    at = open_tab(fresh(), "Lesson")
    button(at, "Next step").click().run()
    at = open_tab(open_tab(at, "Results"), "Lesson")
    assert at.selectbox(key="lesson_step").value == 1


def test_the_lesson_tab_shows_its_steps_text():
    at = open_tab(fresh(), "Lesson")
    assert "0.98069" in all_text(at)  # step 1: the question's a^3 at iteration 0
    button(at, "Next step").click().run()
    assert "computes only what a 2-1-1-2 network can" in all_text(at)


def test_the_maths_tab_shows_the_update_that_keeps_clones_equal():
    at = open_tab(fresh(), "Backprop maths")
    text = all_text(at)
    rule = r"new $W^l = W^l - \text{lr}\,\frac{\partial C}{\partial W^l}$ with lr = 0.5."
    assert f"Gradient descent at iteration 0: {rule}" in text
    assert "so their new columns are equal too" in text


def test_the_chaos_check_on_demand():
    at = open_tab(fresh(), "Symmetry")
    at.toggle(key="chaos").set_value(True).run()
    assert not at.exception
    assert any(s.value.startswith("Not chaotic: the moved start ends at cost") for s in at.success)


@pytest.mark.slow
@pytest.mark.parametrize("config", [lesson.QUESTION, lesson.LONGER, lesson.FAST_CLONES, lesson.XOR_CLONES])
def test_the_headline_and_the_symmetry_tab_say_the_runs_findings(config):
    at = fresh()
    for name in WIDGETS:
        at.session_state[name] = widget_value(name, config)
    at = open_tab(at.run(), "Symmetry")
    assert not at.exception
    run = mlp.train(config)
    found = mlp.findings(run)
    assert [i.value for i in at.info if i.value.startswith("**")] == [headline(run, found)]
    bullets = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert bullets == [f"- {notation(f.sentence)}" for f in found]


def test_notation_renders_whole_indices_as_maths():
    """A deep network's sentences name W^10 and a^21: the whole index goes into the maths, not its first digit."""
    said = notation("rows of W^10, a^21 and a^L_0, delta^12 of dC/dW^3")
    assert said == r"rows of $W^{10}$, $a^{21}$ and $a^{L}_{0}$, $\delta^{12}$ of $\partial C/\partial W^{3}$"
