"""Memory of a shared server under many distinct links, and after its visitors leave.

    python -m benchmarks.memory [--users 10] [--links 10] [--after 60]

One server (tests/harness.py's ``serve_process``). ``--users`` visitors at once, each a thread
opening ``--links`` distinct allowed links one after the other, every link a new session over the page's
websocket protocol (benchmarks/protocol.py), as a browser tab does when it follows a link; the previous
session is closed. Every link is a run no other link asks for (its own seed); most are mid-size runs
(2-40-40-2, 1,000 snapshots: 29 MB of weights and gradients), some wide ones (2-128-128-2, 300 snapshots:
82 MB) and one in ten a heavy one (2-256-256-2, 149 snapshots: 159 MB), on the four tabs of a run in turn.

The server's resident memory (VmRSS) is sampled every half second while the visitors come and for
``--after`` seconds after the last one left; printed: the curve (every ``--every`` seconds), its peak
(VmHWM), and the memory once the sessions ended. Targets: peak under 1 GB, and under 500 MB once the
sessions end. The shared cache drops entries unused for ui.cache.TTL_SECONDS; ``--after`` longer than
that shows the fall to the server's own size.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field

from benchmarks import users_parser
from benchmarks.load import status_kb
from benchmarks.protocol import Session
from tests import harness

TABS = ("Results", "Weights", "Symmetry", "Backprop maths")
TARGETS_MB = {"peak": 1000, "after": 500}
LINK_TIMEOUT = 600  # s: a heavy link waits at the server's gate behind others


def link(user: int, j: int) -> str:
    """User ``user``'s ``j``-th link: a run no other link asks for (seed), on one of the run's tabs."""
    seed = 1000 * (user + 1) + j
    tab = TABS[(user + j) % len(TABS)].replace(" ", "+")
    if j % 10 == 9:
        shape = "layers=2,256,256,2&snapshots=149&iterations=148"
    elif j % 10 in (4, 7):
        shape = "layers=2,128,128,2&snapshots=300&iterations=299"
    else:
        shape = "layers=2,40,40,2&snapshots=1000&iterations=999"
    return f"{shape}&init=normal&seed={seed}&tab={tab}"


@dataclass
class Visitor:
    index: int
    seconds: list[float] = field(default_factory=list)  # per link: opened -> page received
    errors: list[str] = field(default_factory=list)


def visit(url: str, visitor: Visitor, links: int) -> None:
    for j in range(links):
        query = link(visitor.index, j)
        started = time.monotonic()
        try:
            with Session(url, query=query, timeout=LINK_TIMEOUT):
                visitor.seconds.append(time.monotonic() - started)
        except Exception as error:  # noqa: BLE001 - reported
            visitor.errors.append(f"{query}: {type(error).__name__}: {str(error)[:200]}")


def sample(pid: int, curve: list[tuple[float, int]], stop: threading.Event, began: float) -> None:
    while not stop.is_set():
        curve.append((time.monotonic() - began, status_kb(pid, "VmRSS")))
        stop.wait(0.5)


def run(users: int, links: int, after: float, root: str = str(harness.ROOT), log=print) -> dict:
    """Start a server, let ``users`` visitors open ``links`` links each, watch memory until ``after`` s past."""
    with harness.serve_process(root=root) as server:
        began = time.monotonic()
        curve: list[tuple[float, int]] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample, args=(server.pid, curve, stop, began), daemon=True)
        sampler.start()
        idle = status_kb(server.pid, "VmRSS")
        log(f"server up at {server.url}: {idle / 1024:.0f} MB; {users} visitors, {links} links each")
        visitors = [Visitor(i) for i in range(users)]
        threads = [threading.Thread(target=visit, args=(server.url, v, links), daemon=True) for v in visitors]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ended = time.monotonic() - began
        log(f"the last visitor left after {ended:.0f} s; watching for {after:g} s more")
        time.sleep(after)
        stop.set()
        sampler.join()
        peak = status_kb(server.pid, "VmHWM")
    return {"idle": idle, "curve": curve, "ended": ended, "peak": peak, "visitors": visitors}


def at(curve: list[tuple[float, int]], t: float) -> int:
    """The last sample at or before ``t`` seconds."""
    return next((kb for s, kb in reversed(curve) if s <= t), curve[0][1])


def summary(result: dict, every: float) -> str:
    curve, ended, mb = result["curve"], result["ended"], lambda kb: kb / 1024
    seconds = sorted(s for v in result["visitors"] for s in v.seconds)
    errors = [e for v in result["visitors"] for e in v.errors]
    lines = [
        f"Backprop Lab's memory: {len(result['visitors'])} visitors, {len(seconds)} links opened "
        f"({len(errors)} failed), {ended:.0f} s"
    ]
    lines.append(f"  {'t (s)':>7}  {'RSS (MB)':>9}")
    t = 0.0
    while t <= curve[-1][0]:
        mark = "  <- the last visitor left" if t <= ended < t + every else ""
        lines.append(f"  {t:7.0f}  {mb(at(curve, t)):9.0f}{mark}")
        t += every
    during = max(kb for s, kb in curve if s <= ended)
    last = curve[-1][1]
    peak_ok = mb(result["peak"]) < TARGETS_MB["peak"]
    after_ok = mb(last) < TARGETS_MB["after"]
    lines.append(
        f"  idle server {mb(result['idle']):.0f} MB; highest sample while visited {mb(during):.0f} MB; "
        f"peak (VmHWM) {mb(result['peak']):.0f} MB (target < {TARGETS_MB['peak']} MB: "
        f"{'met' if peak_ok else 'MISSED'})"
    )
    lines.append(
        f"  {curve[-1][0] - ended:.0f} s after the sessions ended: {mb(last):.0f} MB "
        f"(target < {TARGETS_MB['after']} MB: {'met' if after_ok else 'MISSED'})"
    )
    if seconds:
        lines.append(
            f"  link opened -> page received: median {seconds[len(seconds) // 2]:.1f} s, max {seconds[-1]:.1f} s"
        )
    lines += [f"  ERROR {e}" for e in errors[:10]]
    return "\n".join(lines)


def main() -> None:
    parser = users_parser(__doc__)
    parser.add_argument("--links", type=int, default=10, help="links each visitor opens, one after the other")
    parser.add_argument("--after", type=float, default=60, help="seconds to watch after the last visitor left")
    parser.add_argument("--every", type=float, default=15, help="seconds between printed points of the curve")
    parser.add_argument("--root", default=str(harness.ROOT), help="the checkout to serve (default: this one)")
    args = parser.parse_args()
    result = run(args.users, args.links, args.after, args.root)
    print(summary(result, args.every))
    if any(v.errors for v in result["visitors"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
