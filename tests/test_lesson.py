"""The lesson: every figure a step states comes from its runs; each step's runs show what it says."""

import numpy as np
import pytest

import mlp
from lab import lesson


@pytest.fixture(scope="module")
def taught():
    """Every step's runs and findings, trained once, and each step's text."""
    runs, found = {}, {}
    for step in lesson.STEPS:
        for _, config in step.runs:
            if config not in runs:
                runs[config] = mlp.train(config)
                found[config] = mlp.findings(runs[config])
    return runs, found, {step.title: step.text(runs, found) for step in lesson.STEPS}


def codes(found, config):
    return {f.code for f in found[config]}


def test_the_first_step_shows_the_questions_printed_numbers(taught):
    text = taught[2]["Your numbers at iteration 0"]
    # The question printed a^1 = 0.9002495, 0.8320184 and a^3 = 0.9806908, 0.9803864 (float32): 5 digits agree.
    for value in ("0.90025", "0.83202", "0.98069", "0.98039"):
        assert value in text


def test_why_shows_the_equal_rows_of_the_printed_gradient(taught):
    text = taught[2]["Why they stay equal"]
    assert text.count("0.028122 & 0.058056") == 3  # the question's 0.028122, 0.0580562, three times
    assert "0.028813 & 0.059696" in text  # and its bias row 0.0288126, 0.0596958


def test_what_does_not_separate_the_clones(taught):
    runs, found, texts = taught
    longer, steeper, nudged = (config for _, config in lesson.STEPS_NOT)
    assert "clones" in codes(found, longer) and "clones" in codes(found, steeper)
    assert "near_clones" in codes(found, nudged) and "clones" not in codes(found, nudged)
    text = texts["What does not separate them"]
    assert text.count("still clones (distinct neurons 1/3 · 1/3)") == 2 and "nearly clones" in text


def test_a_random_start_separates_them(taught):
    runs, found, texts = taught
    assert codes(found, lesson.STEPS_RANDOM) == {"fitted"}
    assert np.all(runs[lesson.STEPS_RANDOM].distinct_neurons == 3)
    assert "no clones" in texts["What does: a random start"]


def test_the_plateau_is_saturation_not_symmetry(taught):
    runs, found, texts = taught
    slow = {f.code: f for f in found[lesson.LONGER]}
    fast = {f.code: f for f in found[lesson.FAST_CLONES]}
    assert "clones" in slow and "clones" in fast  # both are clones ...
    assert "saturated" in slow and "saturated" not in fast  # ... only the slow one saturates
    assert fast["fitted"].since * 3 < slow["fitted"].since  # and the other fits three or more times sooner
    text = texts["The plateau is saturation, not symmetry"]
    assert f"fits by iteration {slow['fitted'].since:,}" in text and f"by iteration {fast['fitted'].since:,}" in text


def test_xor_clones_never_fit_a_random_start_does(taught):
    runs, found, texts = taught
    assert "clones" in codes(found, lesson.XOR_CLONES) and "fitted" not in codes(found, lesson.XOR_CLONES)
    assert runs[lesson.XOR_CLONES].final_loss == pytest.approx(0.667, abs=0.001)
    assert "fitted" in codes(found, lesson.XOR_RANDOM)
    assert f"its cost is {runs[lesson.XOR_CLONES].final_loss:.4f}" in texts["XOR, where clones never fit"]


def test_every_step_is_within_the_budget_and_quick():
    for step in lesson.STEPS:
        for _, config in step.runs:
            assert mlp.budget.work(config) < 2e9, (step.title, config)  # under 2 s of priced work each
