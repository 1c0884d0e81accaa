"""The dashboard in headless Chromium: it loads, draws, reacts to the sidebar, survives bad input, reads at a
phone's width, and compares four runs without legends running into titles.

One server and one browser serve the whole module; most tests run in file order on one page (each leaves the
question's network except for the change it checks); the phone test opens its own session. Screenshots of
every tab at 1400 px go to $BACKPROP_LAB_SCREENSHOTS or /tmp/fastpage-shots/: the whole page of each tab, and
every tab at 390 px too, when $BACKPROP_LAB_SCREENSHOTS is set (else the window, and the phone's first screen
only: a whole page makes the window as tall as the page and lays it out again, 1 s a tab).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import harness

harness.require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SCREENSHOTS = Path(os.environ.get("BACKPROP_LAB_SCREENSHOTS") or "/tmp/fastpage-shots")
WHOLE_PAGES = bool(os.environ.get("BACKPROP_LAB_SCREENSHOTS"))
PHONE = {"width": 390, "height": 844}

# Boxes (page px) of what a reader must see apart: each visible chart's drawing, and inside SVG charts each
# legend and title; each with the chart it belongs to and the column holding that chart (null: none).
BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const out = [];
  [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter((c) => c.checkVisibility() && !c.closest('[data-st-inactive]'))
    .forEach((chart, i) => {
      const marks = chart.querySelector('svg.marks, canvas.marks');
      const column = chart.closest('[data-testid="stColumn"]');
      if (!marks) return;
      out.push({chart: i, kind: 'chart', box: box(marks), column: column ? box(column) : null});
      chart.querySelectorAll('svg.marks .role-legend, svg.marks .role-title').forEach((el) => {
        out.push({chart: i, kind: el.classList.contains('role-legend') ? 'legend' : 'title', box: box(el)});
      });
    });
  return out;
}"""


@pytest.fixture(scope="module")
def page(server, chromium):
    """The dashboard opened in a fresh session, with the question's network drawn."""
    app = harness.open_app(chromium, server, timeout=90)
    yield app
    app.context.close()


def errors(page):
    """The st.error boxes on the page (st.info and st.warning boxes are other alerts)."""
    return page.get_by_test_id("stAlert").filter(has=page.get_by_test_id("stAlertContentError"))


def assert_no_exception(page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert "Traceback" not in page.evaluate("document.body.textContent")


def overlaps(a: list[float], b: list[float], slack: float = 1.0) -> bool:
    """Whether boxes ``[left, top, right, bottom]`` share more than ``slack`` px each way."""
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def open_tab(page, name: str) -> None:
    tab = page.get_by_role("tab", name=name, exact=True)
    clicked = harness.now(page)
    tab.click()
    page.wait_for_function("(el) => el.getAttribute('aria-selected') === 'true'", arg=tab.element_handle())
    harness.wait_for_idle(page, timeout=90, charts=0, finished=0, since=clicked)


def test_page_loads_with_charts_and_no_exception(page):
    assert page.title() == "Backprop Lab"
    assert page.get_by_role("heading", name="Backprop Lab").first.is_visible()
    assert page.get_by_role("tab", name="Results", exact=True).get_attribute("aria-selected") == "true"
    assert harness.wait_for_charts(page) == 2  # outputs and cost; the output over the input plane waits for its view
    assert_no_exception(page)


def test_final_cost_after_1000_iterations(page):
    assert harness.metric(page, "Final cost") == "0.4002"  # the question's run after 1,000 iterations


def test_outputs_table_shows_the_questions_outputs_to_four_digits(page):
    table = page.get_by_test_id("stMarkdownContainer").locator("table")
    header = table.locator("thead th").all_inner_texts()
    first = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert [h.strip() for h in header] == ["obs", "neuron", "aᴸ at 0", "aᴸ at 1,000", "y", "error"]
    # a³ at iteration 0 and after 1,000 iterations, as the question printed them; the error is a³ - y
    assert [c.strip() for c in first] == ["0", "0", "0.9807", "0.5993", "0.2", "0.3993"]


def test_random_init_redraws_charts_and_breaks_symmetry(page):
    assert harness.metric(page, "Distinct hidden neurons") == "1/3 · 1/3"
    seconds = harness.measure_change(page, lambda p: harness.choose(p, "Method", "normal"), charts=2)
    assert seconds > 0
    assert harness.metric(page, "Distinct hidden neurons") == "3/3 · 3/3"
    assert_no_exception(page)
    harness.measure_change(page, lambda p: harness.choose(p, "Method", "constant"), charts=2)
    assert harness.metric(page, "Distinct hidden neurons") == "1/3 · 1/3"


def test_bad_layers_show_an_error_then_recover(page):
    before = harness.wait_for_idle(page)
    harness.set_text(page, "Layer sizes, input first", "2,0,2")
    after = harness.wait_for_rerun(page, before)
    assert errors(page).count() == 1
    assert "layers" in errors(page).inner_text()
    assert after["charts"] == 0
    assert_no_exception(page)

    harness.set_text(page, "Layer sizes, input first", "2,3,3,2")
    after = harness.wait_for_rerun(page, after, charts=2)
    assert after["drawn"] >= 2
    assert errors(page).count() == 0
    assert_no_exception(page)


def test_output_over_the_input_plane_draws_when_its_view_opens(page):
    open_tab(page, "Output over the input plane")
    snapshot = harness.wait_for_idle(page, charts=2)
    assert snapshot["drawn"] == 2 and page.locator("[data-testid='stVegaLiteChart'] canvas.marks").count() == 1
    harness._full_page_screenshot(page, SCREENSHOTS / "1400" / "results-input-plane.png")
    open_tab(page, "Cost over the iterations")
    assert harness.wait_for_idle(page, charts=2)["drawn"] == 2


def test_screenshot_of_every_tab(page, capsys):
    paths = harness.screenshot_tabs(page, SCREENSHOTS / "1400", full_page=WHOLE_PAGES)
    with capsys.disabled():
        print(f"\nscreenshots of {len(paths)} tabs in {SCREENSHOTS / '1400'}")
    names = ["01-results.png", "02-weights.png", "03-neurons.png", "04-symmetry.png", "05-backprop-maths.png"]
    assert [p.name for p in paths][:5] == names
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert_no_exception(page)


def keep(page) -> None:
    before = harness.wait_for_idle(page)
    page.get_by_role("button", name="Keep this run").click()
    harness.wait_for_rerun(page, before)


def test_compare_four_runs_draws_every_chart_apart(page, capsys):
    open_tab(page, "Results")
    harness.measure_change(page, lambda p: harness.choose(p, "Method", "normal"), charts=2)
    seed_input = harness.keyed(page, "seed").locator("input")
    for seed in (1, 2, 3):
        harness.measure_change(page, lambda p, s=seed: harness.commit(seed_input, s), charts=2)
        keep(page)
    harness.measure_change(page, lambda p: harness.choose(p, "Method", "constant"), charts=2)  # the fourth run
    open_tab(page, "Compare")
    for _ in range(6):  # add runs one at a time: three kept runs and the current one
        if len(_chosen(page)) == 4:
            break
        box = page.get_by_test_id("stMultiSelect").locator("input")
        box.scroll_into_view_if_needed()
        box.click()
        page.get_by_role("option").first.wait_for()
        names = [n for n in page.get_by_role("option").all_inner_texts() if n != "Select all"]
        page.get_by_role("option", name=names[0], exact=True).click()
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
    assert len(_chosen(page)) == 4, _chosen(page)
    chosen = harness.now(page)
    page.get_by_role("heading", name="Backprop Lab").first.click()  # the choice is sent when the box loses focus
    harness.wait_for_idle(page, timeout=90, charts=4, finished=0, since=chosen)
    snapshot = harness.wait_for_idle(page, timeout=90, charts=4)
    assert snapshot["drawn"] == snapshot["charts"] and not snapshot["problems"]
    assert_no_exception(page)
    boxes = page.evaluate(BOXES)
    charts = [b for b in boxes if b["kind"] == "chart"]
    spilled = [b["chart"] for b in charts if b["column"] and b["box"][2] > b["column"][2] + 1]
    crossed = [  # two charts' drawings, or a legend or title of one chart over another's
        (a["chart"], a["kind"], b["chart"], b["kind"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["chart"] != b["chart"]
        and (a["kind"] == "chart") == (b["kind"] == "chart")
        and overlaps(a["box"], b["box"])
    ]
    shot = SCREENSHOTS / "1400" / "compare-four-runs.png"
    harness._full_page_screenshot(page, shot)
    with capsys.disabled():
        print(
            f"\nCompare, four runs: {len(charts)} charts drawn; spilling out of their column: {spilled}; "
            f"overlapping (chart, part): {crossed}; screenshot {shot}"
        )
    assert not spilled, f"charts wider than their column: {spilled}"
    assert not crossed, f"legends or titles of different charts overlap: {crossed}"


def _chosen(page) -> list[str]:
    """The runs chosen in Compare's multiselect (its tags)."""
    tags = page.get_by_test_id("stMultiSelect").locator("[data-tag] > span[title]")
    return [t.get_attribute("title") for t in tags.all()]


def test_phone_width_reads_without_sideways_scrolling(server, chromium, capsys):
    phone = harness.open_app(chromium, server, timeout=90, viewport=PHONE)
    try:
        widths = phone.evaluate(
            """() => { const main = document.querySelector('[data-testid="stMain"]');
                       const tabs = document.querySelector('[data-testid="stTabs"] [role="tablist"]');
                       return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                               main: main.scrollWidth, mainView: main.clientWidth,
                               tabs: tabs.scrollWidth, tabsView: tabs.clientWidth}; }"""
        )
        first = phone.evaluate(
            """() => { const main = document.querySelector('[data-testid="stMain"]');
                       const chart = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                         .find((c) => c.checkVisibility() && !c.closest('[data-st-inactive]'));
                       const top = main.getBoundingClientRect().top;
                       return chart.getBoundingClientRect().top + main.scrollTop - top; }"""
        )
        # Every tab at phone width when screenshots are asked for (they take a minute); the first screen always.
        if WHOLE_PAGES:
            paths = harness.screenshot_tabs(phone, SCREENSHOTS / "390")
        else:
            (SCREENSHOTS / "390").mkdir(parents=True, exist_ok=True)
            paths = [SCREENSHOTS / "390" / "first-screen.png"]
            phone.screenshot(path=str(paths[0]))
        with capsys.disabled():
            print(
                f"\nphone ({PHONE['width']} px): page {widths}; the first chart starts {first:.0f} px down "
                f"({first / PHONE['height']:.1f} screens); screenshots in {paths[0].parent}"
            )
        assert widths["page"] <= widths["view"] and widths["main"] <= widths["mainView"] + 1, widths
        # Every tab in sight: the tab list wraps onto a second row rather than scrolling sideways.
        assert widths["tabs"] <= widths["tabsView"] + 1, widths
        # A chart wider than the screen scrolls in its own frame rather than being cut off: Weights, Neurons.
        for tab in ("Weights", "Neurons"):
            phone.get_by_role("tab", name=tab).click()
            harness.wait_for_idle(phone, charts=1, since=harness.now(phone))
            frames = phone.evaluate(
                """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                           .filter((c) => c.checkVisibility())
                           .map((c) => { const f = c.closest('[data-testid="stFullScreenFrame"]');
                                         return [c.scrollWidth, f.clientWidth, getComputedStyle(f).overflowX]; })"""
            )
            assert frames and any(width > view for width, view, _ in frames), (tab, frames)  # one that needs it
            assert all(width <= view + 1 or overflow == "auto" for width, view, overflow in frames), (tab, frames)
        assert first < 2 * PHONE["height"], f"the first chart is {first / PHONE['height']:.1f} screens down"
        assert_no_exception(phone)
    finally:
        phone.context.close()
