"""Ten learners at once: one server, one browser session each, all changing settings at the same time.

    python -m benchmarks.load [--users 10] [--seconds 60] [--think 2] [--server-core]

One server (benchmarks/harness.py's ``serve_process``); each user is a thread with its own Playwright
and headless Chromium (one browser context, so one Streamlit session). The pages open two at a time
(one open costs ~10 CPU-seconds here, nearly all of it Chromium's), then every user, for ``--seconds``:

- changes one sidebar setting (``init_scale``, ``lr`` or ``iterations``) to a value no other user
  ever sets (each user's values lie in a range of its own: :func:`value`): a new value, which trains,
  or now and then its previous value again, a run the cache holds;
- times it with ``harness.measure_change_phases``: from the Enter that commits the value to the rerun
  finished and every chart of the Results tab redrawn, in the page's clock;
- presses "Keep this run" after its first change and then now and then;
- pauses ``--think`` seconds on average (uniform 0.5x to 1.5x) to look at the charts.

Then each user (two at a time) checks isolation on its own page: the sidebar and the URL show its own
last values; the Compare tab's "Kept runs (N of at most 8 ...)" and the kept runs' names are exactly
the runs it kept (names are the settings that differ: ``lab.frames.run_names``); no page shows an
exception or "Traceback"; and no page text, input or URL holds a value another user set.

Printed: change-to-redraw median and 95th percentile (target p95 < 3 s), changes, keeps, errors,
isolation, the server's peak memory (VmHWM in its /proc status), and where the seconds went: the
phases of a change, the server's script runs (timed inside the server by benchmarks/server_hook:
wall and CPU seconds), and the CPU used while driving by the server, by the browsers and by the
machine's other processes. ``--server-core`` (a diagnosis) runs the server alone on CPU 0 and the
browsers on the other CPUs. A hard time limit ends the run in any case; the server and every browser
are always shut down. tests/test_load.py runs the same scenario (:func:`run`) for a shorter time.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from benchmarks import harness
from lab.frames import run_names
from mlp import Config

SETTINGS = ("init_scale", "lr", "iterations")
DEFAULTS = Config()
MAX_KEPT = 8  # ui/compare.py keeps at most this many runs per session
TARGET_P95 = 3.0
OPEN_AT_ONCE = 2  # pages opening together: one per core
OPEN_TIMEOUT = 120
STEP_TIMEOUT = 60
EARLIER_SHARE = 0.3  # share of changes that go back to the previous value (a cached run)
KEEP_SHARE = 0.25  # share of changes followed by "Keep this run"
MAX_USERS = 50  # past this the per-user value ranges below stop being sensible settings
FINE = [j for j in range(1, 100) if j % 10]  # steps inside a user's range; never a round number
HOOK = Path(__file__).resolve().parent / "server_hook"
PROBLEMS = """() => ({
  exceptions: document.querySelectorAll('[data-testid="stException"]').length,
  traceback: document.body.textContent.includes('Traceback'),
})"""


def value(user: int, key: str, step: int) -> float | int:
    """User ``user``'s ``step``-th new value of ``key``; users' ranges never overlap.

    ``iterations`` 1000 + 100 * user + j; ``init_scale`` 0.5 + 0.01 * user + 0.000097 * j and ``lr``
    0.1 + 0.01 * user + 0.000097 * j (six decimals, so a cost or an output shown with four never equals one).
    """
    j = FINE[step % len(FINE)]
    if key == "iterations":
        return 1000 + 100 * user + j
    base = {"init_scale": 0.5, "lr": 0.1}[key]
    return round(base + 0.01 * user + 0.000097 * j, 6)


def text(number: float | int) -> str:
    """A setting's value as typed, and as the page writes it (``%g``)."""
    return str(number) if isinstance(number, int) else f"{number:g}"


def tokens(number: float | int) -> list[str]:
    """The ways a page may write ``number``: ``1305`` and ``1,305``; ``0.500097``."""
    return [text(number), f"{number:,}"] if isinstance(number, int) else [text(number)]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100): the smallest value with at least q% of values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Change:
    key: str
    value: float | int
    kind: str  # "new" (a value never trained: the server trains) or "earlier" (back to the previous one: cached)
    phases: harness.Phases


@dataclass
class User:
    """One simulated learner: what it did, what it should see, what it saw."""

    index: int
    config: Config = DEFAULTS
    kept: list[Config] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    keeps: list[harness.Phases] = field(default_factory=list)
    set_values: list[float | int] = field(default_factory=list)  # every value this user typed that is its own
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)  # isolation checks that failed
    seen: str = ""  # page text, input values and URL at the end, for the cross-user check
    open_seconds: float = float("nan")

    def keep(self) -> None:
        """What ui/compare.py's keep() does to this session's kept runs."""
        if self.config in self.kept:
            return
        self.kept.append(self.config)
        if len(self.kept) > MAX_KEPT:
            self.kept.pop(0)

    def expected_names(self) -> list[str]:
        """The kept runs' names as the Compare tab writes them (ui/compare.py's names())."""
        distinct = list(dict.fromkeys([self.config, *self.kept]))
        auto = dict(zip(distinct, run_names(distinct)))
        return [auto[c] for c in self.kept]


@dataclass
class Result:
    users: list[User]
    think: float
    seconds: float  # driving time, first change to last redraw
    open_seconds: float  # all pages opened
    server_peak_kb: int
    server_cpu: float  # CPU-seconds of the server while driving
    browser_cpu: float  # CPU-seconds of every browser process and of Playwright (drivers, this program) while driving
    machine_cpu: float  # CPU-seconds of the whole machine while driving, other people's processes included
    browser_pss_kb: int
    script_runs: list[tuple[float, float]]  # (wall, CPU) seconds of each script run on the server while driving
    hard_limit_hit: bool = False
    server_core: bool = False

    @property
    def changes(self) -> list[Change]:
        return [c for u in self.users for c in u.changes]

    @property
    def totals(self) -> list[float]:
        return [c.phases.total for c in self.changes]

    @property
    def errors(self) -> list[str]:
        out = [f"user {u.index}: {e}" for u in self.users for e in u.errors]
        return out + (["the hard time limit ended the run"] if self.hard_limit_hit else [])

    @property
    def mismatches(self) -> list[str]:
        return [f"user {u.index}: {m}" for u in self.users for m in u.mismatches]


# -- processes, from /proc (psutil is not installed) ---------------------------------------------------

def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError):
                children.setdefault(int(_stat(int(entry))[1]), []).append(int(entry))
    out, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        out.append(child)
        todo += children.get(child, [])
    return out


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kb(pid: int, name: str, file: str = "status") -> int:
    """A ``kB`` field of /proc/<pid>/status (``VmHWM``, ``VmRSS``) or smaps_rollup (``Pss``); 0 if gone."""
    with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{pid}/{file}") as f:
        return int(f.read().split(f"{name}:")[1].split()[0])
    return 0


def machine_busy() -> float:
    """CPU-seconds all cores have spent busy since boot (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as f:
        ticks = [int(t) for t in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class Browsers:
    """The processes of this program other than the server's: Playwright's drivers and every Chromium."""

    def __init__(self, server_pid: int) -> None:
        self.excluded = {server_pid, *descendants(server_pid)}

    def pids(self) -> list[int]:
        """This process (the Playwright clients' threads) and its descendants but the server."""
        return [os.getpid(), *(p for p in descendants(os.getpid()) if p not in self.excluded)]

    def cpu(self) -> dict[int, float]:
        out = {}
        for pid in self.pids():
            with contextlib.suppress(OSError, IndexError):
                out[pid] = cpu_seconds(pid)
        return out

    def pss_kb(self) -> int:
        return sum(status_kb(pid, "Pss", "smaps_rollup") for pid in self.pids())

    def kill(self) -> None:
        """Last resort after the hard time limit: end them, one by one, by their ids."""
        for pid in self.pids()[1:]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


# -- one user ------------------------------------------------------------------------------------------

def _field(page, key: str):
    return harness.keyed(page, key).locator("input")


def _setter(key: str, number: float | int) -> Callable:
    return lambda page: harness.commit(_field(page, key), text(number))


def _keep_button(page):
    return page.get_by_role("button", name="Keep this run", exact=True)


def _no_problems(page, user: User, where: str) -> None:
    found = page.evaluate(PROBLEMS)
    if found["exceptions"]:
        user.errors.append(f"{where}: the page shows {found['exceptions']} exception(s)")
    if found["traceback"]:
        user.errors.append(f"{where}: the page shows 'Traceback'")


class Scenario:
    """Shared state of one load run: the server, the start and stop of the driving, the users."""

    def __init__(self, url: str, users: int, seconds: float, think: float, seed: int, limit: float,
                 browser_cpus: set[int] | None = None) -> None:
        self.url, self.seconds, self.think, self.seed = url, seconds, think, seed
        self.browser_cpus = browser_cpus
        self.users = [User(i) for i in range(users)]
        self.hard_deadline = time.monotonic() + limit
        self.opening = threading.Semaphore(OPEN_AT_ONCE)
        self.checking = threading.Semaphore(OPEN_AT_ONCE)  # the Compare tab's first run is heavy too
        self.on_start: Callable[[], None] = lambda: None
        self.on_stop: Callable[[], None] = lambda: None
        self.start = threading.Barrier(users, action=self._started)
        self.stop = threading.Barrier(users, action=self._stopped)
        self.deadline = math.inf

    def _started(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.on_start()

    def _stopped(self) -> None:
        self.on_stop()

    def remaining(self) -> float:
        return max(1.0, self.hard_deadline - time.monotonic())

    def _wait(self, barrier: threading.Barrier) -> None:
        try:
            barrier.wait(timeout=self.remaining())
        except threading.BrokenBarrierError:  # a user failed before it: the others go on, still bounded
            self.deadline = min(self.deadline, time.monotonic() + self.seconds)

    def run_user(self, user: User) -> None:
        """Open the page, drive it until the deadline, check isolation; always close the browser."""
        rng = random.Random(self.seed * 1000 + user.index)
        page, charts = None, 1
        try:
            if self.browser_cpus:  # this thread, and so the Playwright driver and the Chromium it starts
                os.sched_setaffinity(threading.get_native_id(), self.browser_cpus)
            with harness.browser() as chromium:
                try:
                    with self.opening:
                        opened = time.monotonic()
                        page = harness.open_app(chromium, self.url, timeout=OPEN_TIMEOUT)
                        charts = harness.wait_for_idle(page, charts=1)["drawn"]
                        user.open_seconds = time.monotonic() - opened
                except Exception as error:  # noqa: BLE001 - any failure is this user's error, reported
                    user.errors.append(f"opening the page: {_short(error)}")
                self._wait(self.start)
                if page is not None:
                    self._drive(page, user, rng, charts)
                self._wait(self.stop)
                if page is not None:
                    with self.checking:
                        self._check(page, user)
                    page.context.close()
        except Exception as error:  # noqa: BLE001
            user.errors.append(f"{_short(error)}")
            with contextlib.suppress(threading.BrokenBarrierError):
                self.start.abort()
                self.stop.abort()

    def _drive(self, page, user: User, rng: random.Random, charts: int) -> None:
        time.sleep(rng.uniform(0, self.think))  # users do not all press Enter in the same millisecond
        history: list[tuple[str, float | int, float | int]] = []  # (key, before, after) of new values
        new_values, last_kind = 0, ""
        while time.monotonic() < self.deadline:
            if history and last_kind == "new" and rng.random() < EARLIER_SHARE:
                key, before, _ = history.pop()
                number, kind = before, "earlier"
            else:
                key = SETTINGS[new_values % len(SETTINGS)]
                number, kind = value(user.index, key, new_values // len(SETTINGS)), "new"
                history.append((key, getattr(user.config, key), number))
                new_values += 1
                user.set_values.append(number)
            try:
                phases = harness.measure_change_phases(page, _setter(key, number), STEP_TIMEOUT, charts)
                user.config = user.config.replace(**{key: number})
                user.changes.append(Change(key, number, kind, phases))
                _no_problems(page, user, f"after {key} = {text(number)}")
                if len(user.changes) == 1 or rng.random() < KEEP_SHARE:
                    user.keeps.append(
                        harness.measure_change_phases(page, lambda p: _keep_button(p).click(), STEP_TIMEOUT, charts)
                    )
                    user.keep()
            except Exception as error:  # noqa: BLE001 - the state is unknown now: stop this user's driving
                user.errors.append(f"changing {key} to {text(number)}: {_short(error)}")
                return
            last_kind = kind
            time.sleep(rng.uniform(0.5 * self.think, 1.5 * self.think))

    def _check(self, page, user: User) -> None:
        """Isolation, read back from the page: sidebar, URL, Compare tab."""
        bad = user.mismatches
        try:
            query = parse_qs(urlparse(page.url).query)
            for key in SETTINGS:
                want = getattr(user.config, key)
                shown = _field(page, key).input_value()
                if float(shown.replace(",", "")) != want:
                    bad.append(f"sidebar {key} shows {shown}, the user's last value is {text(want)}")
                in_link = query.get(key, [text(getattr(DEFAULTS, key))])[0]
                if float(in_link) != want:
                    bad.append(f"the URL's {key} is {in_link}, the user's last value is {text(want)}")
            tab = page.get_by_role("tab", name="Compare", exact=True)
            # the click reruns the script (lazy tabs): wait for that run to finish, however late it starts
            harness.measure_change_phases(page, lambda p: tab.click(), OPEN_TIMEOUT, charts=0)
            page.wait_for_function("(el) => el.getAttribute('aria-selected') === 'true'", arg=tab.element_handle())
            _no_problems(page, user, "in the Compare tab")
            panel = page.get_by_test_id("stExpander").filter(has_text="Kept runs")
            label = panel.locator("summary").get_by_test_id("stMarkdownContainer").inner_text().strip()
            want_label = f"Kept runs ({len(user.kept)} of at most {MAX_KEPT};"
            if not label.startswith(want_label):
                bad.append(f"the Compare tab says '{label}', expected '{want_label} ...'")
            names = [i.input_value() for i in panel.get_by_test_id("stTextInput").locator("input").all()]
            if names != user.expected_names():
                bad.append(f"kept runs named {names}, expected {user.expected_names()}")
            inputs = page.evaluate("() => [...document.querySelectorAll('input')].map((i) => i.value).join('\\n')")
            user.seen = "\n".join([page.url, inputs, page.evaluate("document.body.innerText")])
        except Exception as error:  # noqa: BLE001
            user.errors.append(f"checking isolation: {_short(error)}")


def _split_cpus(server_pid: int) -> set[int]:
    """Confine the server (each of its threads; new ones inherit) to the first CPU; the other CPUs for the rest."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise ValueError("server_core needs at least two CPUs")
    for task in os.listdir(f"/proc/{server_pid}/task"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(task), {cpus[0]})
    return set(cpus[1:])


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0][:300] if str(error) else ''}"


def _cross_check(users: list[User]) -> None:
    """No user's page, inputs or URL holds a value that another user set."""
    for user in users:
        if not user.seen:
            continue
        others = {t for other in users if other is not user for v in other.set_values for t in tokens(v)}
        if not others:
            continue
        pattern = re.compile(r"(?<![\d.,])(" + "|".join(map(re.escape, sorted(others))) + r")(?![\d])")
        found = sorted(set(pattern.findall(user.seen)))
        if found:
            user.mismatches.append(f"its page shows other users' values {found[:10]}")


# -- the whole run -------------------------------------------------------------------------------------

def run(users: int = 10, seconds: float = 60, think: float = 2.0, seed: int = 0, server_core: bool = False,
        limit: float | None = None, log: Callable[[str], None] = lambda line: None) -> Result:
    """Start one server, run ``users`` users for ``seconds`` of changes, check isolation; the measurements.

    ``limit`` (seconds, default: generous for ``users`` and ``seconds``) bounds the whole run: past
    it the browsers are killed. The server and the browsers are shut down in every case.
    """
    if not 1 <= users <= MAX_USERS:
        raise ValueError(f"users: {users}; between 1 and {MAX_USERS}")
    limit = limit or 60 + 12 * users + seconds + 60
    with tempfile.TemporaryDirectory() as folder:
        times = Path(folder) / "script-times"
        pythonpath = os.pathsep.join(filter(None, [str(HOOK), os.environ.get("PYTHONPATH")]))
        env = {"PYTHONPATH": pythonpath, "BACKPROP_LAB_SCRIPT_TIMES": str(times)}
        began = time.monotonic()
        with harness.serve_process(env=env) as server:
            log(f"server up at {server.url} in {time.monotonic() - began:.1f} s; opening {users} pages")
            browser_cpus = _split_cpus(server.pid) if server_core else None
            scenario = Scenario(server.url, users, seconds, think, seed, limit - (time.monotonic() - began),
                                browser_cpus)
            browsers = Browsers(server.pid)
            marks: dict[str, object] = {}

            def started() -> None:
                marks.update(start=time.monotonic(), start_wall=time.time(), opened=time.monotonic() - began,
                             server=cpu_seconds(server.pid), browsers=browsers.cpu(), machine=machine_busy())
                log(f"all pages open after {marks['opened']:.1f} s; driving for {seconds:g} s")

            def stopped() -> None:
                marks.update(stop=time.monotonic(), stop_wall=time.time(), server_end=cpu_seconds(server.pid),
                             browsers_end=browsers.cpu(), machine_end=machine_busy(), pss=browsers.pss_kb())
                log(f"driving done after {marks['stop'] - marks['start']:.1f} s; checking isolation")

            scenario.on_start, scenario.on_stop = started, stopped
            threads = [
                threading.Thread(target=scenario.run_user, args=(u,), name=f"user-{u.index}", daemon=True)
                for u in scenario.users
            ]
            for thread in threads:
                thread.start()
            hard_limit_hit = False
            try:
                for thread in threads:
                    thread.join(max(0.0, scenario.hard_deadline - time.monotonic()))
                    hard_limit_hit = hard_limit_hit or thread.is_alive()
            finally:
                if hard_limit_hit or any(t.is_alive() for t in threads):
                    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # the killed drivers' futures
                    browsers.kill()
            peak = status_kb(server.pid, "VmHWM")
        runs = _script_runs(times, marks.get("start_wall", 0.0), marks.get("stop_wall", math.inf))
    _cross_check(scenario.users)
    start, stop = marks.get("start"), marks.get("stop")
    driving = (stop - start) if start is not None and stop is not None else float("nan")
    browser_cpu = 0.0
    if "browsers_end" in marks:
        before = marks["browsers"]
        browser_cpu = sum(v - before.get(pid, 0.0) for pid, v in marks["browsers_end"].items())
    return Result(
        users=scenario.users, think=think, seconds=driving, open_seconds=marks.get("opened", float("nan")),
        server_peak_kb=peak, server_cpu=marks.get("server_end", 0.0) - marks.get("server", 0.0),
        browser_cpu=browser_cpu, machine_cpu=marks.get("machine_end", 0.0) - marks.get("machine", 0.0),
        browser_pss_kb=marks.get("pss", 0), script_runs=runs, hard_limit_hit=hard_limit_hit,
        server_core=server_core,
    )


def _script_runs(path: Path, start: float, stop: float) -> list[tuple[float, float]]:
    """The server's script runs that ended while the users were driving: (wall, CPU) seconds."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        with contextlib.suppress(ValueError):
            end, wall, cpu = map(float, line.split())
            if start <= end <= stop:
                out.append((wall, cpu))
    return out


def summary(result: Result) -> str:
    """The figures, as printed by the benchmark and by tests/test_load.py under ``pytest -s``."""
    users, totals = result.users, result.totals
    lines = [f"Backprop Lab under load: {len(users)} users, one server, {result.seconds:.0f} s of changes, "
             f"think time {0.5 * result.think:g}-{1.5 * result.think:g} s between changes, {os.cpu_count()} cores"
             + ("; the server alone on CPU 0, the browsers on the others" if result.server_core else "")]
    if totals:
        p95 = percentile(totals, 95)
        verdict = "met" if p95 < TARGET_P95 else "MISSED"
        lines.append(f"  change -> charts redrawn: median {statistics.median(totals):.2f} s, p95 {p95:.2f} s, "
                     f"max {max(totals):.2f} s   (target p95 < {TARGET_P95:g} s: {verdict})")
        for kind, name in (("new", "new value (trains)"), ("earlier", "earlier value (cached)")):
            some = [c.phases.total for c in result.changes if c.kind == kind]
            if some:
                lines.append(f"    {name:<24} {len(some):4d} changes, median {statistics.median(some):.2f} s, "
                             f"p95 {percentile(some, 95):.2f} s")
        parts = " / ".join(f"{statistics.median(getattr(c.phases, f) for c in result.changes):.2f}"
                           for f in ("to_run", "run", "draw"))
        lines.append(f"    phases (median s): to run / run / draw = {parts}")
    keeps = [k.total for u in users for k in u.keeps]
    if keeps:
        lines.append(f"    'Keep this run' -> redrawn: {len(keeps)} presses, median {statistics.median(keeps):.2f} s")
    per_user = [len(u.changes) for u in users]
    lines.append(f"  changes {len(totals)} ({min(per_user)}-{max(per_user)} per user), "
                 f"keeps {sum(len(u.keeps) for u in users)}, errors {len(result.errors)}, "
                 f"isolation failures {len(result.mismatches)}")
    lines.append(f"  server: peak memory (VmHWM) {result.server_peak_kb / 1024:.0f} MB")
    if result.seconds > 0:
        per = {name: cpu / result.seconds for name, cpu in (
            ("server", result.server_cpu), ("browsers", result.browser_cpu),
            ("other", max(0.0, result.machine_cpu - result.server_cpu - result.browser_cpu)))}
        lines.append(f"  CPU while driving, in cores of {os.cpu_count()}: server {per['server']:.2f}, browsers and "
                     f"Playwright {per['browsers']:.2f}, other processes on the machine {per['other']:.2f}; "
                     f"browsers' memory (PSS) {result.browser_pss_kb / 1024 ** 2:.1f} GB")
    if result.script_runs:
        walls, cpus = [w for w, _ in result.script_runs], [c for _, c in result.script_runs]
        lines.append(f"  server script runs: {len(walls)}, wall median {statistics.median(walls):.2f} s "
                     f"(p95 {percentile(walls, 95):.2f} s), CPU median {statistics.median(cpus):.2f} s; "
                     f"{sum(cpus) / result.seconds:.2f} cores of script work")
    lines.append(f"  pages opened (two at a time) in {result.open_seconds:.0f} s, median "
                 f"{statistics.median(u.open_seconds for u in users):.1f} s each")
    lines += [f"  ERROR {e}" for e in result.errors[:20]]
    lines += [f"  ISOLATION {m}" for m in result.mismatches[:20]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60, help="driving time (default 60)")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a user's changes (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--server-core", action="store_true",
                        help="diagnosis: the server runs on CPU 0 only and the browsers on the other CPUs, so they "
                             "do not take the server's CPU (as when every user has a machine of their own)")
    args = parser.parse_args()

    def stop(signum, frame):  # SIGTERM unwinds like Ctrl-C: the server and the browsers are shut down
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    result = run(args.users, args.seconds, args.think, args.seed, args.server_core,
                 log=lambda line: print(line, flush=True))
    print(summary(result))
    if result.errors or result.mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
