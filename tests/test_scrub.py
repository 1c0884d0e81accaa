"""Scrubbing and playing the Neurons and Weights tabs in headless Chromium: nothing goes to the server, a frame
draws fast.

One server and one browser serve the module. Each test opens a tab from a link in a fresh session, counts the
websocket frames the page sends (Playwright's ``framesent``), moves the chart's range input with the
input events a user's drag makes, and times each frame from the event to the chart's last paint (canvas) or
change (SVG), and its CPU time. Screenshots of the Neurons view go to $BACKPROP_LAB_SCREENSHOTS or
/tmp/views-shots/.
"""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import mlp
from benchmarks.load import machine_busy
from tests import harness

harness.require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

SCREENSHOTS = Path(os.environ.get("BACKPROP_LAB_SCREENSHOTS") or "/tmp/views-shots")
FRAME_MS = 50  # target: a frame drawn within this long of the input event
RUNS = {
    "question": "",  # every weight 1: each hidden layer is one clone group
    "circle-2-16-16-1": "data=circle&layers=2,16,16,1&init=normal&optimizer=adam&lr=0.05&iterations=3000",
    # Four matrices: W^l and dC/dW^l beside each other and three activation heatmaps, 11 in one chart, the most
    # the Weights tab scrubs in the browser (scrub.MAX_HEATMAPS is 12; five matrices would make 14).
    "deep-2-3-3-3-1": "data=xor&layers=2,3,3,3,1&init=normal",
}

# Stamps the end of every paint of a chart's canvas (vega's canvas renderer restores its context last).
# and keeps the text the last whole paint wrote (vega paints a chart inside one outermost save ... restore).
PAINTS = """
(() => {
  if (window.__paints) return;
  window.__paints = {last: 0, count: 0, texts: []};
  const chart = (ctx) => ctx.canvas && ctx.canvas.classList && ctx.canvas.classList.contains('marks');
  const proto = CanvasRenderingContext2D.prototype;
  const save = proto.save, restore = proto.restore, fillText = proto.fillText;
  proto.save = function () {
    if (chart(this) && !this.__depth) this.__texts = [];
    this.__depth = (this.__depth || 0) + 1;
    return save.apply(this, arguments);
  };
  proto.fillText = function (text) {
    if (chart(this) && this.__texts) this.__texts.push(String(text));
    return fillText.apply(this, arguments);
  };
  proto.restore = function () {
    const out = restore.apply(this, arguments);
    this.__depth = Math.max(0, (this.__depth || 0) - 1);
    if (chart(this)) {
      window.__paints.last = performance.now();
      window.__paints.count++;
      if (!this.__depth) window.__paints.texts = this.__texts || [];
    }
    return out;
  };
})();
"""

# Move the range input to each value as a drag does (input events), and time each frame: from the event to
# the chart's last change it causes (the end of a canvas paint, or an SVG mutation seen by the harness's
# observer), read once the page has been quiet for `settle` ms. null: nothing was drawn.
SCRUB = """
async ({values, settle}) => {
  const range = document.querySelector('[data-testid="stVegaLiteChart"] input[type="range"]');
  const out = [];
  for (const value of values) {
    const start = performance.now();
    range.value = String(value);
    range.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise((done) => setTimeout(done, settle));
    const drawn = Math.max(window.__paints.last, window.__lab.lastChart);
    out.push(drawn > start ? drawn - start : null);
  }
  return out;
}
"""


class Scrubbed:
    """A tab of one run (Neurons by default), opened from a link in a new session, with the frames it sends counted."""

    def __init__(self, chromium, url: str, query: str, tab: str | None = "Neurons"):
        self.sent: list = []
        self.context = chromium.new_context(viewport=harness.VIEWPORT)
        self.context.add_init_script(harness.OBSERVER)
        self.context.add_init_script(PAINTS)
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: ws.on("framesent", lambda frame: self.sent.append(frame)))
        self.page.goto(f"{url}/?{query}{'&' if query and tab else ''}{f'tab={tab}' if tab else ''}")
        harness.wait_for_idle(self.page, timeout=120, charts=1)
        if tab:
            assert self.page.get_by_role("tab", name=tab, exact=True).get_attribute("aria-selected") == "true"
        self.range = self.page.locator('[data-testid="stVegaLiteChart"] input[type="range"]')
        assert self.range.count() == 1

    def frames(self) -> int:
        return int(self.range.get_attribute("max")) + 1

    def scrub(self, values: list[int], settle_ms: int = 150) -> list[float | None]:
        return self.page.evaluate(SCRUB, {"values": values, "settle": settle_ms})

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def weights(server, chromium):
    """The Weights tab of the question's run: W^l, dC/dW^l and the hidden activations in one scrubbed chart."""
    view = Scrubbed(chromium, server, RUNS["question"], tab="Weights")
    yield view
    view.close()


@pytest.fixture(scope="module")
def question(server, chromium):
    view = Scrubbed(chromium, server, RUNS["question"])
    yield view
    view.close()


@pytest.mark.parametrize("tab", ["question", "weights"])
def test_scrubbing_and_playing_send_nothing_to_the_server(tab, request, capsys):
    question = request.getfixturevalue(tab)
    page = question.page
    before, paints = len(question.sent), page.evaluate("window.__paints.count")
    frames = question.frames()
    moves = [*range(0, frames, 4), frames - 1]  # first to last, every 4th frame (all 100 took 3 s more)
    question.scrub(moves, settle_ms=20)
    page.get_by_text("play").first.click()  # the play checkbox's label
    start = int(question.range.input_value())
    page.wait_for_timeout(1500)
    played = int(question.range.input_value())
    page.get_by_text("play").first.click()
    page.wait_for_timeout(500)
    with capsys.disabled():
        sent, paints = len(question.sent) - before, page.evaluate("window.__paints.count") - paints
        print(
            f"\n{tab}: scrubbed {len(moves)} of {frames} frames and played 1.5 s: {sent} websocket frames sent, "
            f"{paints} canvas paints"
        )
    assert len(question.sent) == before, [str(frame)[:80] for frame in question.sent[before:]]
    assert paints > len(moves) // 2  # the chart did redraw
    assert played != start  # play moved the frame


def _thread_seconds(cdp) -> float:
    """CPU seconds the page's main thread has used (Chromium's ThreadTime metric)."""
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "ThreadTime")


SHARED = {("Neurons", "question"): "question", ("Weights", "question"): "weights"}  # views the module keeps open


def opened(request, server, chromium, tab: str, name: str) -> tuple[Scrubbed, bool]:
    """The view of run ``name`` on ``tab``: the module's own when it has one, else a new one (to close)."""
    shared = SHARED.get((tab, name))
    if shared:
        return request.getfixturevalue(shared), False
    return Scrubbed(chromium, server, RUNS[name], tab=tab), True


@pytest.mark.parametrize(
    ("tab", "name"),
    # Weights: the largest chart it scrubs (11 heatmaps); the question's 8 took 18-27 ms of CPU a frame.
    [("Neurons", "question"), ("Neurons", "circle-2-16-16-1"), ("Weights", "deep-2-3-3-3-1")],
)
def test_a_frame_draws_within_50_ms(request, server, chromium, tab, name, capsys):
    """Wall time from the input event to the chart's last paint, and the page's CPU time per frame.

    The machine is shared: other work stretches wall times most, and CPU times too. CPU per frame is the main
    thread's CPU time over the moves less the same span of the page idle (its timers), per move: 20-32 ms
    with the machine quiet, and once 55 ms in the whole suite's three processes. The bounds relax when the
    machine is busy: a load average over 1.5 a core, or its cores more than 75% busy during the moves (the
    load average lags by a minute, and the suite starts this file with every process busy at once).
    """
    view, own = opened(request, server, chromium, tab, name)
    try:
        cdp = view.context.new_cdp_session(view.page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        count, settle = view.frames(), 150
        values = [round(i * (count - 1) / 24) for i in range(24)][::-1]  # back from the last frame, as a drag would
        idle = _thread_seconds(cdp)
        view.page.wait_for_timeout(len(values) * settle)
        start, machine, began = _thread_seconds(cdp), machine_busy(), time.monotonic()
        times = view.scrub(values, settle)
        end = _thread_seconds(cdp)
        share = (machine_busy() - machine) / ((time.monotonic() - began) * (os.cpu_count() or 1))
        cdp.detach()
    finally:
        if own:
            view.close()
    cpu = ((end - start) - (start - idle)) / len(values) * 1000
    assert None not in times, f"some moves drew nothing: {times}"
    median, worst = statistics.median(times), max(times)
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    with capsys.disabled():
        print(
            f"\n{tab} {name}: {count} frames; a frame draws in {median:.1f} ms (median of {len(times)} moves, "
            f"{worst:.1f} at most) and takes {cpu:.1f} ms of CPU; load average {load:.1f} per core, the cores "
            f"{share:.0%} busy"
        )
    busy = load > 1.5 or share > 0.75
    said = f"load average {load:.1f} a core, the cores {share:.0%} busy"
    assert cpu < (2 * FRAME_MS if busy else FRAME_MS), f"{cpu:.1f} ms of CPU a frame; {said}"
    assert median < FRAME_MS or busy, f"median {median:.1f} ms; {said}"


@pytest.mark.parametrize("name", ["question", "circle-2-16-16-1"])
def test_screenshot_of_the_neurons_view(request, server, chromium, name):
    view, own = opened(request, server, chromium, "Neurons", name)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"neurons-{name}.png"
        harness._full_page_screenshot(view.page, path)
        assert view.page.get_by_test_id("stException").count() == 0
        assert path.stat().st_size > 10_000
    finally:
        if own:
            view.close()


def short(value: float) -> str:
    """3 significant digits, the shorter of decimal and exponent form, as d3's '.3~g' and '.2~e' write them."""
    mantissa, exponent = f"{value:.2e}".split("e")
    exp = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent):+d}"
    decimal = f"{value:.3g}"
    return decimal if len(decimal) <= len(exp) else exp


def test_weights_scrub_without_the_server_and_write_3_digit_values(weights, capsys):
    page = weights.page
    texts = "window.__paints.texts.map((t) => t.replace('\\u2212', '-'))"  # the last paint's text (cells, legends...)
    weights.scrub([weights.frames() - 1], settle_ms=300)  # from the last frame (the frame timings left it at 0)
    before, last = len(weights.sent), page.evaluate(texts)
    times = weights.scrub([0], settle_ms=300)
    first = Counter(page.evaluate(texts))
    assert len(weights.sent) == before
    assert first != Counter(last)
    # iteration 0 of the question's run, every cell written as the lab writes values (W^0 all ones,
    # dC/dW^0 = 7.69e-4 on the bias row ...): the oracle is the engine's own snapshot and forward pass
    run = mlp.train(mlp.Config())
    a = run.inputs
    hidden = []
    for W in run.weights[0][:2]:
        a = 1 / (1 + np.exp(-(np.hstack([np.ones((len(a), 1)), a]) @ W)))
        hidden.append(a)
    cells = Counter(short(v) for M in [*run.weights[0], *run.gradients[0], *hidden] for v in M.ravel())
    assert cells - first == Counter(), "cells missing from the paint"  # every cell's value is written
    assert [first[t] for t in ("3.94e-4", "2.63e-4")] == [3, 3]  # dC/dW^0's rows 1 and 2
    others = first - cells  # titles, axis and legend labels
    assert "iteration 0" in others
    assert others["7.69e-4"] == 1  # dC/dW^0's legend ends at its largest |value|, in the cells' form
    assert times[0] is not None and times[0] < FRAME_MS or os.getloadavg()[0] / (os.cpu_count() or 1) > 1.5
    with capsys.disabled():
        print(f"\nWeights (canvas): frame 0 drawn {times[0]:.1f} ms after the input event")
