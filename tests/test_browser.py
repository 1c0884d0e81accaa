"""The dashboard in headless Chromium: it loads, draws, reacts to the sidebar and survives bad input.

One server and one page serve the whole module; the tests run in file order on that page (each
leaves the question's network except for the change it checks). Screenshots of every tab go to
$BACKPROP_LAB_SCREENSHOTS or artifacts/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import harness

harness.require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

SCREENSHOTS = Path(os.environ.get("BACKPROP_LAB_SCREENSHOTS") or harness.ROOT / "artifacts" / "screenshots")


@pytest.fixture(scope="module")
def page():
    """The dashboard opened in a fresh session, with the question's network drawn."""
    with harness.serve() as url, harness.browser() as chromium:
        app = harness.open_app(chromium, url, timeout=90)
        yield app
        app.context.close()


def errors(page):
    """The st.error boxes on the page (st.info and st.warning boxes are other alerts)."""
    return page.get_by_test_id("stAlert").filter(has=page.get_by_test_id("stAlertContentError"))


def assert_no_exception(page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert "Traceback" not in page.evaluate("document.body.textContent")


def test_page_loads_with_charts_and_no_exception(page):
    assert page.title() == "Backprop Lab"
    assert page.get_by_role("heading", name="Backprop Lab").first.is_visible()
    assert page.get_by_role("tab", name="Results", exact=True).get_attribute("aria-selected") == "true"
    assert harness.wait_for_charts(page) >= 3
    assert_no_exception(page)


def test_first_output_after_1000_iterations(page):
    assert harness.metric(page, "First output") == "0.5993"


def test_random_init_redraws_charts_and_breaks_symmetry(page):
    assert harness.metric(page, "Distinct hidden neurons") == "1/3 · 1/3"
    seconds = harness.measure_change(page, lambda p: harness.choose(p, "Method", "normal"), charts=3)
    assert seconds > 0
    assert harness.metric(page, "Distinct hidden neurons") == "3/3 · 3/3"
    assert_no_exception(page)


def test_bad_layers_show_an_error_then_recover(page):
    before = harness.wait_for_idle(page)
    harness.set_text(page, "Layer sizes, input first", "2,0,2")
    after = harness.wait_for_rerun(page, before)
    assert errors(page).count() == 1
    assert "layers" in errors(page).inner_text()
    assert after["charts"] == 0
    assert_no_exception(page)

    harness.set_text(page, "Layer sizes, input first", "2,3,3,2")
    after = harness.wait_for_rerun(page, after, charts=3)
    assert after["drawn"] >= 3
    assert errors(page).count() == 0
    assert_no_exception(page)


def test_screenshot_of_every_tab(page, capsys):
    paths = harness.screenshot_tabs(page, SCREENSHOTS)
    with capsys.disabled():
        print(f"\nscreenshots of {len(paths)} tabs in {SCREENSHOTS}")
    names = ["01-results.png", "02-weights.png", "03-neurons.png", "04-symmetry.png", "05-backprop-maths.png"]
    assert [p.name for p in paths][:5] == names
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert_no_exception(page)
