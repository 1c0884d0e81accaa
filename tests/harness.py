"""Drive the dashboard in a real browser: start a server, open pages, time reruns, take screenshots.

    with serve() as url, browser() as chromium:
        page = open_app(chromium, url)
        seconds = measure_change(page, lambda p: set_number(p, "Random seed", 7))

Signals read from the DOM of Streamlit 1.67 (checked on a live page):

- ``[data-testid="stApp"]`` carries ``data-test-script-state``: ``initial`` before the first run,
  ``running`` while the script runs, ``notRunning`` once the server says the run finished. The status
  widget (``stStatusWidget``, "Running...") shows up only ~0.5 s into a run and fades out, so fast
  reruns never show it: the attribute is the signal, the widget is not.
- ``[data-testid="stVegaLiteChart"]`` holds one Altair chart; once vega has drawn it, it contains an
  ``svg.marks`` or ``canvas.marks`` of non-zero size. Charts in inactive tabs
  (``[data-testid="stTabPanel"][data-st-inactive]``, inert) have zero size and are not counted.
- ``[data-testid="stSkeleton"]`` are placeholders during the first run; ``[data-stale="true"]`` marks
  elements of the previous run not yet replaced; ``data-test-connection-state`` is ``CONNECTED``.
- ``[data-testid="stException"]`` (a traceback) and ``[data-testid="stAlertContentError"]`` (inside the
  ``stAlert`` of an st.error) end a wait early: the page will not draw its charts.

A script installed in every page (:data:`OBSERVER`) counts run starts and finishes and stamps the
last time any chart changed: a DOM mutation inside a chart (svg) or a paint of a vega canvas. A
measurement ends at the later of the run's finish and the last chart paint, in the page's own clock,
once nothing has moved for :data:`QUIET_SECONDS` (that quiet wait is not counted).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = f"Chromium not found at {CHROMIUM}; install it with: apt-get install chromium"
VIEWPORT = {"width": 1400, "height": 900}
QUIET_SECONDS = 0.5
TABS = ("Results", "Weights", "Symmetry", "Backprop maths")

OBSERVER = """
(() => {
  if (window.__lab) return;
  const lab = window.__lab = {started: 0, finished: 0, lastStart: 0, lastFinish: 0, lastChart: 0, lastAction: 0,
                              messages: 0, lastMessage: 0};
  // every message from the server: a run too short for the page to show 'running' still sends some
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { lab.messages++; lab.lastMessage = performance.now(); });
    }
  };
  // the user's action: the Enter that commits a typed value, or a press of a button, tab or option
  const acted = () => { lab.lastAction = performance.now(); };
  document.addEventListener('keydown', (e) => { if (e.key === 'Enter') acted(); }, true);
  document.addEventListener('pointerdown', acted, true);
  const CHART = '[data-testid="stVegaLiteChart"]';
  const chartChanged = () => { lab.lastChart = performance.now(); };
  const inChart = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    return Boolean(el && el.closest(CHART));
  };
  // vega may fill a chart before React attaches it: an added subtree that holds a chart counts too.
  const holdsChart = (node) => node.nodeType === 1 && (node.matches(CHART) || node.querySelector(CHART) !== null);
  new MutationObserver((records) => {
    let chart = false;
    for (const r of records) {
      if (r.attributeName === 'data-test-script-state') {
        const state = r.target.getAttribute('data-test-script-state');
        if (state === r.oldValue) continue;
        if (state === 'running') { lab.started++; lab.lastStart = performance.now(); }
        if (state === 'notRunning') { lab.finished++; lab.lastFinish = performance.now(); }
      } else if (!chart) {
        chart = inChart(r.target) || [...r.addedNodes, ...r.removedNodes].some(holdsChart);
      }
    }
    if (chart) chartChanged();
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true,
                        attributeOldValue: true});
  // vega's canvas renderer repaints without touching the DOM: stamp every paint of a chart canvas.
  const save = CanvasRenderingContext2D.prototype.save;
  CanvasRenderingContext2D.prototype.save = function () {
    if (this.canvas && this.canvas.classList && this.canvas.classList.contains('marks')) chartChanged();
    return save.apply(this, arguments);
  };
})();
"""

SNAPSHOT = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter((c) => c.checkVisibility() && !c.closest('[data-st-inactive]'));
  const drawn = charts.filter((c) => {
    const marks = c.querySelector('svg.marks, canvas.marks');
    if (!marks) return false;
    const box = marks.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  });
  const lab = window.__lab || {};
  return {
    state: app ? app.getAttribute('data-test-script-state') : null,
    connection: app ? app.getAttribute('data-test-connection-state') : null,
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    problems: [...document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"]')]
      .map((e) => e.innerText.slice(0, 2000)),
    stale: document.querySelectorAll('[data-stale="true"]').length,
    charts: charts.length, drawn: drawn.length,
    started: lab.started || 0, finished: lab.finished || 0,
    lastStart: lab.lastStart || 0, lastFinish: lab.lastFinish || 0, lastChart: lab.lastChart || 0,
    lastAction: lab.lastAction || 0, messages: lab.messages || 0, lastMessage: lab.lastMessage || 0,
    now: performance.now(),
  };
}"""

IDLE = f"""(want) => {{
  const s = ({SNAPSHOT})();
  const last = Math.max(s.lastFinish, s.lastChart, s.lastStart, s.lastMessage, want.since);
  const ran = s.finished >= want.finished || s.messages >= want.messages;  // a short run may never show 'running'
  const settled = s.state === 'notRunning' && s.connection === 'CONNECTED' && s.skeletons === 0 && s.stale === 0
    && s.drawn === s.charts && ran && s.now - last >= want.quiet;
  // an exception or st.error instead of the charts: done, the caller reports it
  return settled && (s.drawn >= want.charts || s.problems.length > 0) ? s : null;
}}"""


def require_chromium() -> None:
    """For a browser test module: skip it where Chromium is missing, or fail when CI requires the browser."""
    import pytest

    if CHROMIUM.exists():
        return
    if os.environ.get("BACKPROP_LAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BACKPROP_LAB_REQUIRE_BROWSER=1 but {MISSING_CHROMIUM}", pytrace=False)
    pytest.skip(f"{MISSING_CHROMIUM} (Debian) to run the browser tests", allow_module_level=True)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running dashboard server: its base URL and the process id of ``streamlit run``."""

    url: str
    pid: int


@contextlib.contextmanager
def serve(
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    root: str | Path = ROOT,
    script: str = "dashboard.py",
) -> Iterator[str]:
    """Run ``streamlit run <script>`` from ``root`` (the repository; the script's path is relative to it);
    yield its base URL.

    The server runs in its own process group, which is terminated (then killed) on exit.
    """
    with serve_process(port, env, timeout, root, script) as server:
        yield server.url


@contextlib.contextmanager
def serve_process(
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    root: str | Path = ROOT,
    script: str = "dashboard.py",
) -> Iterator[Server]:
    """:func:`serve`, yielding a :class:`Server` (URL and pid, e.g. to read the server's /proc entries)."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=root,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", process, log, timeout)
            yield Server(f"http://127.0.0.1:{port}", process.pid)
        finally:
            _stop(process)


def _wait_healthy(url: str, process: subprocess.Popen, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}:\n{_tail(log)}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            if answer.read().strip() == b"ok":
                return
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log, lines: int = 30) -> str:
    log.seek(0)
    return "\n".join(log.read().decode(errors="replace").splitlines()[-lines:])


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's whole process group; kill it if it lingers."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def browser() -> Iterator:
    """A headless Playwright Chromium using Debian's binary (Playwright's own download does not work here)."""
    if not CHROMIUM.exists():
        raise RuntimeError(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_app(chromium, url: str, timeout: float = 60, viewport: dict | None = None):
    """A new page (own context, so a new Streamlit session) at ``url``, with all its charts drawn."""
    context = chromium.new_context(viewport=viewport or VIEWPORT)
    context.add_init_script(OBSERVER)
    page = context.new_page()
    page.goto(url)
    wait_for_charts(page, timeout)
    return page


def _install(page) -> None:
    page.evaluate(OBSERVER)


def now(page) -> float:
    """The page's clock, in ms: pass it as ``since`` before an action that may or may not rerun the script."""
    return page.evaluate("performance.now()")


def wait_for_idle(
    page, timeout: float = 30, charts: int = 0, finished: int = 1, since: float = 0.0, messages: int | None = None
) -> dict:
    """Wait until the script is not running, nothing is stale or a skeleton, every visible chart is drawn
    (at least ``charts`` of them), at least ``finished`` runs have finished, and nothing has moved for
    QUIET_SECONDS, counted from ``since`` (page clock, ms) at the earliest: an action just taken gets
    that long to start a rerun. Returns the page's snapshot (see SNAPSHOT)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _install(page)
    want = {
        "charts": charts,
        "finished": finished,
        "quiet": QUIET_SECONDS * 1000,
        "since": since,
        "messages": 1e18 if messages is None else messages,
    }
    try:
        handle = page.wait_for_function(IDLE, arg=want, polling=50, timeout=timeout * 1000)
    except PlaywrightTimeout:
        raise TimeoutError(
            f"the app did not become idle with {charts}+ charts drawn within {timeout} s; "
            f"last DOM snapshot: {page.evaluate(SNAPSHOT)}"
        ) from None
    snapshot = handle.json_value()
    if snapshot["drawn"] < charts:
        raise RuntimeError(
            f"the app stopped with {snapshot['drawn']} of {charts}+ charts drawn, showing: "
            + " | ".join(snapshot["problems"])
        )
    return snapshot


def wait_for_charts(page, timeout: float = 30) -> int:
    """Wait until the app is idle with at least one chart drawn; return the number of visible charts drawn."""
    return wait_for_idle(page, timeout, charts=1)["drawn"]


@dataclass(frozen=True)
class Phases:
    """Where the seconds of one measurement went, in the page's clock.

    ``to_run``: from the action to the script starting (the action: the navigation, or the last Enter or
    pointer press in the page, which commits a change; the typing before it is not counted); ``run``: the
    script's run as the browser sees it (deltas arriving and rendered as they come); ``draw``: from the
    run's end to the last chart paint (0 when the charts were done first). ``total`` is their sum.
    """

    to_run: float
    run: float
    draw: float

    @property
    def total(self) -> float:
        return self.to_run + self.run + self.draw

    @classmethod
    def of(cls, start_ms: float, snapshot: dict) -> Phases:
        action = max(start_ms, snapshot["lastAction"])
        started, finished = snapshot["lastStart"], snapshot["lastFinish"]
        if started < action:  # a run too short for the page to show 'running': the server's last message ends it
            started = finished = snapshot["lastMessage"]
        drawn = max(finished, snapshot["lastChart"])
        return cls((started - action) / 1000, (finished - started) / 1000, (drawn - finished) / 1000)


def load_phases(page) -> Phases:
    """The phases of the page's first load, from the navigation's start (the page clock's origin)."""
    return Phases.of(0.0, page.evaluate(SNAPSHOT))


def load_seconds(page) -> float:
    """Seconds from the navigation's start to the first run finished and its charts drawn."""
    return load_phases(page).total


def measure_cold_load(base_url: str, query: str = "", chromium=None, timeout: float = 60) -> float:
    """Seconds from navigating a new session to ``base_url + query`` until all its charts are drawn."""
    with contextlib.ExitStack() as stack:
        chromium = chromium or stack.enter_context(browser())
        page = open_app(chromium, base_url + query, timeout)
        try:
            return load_seconds(page)
        finally:
            page.context.close()


def wait_for_rerun(page, before: dict, timeout: float = 30, charts: int = 0, since: float = 0.0) -> dict:
    """:func:`wait_for_idle` after an action that reruns the script, ``before`` being the snapshot taken
    before it: one more run has finished or, for a run too short for the page to show 'running', the
    server has sent one more message."""
    return wait_for_idle(
        page, timeout, charts, finished=before["finished"] + 1, since=since, messages=before["messages"] + 1
    )


def measure_change_phases(page, change: Callable, timeout: float = 60, charts: int = 1) -> Phases:
    """Perform ``change(page)``; wait for the rerun it causes to start and finish and every chart to be redrawn."""
    before = wait_for_idle(page, timeout, charts=0, finished=0)
    start_ms = now(page)
    change(page)
    after = wait_for_rerun(page, before, timeout, charts, since=start_ms)
    if after["started"] <= before["started"] and after["messages"] <= before["messages"]:
        raise RuntimeError("the change finished a run that the page never saw start; cannot time it")
    return Phases.of(start_ms, after)


def measure_change(page, change: Callable, timeout: float = 60, charts: int = 1) -> float:
    """Seconds from ``change(page)`` until the rerun it causes has finished and every chart is redrawn."""
    return measure_change_phases(page, change, timeout, charts).total


def sidebar_widget(page, testid: str, label: str):
    """The sidebar widget of type ``testid`` (e.g. stNumberInput) whose label is exactly ``label``."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    label_el = page.get_by_test_id("stWidgetLabel").filter(has_text=exact)
    return page.get_by_test_id("stSidebar").get_by_test_id(testid).filter(has=label_el)


def keyed(page, key: str):
    """The widget whose ``key=`` is ``key``: Streamlit gives its container the class ``st-key-<key>``."""
    return page.locator(f".st-key-{key}")


def commit(field, value: float | str) -> None:
    """Type ``value`` into an input and commit it with Enter (number and text inputs rerun on Enter)."""
    field.fill(str(value))
    field.press("Enter")


def set_number(page, label: str, value: float | str) -> None:
    """Type ``value`` into the sidebar number input labelled ``label`` and commit it with Enter."""
    commit(sidebar_widget(page, "stNumberInput", label).locator("input"), value)


def set_text(page, label: str, value: str) -> None:
    """Type ``value`` into the sidebar text input labelled ``label`` and commit it with Enter."""
    commit(sidebar_widget(page, "stTextInput", label).locator("input"), value)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar's radio buttons labelled ``label``."""
    sidebar_widget(page, "stRadio", label).get_by_text(option, exact=True).click()


def metric(page, label: str) -> str:
    """The displayed value of the metric labelled ``label``."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    card = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=exact))
    return card.get_by_test_id("stMetricValue").inner_text().strip()


def screenshot_tabs(page, folder: str | Path, full_page: bool = True) -> list[Path]:
    """Click every tab in turn and write a PNG of each, of the whole page or of the window; return the files in
    tab order."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tabs = page.get_by_role("tablist").first.get_by_role("tab")  # the page's tabs, not those inside a tab
    names = [t.inner_text().strip() for t in tabs.all()]
    missing = [n for n in TABS if n not in names]
    if missing:
        raise AssertionError(f"tabs {missing} are missing; the page has {names}")
    paths = []
    for i, name in enumerate(names):
        tab = page.get_by_role("tab", name=name, exact=True)
        clicked = now(page)
        tab.click()  # lazy tabs (st.tabs(on_change="rerun")) rerun the script: wait_for_idle gives it time
        page.wait_for_function("(el) => el.getAttribute('aria-selected') === 'true'", arg=tab.element_handle())
        wait_for_idle(page, charts=0, finished=0, since=clicked)
        path = folder / f"{i + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
        if full_page:
            _full_page_screenshot(page, path)
        else:  # the window, scrolled to the row of tabs: the tab's own content, not the header above it again
            page.get_by_role("tablist").first.evaluate("(row) => row.scrollIntoView()")
            page.screenshot(path=str(path))
        paths.append(path)
    return paths


def _full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main section, not the document: grow the viewport to fit, then shoot."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stSidebarContent', 'stAppViewContainer'].map("
        '(id) => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))'
    )
    resized = now(page)
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 16_000))})
    try:
        wait_for_idle(page, charts=0, finished=0, since=resized)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
