"""Ten learners at once: one server, ten sessions changing settings and keeping runs at the same time.

    python -m benchmarks.load [--users 10] [--seconds 60] [--think 2] [--no-browser]

One server (tests/harness.py's ``serve_process``). Each user is a thread holding one Streamlit
session over the page's own websocket protocol (benchmarks/protocol.py): on a shared server every
learner's browser runs on the learner's machine, so the users here cost the server what browsers
would and leave this machine's two cores to it. For ``--seconds`` each user:

- changes one sidebar setting (``init_scale``, ``lr`` or ``iterations``) to a value no other user
  ever sets (each user's values lie in a range of its own: :func:`value`): a new value, which trains,
  or now and then its previous value again, a run the cache holds;
- times it: from the request sent to the run finished, every chart's data received;
- presses "Keep this run" after its first change and then now and then;
- pauses ``--think`` seconds on average (uniform 0.5x to 1.5x) to look at the charts.

Meanwhile one more learner uses a real page in headless Chromium (unless ``--no-browser``) and
times its changes to every chart redrawn (``harness.measure_change_phases``), as a learner feels
them while the ten others load the server; its Chromium shares this machine's cores with the server.

Then each user checks isolation on what its own session receives: the Results tab's status names
its own last iteration count; the Compare tab's "Kept runs (N of at most 8 ...)" and the kept runs'
names are exactly the runs it kept (names are the settings that differ: ``lab.frames.run_names``);
no run ends with an exception; and no text it received holds a value another user set.

Printed: change-to-data median and 95th percentile (target p95 < 3 s) and the browser's
change-to-redraw, changes, keeps, errors, isolation, the server's peak memory (VmHWM in its /proc
status; 1 GB or more is an error), the server's script runs (timed inside the server by
benchmarks/server_hook: wall and CPU seconds) and the CPU used while driving by the server and by
everything else. A hard time limit ends the run in any case; the server and the browser are always
shut down. tests/test_load.py runs the same scenario (:func:`run`) for a shorter time.
"""

from __future__ import annotations

import contextlib
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

from benchmarks import users_parser
from benchmarks.protocol import Page, Session
from lab.frames import run_names
from mlp import Config
from tests import harness

SETTINGS = ("init_scale", "lr", "iterations")
DEFAULTS = Config()
MAX_KEPT = 8  # ui/kept.py keeps at most this many runs per session
PEAK_MEMORY_MB = 1000  # the server's peak memory must stay below this (a shared server has about 1 GB)
TARGET_P95 = 3.0
STEP_TIMEOUT = 60
OPEN_TIMEOUT = 120
EARLIER_SHARE = 0.3  # share of changes that go back to the previous value (a cached run)
KEEP_SHARE = 0.25  # share of changes followed by "Keep this run"
MAX_USERS = 50  # past this the per-user value ranges below stop being sensible settings
FINE = [j for j in range(1, 100) if j % 10]  # steps inside a user's range; never a round number
HOOK = Path(__file__).resolve().parent / "server_hook"
BINARY = {"vega_lite_chart", "arrow_data_frame", "dataframe", "arrow_table"}  # elements whose text is data bytes


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
    seconds: float  # change -> every chart's data received (protocol users) or redrawn (the browser)


@dataclass
class User:
    """One simulated learner: what it did, what it should see, what it saw."""

    index: int
    config: Config = DEFAULTS
    kept: list[Config] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    keeps: list[float] = field(default_factory=list)  # seconds from the press to the run's end
    set_values: list[float | int] = field(default_factory=list)  # every value this user set that is its own
    errors: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)  # isolation checks that failed
    seen: str = ""  # text received at the end, for the cross-user check
    open_seconds: float = float("nan")

    def keep(self) -> None:
        """What ui/kept.py's keep() does to this session's kept runs."""
        if self.config in self.kept:
            return
        self.kept.append(self.config)
        if len(self.kept) > MAX_KEPT:
            self.kept.pop(0)

    def expected_names(self) -> list[str]:
        """The kept runs' names as the Compare tab writes them (ui/kept.py's names())."""
        distinct = list(dict.fromkeys([self.config, *self.kept]))
        auto = dict(zip(distinct, run_names(distinct)))
        return [auto[c] for c in self.kept]

    def next_change(self, rng: random.Random, history: list, last_kind: str) -> tuple[str, float | int, str]:
        """The next setting to change, its value and kind; ``history`` holds (key, before) of new values."""
        if history and last_kind == "new" and rng.random() < EARLIER_SHARE:
            key, before = history.pop()
            return key, before, "earlier"
        new = len(self.set_values)
        key = SETTINGS[new % len(SETTINGS)]
        number = value(self.index, key, new // len(SETTINGS))
        history.append((key, getattr(self.config, key)))
        self.set_values.append(number)
        return key, number, "new"


@dataclass
class Result:
    users: list[User]
    browser: User | None  # the learner in Chromium, if any
    think: float
    seconds: float  # driving time, first change to last
    server_peak_kb: int
    server_cpu: float  # CPU-seconds of the server while driving
    machine_cpu: float  # CPU-seconds of the whole machine while driving: the server, the clients, the rest
    script_runs: list[tuple[float, float]]  # (wall, CPU) seconds of each script run on the server while driving
    hard_limit_hit: bool = False

    @property
    def changes(self) -> list[Change]:
        return [c for u in self.users for c in u.changes]

    @property
    def totals(self) -> list[float]:
        return [c.seconds for c in self.changes]

    @property
    def everyone(self) -> list[User]:
        return self.users + ([self.browser] if self.browser else [])

    @property
    def errors(self) -> list[str]:
        out = [f"{_who(u, self)}: {e}" for u in self.everyone for e in u.errors]
        if self.server_peak_kb / 1024 >= PEAK_MEMORY_MB:
            out.append(f"the server's peak memory was {self.server_peak_kb / 1024:.0f} MB, over {PEAK_MEMORY_MB} MB")
        return out + (["the hard time limit ended the run"] if self.hard_limit_hit else [])

    @property
    def mismatches(self) -> list[str]:
        return [f"{_who(u, self)}: {m}" for u in self.everyone for m in u.mismatches]


def _who(user: User, result: Result) -> str:
    return "the browser user" if user is result.browser else f"user {user.index}"


# -- processes, from /proc (psutil is not installed) ---------------------------------------------------


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kb(pid: int, name: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (``VmHWM``, ``VmRSS``); 0 if gone."""
    with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{pid}/status") as f:
        return int(f.read().split(f"{name}:")[1].split()[0])
    return 0


def machine_busy() -> float:
    """CPU-seconds all cores have spent busy since boot (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as f:
        ticks = [int(t) for t in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


# -- the users -----------------------------------------------------------------------------------------


def _readable(page: Page) -> str:
    """The text of every element but the charts' and tables' data."""
    kept = [e for e in page.elements.values() if e.WhichOneof("type") not in BINARY]
    return "\n".join(str(p) for p in [*page.blocks.values(), *kept])


def _status_iterations(page: Page) -> str:
    """The Results tab's "Finished 1,305 iterations" sentence, or ''."""
    return next((m.body for m in page.of_type("markdown") if m.body.startswith("Finished ")), "")


class Scenario:
    """Shared state of one load run: the server, the start and stop of the driving, the users."""

    def __init__(
        self, url: str, users: int, seconds: float, think: float, seed: int, limit: float, browser: bool
    ) -> None:
        self.url, self.seconds, self.think, self.seed = url, seconds, think, seed
        self.users = [User(i) for i in range(users)]
        self.browser = User(users) if browser else None  # the next value range: its own too
        self.hard_deadline = time.monotonic() + limit
        self.on_start: Callable[[], None] = lambda: None
        self.on_stop: Callable[[], None] = lambda: None
        parties = users + (1 if browser else 0)
        self.start = threading.Barrier(parties, action=self._started)
        self.stop = threading.Barrier(parties, action=self._stopped)
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

    def _abort(self) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            self.start.abort()
            self.stop.abort()

    def run_user(self, user: User) -> None:
        """Open a session, drive it until the deadline, check isolation; always close it."""
        rng = random.Random(self.seed * 1000 + user.index)
        try:
            opened = time.monotonic()
            with Session(self.url, timeout=OPEN_TIMEOUT) as session:
                user.open_seconds = time.monotonic() - opened
                session.timeout = STEP_TIMEOUT
                self._wait(self.start)
                keep = lambda: session.click("Keep this run").seconds  # noqa: E731
                self._drive(user, rng, lambda key, number: session.set(key, number).seconds, keep)
                self._wait(self.stop)
                self._check(session, user)
        except Exception as error:  # noqa: BLE001 - any failure is this user's error, reported
            user.errors.append(_short(error))
            self._abort()

    def _drive(
        self,
        user: User,
        rng: random.Random,
        change: Callable[[str, float | int], float],
        keep: Callable[[], float] | None = None,
    ) -> None:
        """Until the deadline: ``change(key, value)`` (its seconds), now and then ``keep()`` (its seconds), think."""
        time.sleep(rng.uniform(0, self.think))  # users do not all press Enter in the same millisecond
        history: list[tuple[str, float | int]] = []
        last_kind = ""
        while time.monotonic() < self.deadline:
            key, number, last_kind = user.next_change(rng, history, last_kind)
            try:
                seconds = change(key, number)
                user.config = user.config.replace(**{key: number})
                user.changes.append(Change(key, number, last_kind, seconds))
                if keep is not None and (len(user.changes) == 1 or rng.random() < KEEP_SHARE):
                    user.keep()  # the press is sent: the server keeps it, whatever happens next
                    user.keeps.append(keep())
            except Exception as error:  # noqa: BLE001 - the state is unknown now: stop this user's driving
                user.errors.append(f"changing {key} to {text(number)}: {_short(error)}")
                return
            time.sleep(rng.uniform(0.5 * self.think, 1.5 * self.think))

    def _check(self, session: Session, user: User) -> None:
        """Isolation, from what this session receives: the Results tab's status, then the Compare tab."""
        bad = user.mismatches
        results = session.rerun()
        status, want = _status_iterations(results), f"Finished {user.config.iterations:,} iterations"
        if not status.startswith(want):
            bad.append(f"the Results tab says '{status[:80]}', expected '{want} ...'")
        compare = session.set("tab", "Compare")
        labels = [b.expandable.label for b in compare.blocks.values() if b.WhichOneof("type") == "expandable"]
        label = next((x for x in labels if x.startswith("Kept runs")), "(no kept runs panel)")
        want_label = f"Kept runs ({len(user.kept)} of at most {MAX_KEPT};"
        if not label.startswith(want_label):
            bad.append(f"the Compare tab says '{label}', expected '{want_label} ...'")
        # The name boxes take their value from the session (ui/compare.py): it comes as ``value``, not ``default``.
        names = [t.value if t.set_value else t.default for t in compare.of_type("text_input") if t.label == "Name"]
        if names != user.expected_names():
            bad.append(f"kept runs named {names}, expected {user.expected_names()}")
        user.seen = _readable(results) + "\n" + _readable(compare)

    def run_browser(self, user: User) -> None:
        """The learner in Chromium: the same changes, timed to every chart redrawn; always closes the browser."""
        rng = random.Random(self.seed * 1000 + user.index)
        try:
            with harness.browser() as chromium:
                opened = time.monotonic()
                page = harness.open_app(chromium, self.url, timeout=OPEN_TIMEOUT)
                charts = harness.wait_for_idle(page, charts=1)["drawn"]
                user.open_seconds = time.monotonic() - opened
                self._wait(self.start)

                def change(key: str, number: float | int) -> float:
                    commit = lambda p: harness.commit(harness.keyed(p, key).locator("input"), text(number))  # noqa: E731
                    return harness.measure_change_phases(page, commit, STEP_TIMEOUT, charts).total

                self._drive(user, rng, change)
                self._wait(self.stop)
                user.seen = page.evaluate("document.body.innerText")
                page.context.close()
        except Exception as error:  # noqa: BLE001
            user.errors.append(_short(error))
            self._abort()


def _short(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0][:300] if str(error) else ''}"


def _cross_check(users: list[User]) -> None:
    """No user's session received a value that another user set."""
    for user in users:
        if not user.seen:
            continue
        # Learning rates and scales only: an iteration count of another user's range can be this user's own
        # snapshot ("a plateau from iteration 31 to 1,101"); iterations are checked by the status and the names.
        others = {
            t
            for other in users
            if other is not user
            for v in other.set_values
            if isinstance(v, float)
            for t in tokens(v)
        }
        if not others:
            continue
        # whole tokens only: widget ids hold hex digits ("$$ID-...a1302f..."), which are no setting
        pattern = re.compile(r"(?<![\w.,])(" + "|".join(map(re.escape, sorted(others))) + r")(?![\w])")
        found = sorted(set(pattern.findall(user.seen)))
        if found:
            where = [user.seen[max(0, m.start() - 80) : m.end() + 40] for m in pattern.finditer(user.seen)][:3]
            user.mismatches.append(f"it received other users' values {found[:10]}, in: {where}")


# -- the whole run -------------------------------------------------------------------------------------


def run(
    users: int = 10,
    seconds: float = 60,
    think: float = 2.0,
    seed: int = 0,
    browser: bool = True,
    limit: float | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> Result:
    """Start one server, run ``users`` users (and a browser user) for ``seconds`` of changes, check isolation.

    ``limit`` (seconds, default: generous for ``seconds``) bounds the whole run: threads still going
    past it are abandoned (they are daemons) and reported. The server and the browser are shut down
    in every case.
    """
    if not 1 <= users < MAX_USERS:
        raise ValueError(f"users: {users}; between 1 and {MAX_USERS - 1}")
    limit = limit or 60 + seconds + 120
    with tempfile.TemporaryDirectory() as folder:
        times = Path(folder) / "script-times"
        pythonpath = os.pathsep.join(filter(None, [str(HOOK), os.environ.get("PYTHONPATH")]))
        env = {"PYTHONPATH": pythonpath, "BACKPROP_LAB_SCRIPT_TIMES": str(times)}
        began = time.monotonic()
        with harness.serve_process(env=env) as server:
            log(
                f"server up at {server.url} in {time.monotonic() - began:.1f} s; opening {users} sessions"
                + (" and a browser page" if browser else "")
            )
            scenario = Scenario(server.url, users, seconds, think, seed, limit - (time.monotonic() - began), browser)
            marks: dict[str, float] = {}

            def readings() -> tuple[float, float, float, float]:
                """Clock, wall clock, the server's CPU seconds and the machine's busy seconds, now."""
                return time.monotonic(), time.time(), cpu_seconds(server.pid), machine_busy()

            def started() -> None:
                marks["start"], marks["start_wall"], marks["server"], marks["machine"] = readings()
                log(f"all open after {marks['start'] - began:.1f} s; driving for {seconds:g} s")

            def stopped() -> None:
                marks["stop"], marks["stop_wall"], marks["server_end"], marks["machine_end"] = readings()
                log(f"driving done after {marks['stop'] - marks['start']:.1f} s; checking isolation")

            scenario.on_start, scenario.on_stop = started, stopped
            threads = [threading.Thread(target=scenario.run_user, args=(u,), daemon=True) for u in scenario.users]
            if scenario.browser:
                threads.append(threading.Thread(target=scenario.run_browser, args=(scenario.browser,), daemon=True))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(max(0.0, scenario.hard_deadline - time.monotonic()))
            hard_limit_hit = any(t.is_alive() for t in threads)
            peak = status_kb(server.pid, "VmHWM")
        runs = _script_runs(times, marks.get("start_wall", 0.0), marks.get("stop_wall", math.inf))
    _cross_check(scenario.users + ([scenario.browser] if scenario.browser else []))
    start, stop = marks.get("start"), marks.get("stop")
    return Result(
        users=scenario.users,
        browser=scenario.browser,
        think=think,
        seconds=(stop - start) if start is not None and stop is not None else float("nan"),
        server_peak_kb=peak,
        server_cpu=marks.get("server_end", 0.0) - marks.get("server", 0.0),
        machine_cpu=marks.get("machine_end", 0.0) - marks.get("machine", 0.0),
        script_runs=runs,
        hard_limit_hit=hard_limit_hit,
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


def _spread(name: str, values: list[float]) -> str:
    return (
        f"{name:<28} {len(values):4d} changes, median {statistics.median(values):.2f} s, "
        f"p95 {percentile(values, 95):.2f} s, max {max(values):.2f} s"
    )


def summary(result: Result) -> str:
    """The figures, as printed by the benchmark and by tests/test_load.py under ``pytest -s``."""
    users, totals = result.users, result.totals
    lines = [
        f"Backprop Lab under load: {len(users)} users, one server, {result.seconds:.0f} s of changes, "
        f"think time {0.5 * result.think:g}-{1.5 * result.think:g} s between changes, {os.cpu_count()} cores"
    ]
    if totals:
        p95 = percentile(totals, 95)
        verdict = "met" if p95 < TARGET_P95 else "MISSED"
        lines.append(
            f"  change -> every chart's data received: median {statistics.median(totals):.2f} s, "
            f"p95 {p95:.2f} s, max {max(totals):.2f} s   (target p95 < {TARGET_P95:g} s: {verdict})"
        )
        for kind, name in (("new", "new value (trains)"), ("earlier", "earlier value (cached)")):
            some = [c.seconds for c in result.changes if c.kind == kind]
            if some:
                lines.append("    " + _spread(name, some))
    keeps = [k for u in users for k in u.keeps]
    if keeps:
        lines.append(f"    'Keep this run' -> run ended: {len(keeps)} presses, median {statistics.median(keeps):.2f} s")
    if result.browser and result.browser.changes:
        lines.append("  the browser user, change -> every chart redrawn in Chromium on this machine:")
        lines.append("    " + _spread("while the others drive", [c.seconds for c in result.browser.changes]))
    per_user = [len(u.changes) for u in users]
    lines.append(
        f"  changes {len(totals)} ({min(per_user)}-{max(per_user)} per user), "
        f"keeps {len(keeps)}, errors {len(result.errors)}, isolation failures {len(result.mismatches)}"
    )
    lines.append(f"  server: peak memory (VmHWM) {result.server_peak_kb / 1024:.0f} MB (target < {PEAK_MEMORY_MB} MB)")
    if result.seconds > 0:
        server, machine = result.server_cpu / result.seconds, result.machine_cpu / result.seconds
        lines.append(
            f"  CPU while driving, in cores of {os.cpu_count()}: server {server:.2f}, everything else "
            f"(the clients, the browser, other processes) {max(0.0, machine - server):.2f}"
        )
    if result.script_runs:
        walls, cpus = [w for w, _ in result.script_runs], [c for _, c in result.script_runs]
        lines.append(
            f"  server script runs: {len(walls)}, wall median {statistics.median(walls):.2f} s "
            f"(p95 {percentile(walls, 95):.2f} s), CPU median {statistics.median(cpus):.2f} s"
        )
    lines += [f"  ERROR {e}" for e in result.errors[:20]]
    lines += [f"  ISOLATION {m}" for m in result.mismatches[:20]]
    return "\n".join(lines)


def main() -> None:
    parser = users_parser(__doc__)
    parser.add_argument("--seconds", type=float, default=60, help="driving time (default 60)")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a user's changes (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-browser", action="store_true", help="no learner in Chromium beside the users")
    args = parser.parse_args()

    def stop(signum, frame):  # SIGTERM unwinds like Ctrl-C: the server and the browser are shut down
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    result = run(
        args.users, args.seconds, args.think, args.seed, not args.no_browser, log=lambda line: print(line, flush=True)
    )
    print(summary(result))
    if result.errors or result.mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
