"""Dashboard speed as a learner feels it: a real server, a real browser, every chart drawn.

    python -m benchmarks.dashboard [--repeats 5] [--loads-only] [--root CHECKOUT] [--against CHECKOUT ...]

The question's network at 10,000 iterations (``?iterations=10000``; set through the sidebar if the
link does not set it). Each figure runs from the action (navigation, or a widget change committed
with Enter) to the rerun finished in the browser and the last chart painted, in the page's clock
(see tests/harness.py). The figures:

- cold page load: a new browser session (its own context: an empty cache) opens the link, the server
  warm (the first load after the server starts is printed on its own: it imports the libraries and
  trains);
- yardstick: the same for a typical small Streamlit dashboard (benchmarks/yardstick.py: ten number
  inputs, one Altair chart of 1,000 points, one table) served beside the lab, its loads taking turns
  with the lab's in the same browser; the lab's median over the yardstick's is the ratio printed;
- new run: the initial weight value (``init_scale``) changes to a value not used before, so the server trains;
- cached run: it goes back to a value already used, so the run comes from the cache.

``--against`` serves other checkouts beside it and times their cold loads in the same turns: a change
timed against the page without it. Beside the cold loads, the CPU time each server spent on them
(its process, every thread: the script, the websocket, the file watcher), median per load.

The yardstick is served from this repository, so it runs under the lab's .streamlit/config.toml.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys

from benchmarks.load import cpu_seconds
from tests import harness

ITERATIONS = 10_000
TARGETS = {"new run": 1.5, "cached run": 0.75}
YARDSTICK = "benchmarks/yardstick.py"
TARGET_RATIO = 1.25  # the lab's cold page load, at most this many times the yardstick's


def field(page, key: str):
    """The input of the widget with key ``key`` (the setting's name: ``iterations``, ``init_scale``)."""
    return harness.keyed(page, key).locator("input")


def setter(key: str, value: float):
    """The change "type ``value`` into widget ``key`` and press Enter", for harness.measure_change."""
    return lambda page: harness.commit(field(page, key), value)


def iterations_shown(page) -> int:
    return int(float(field(page, "iterations").input_value().replace(",", "")))


def ensure_iterations(page) -> str:
    """Make the page's run use ITERATIONS; say how it was set."""
    if iterations_shown(page) == ITERATIONS:
        return f"set by ?iterations={ITERATIONS}"
    harness.measure_change(page, setter("iterations", ITERATIONS))
    if iterations_shown(page) != ITERATIONS:
        raise RuntimeError(f"could not set Iterations to {ITERATIONS}")
    return "set through the sidebar: the link did not set it"


def cold_load(chromium, server: harness.Server, query: str = "") -> tuple[harness.Phases, int | None, float]:
    """One new session's load of ``server``'s page: its phases, the iterations it shows (None: no such
    widget, the yardstick) and the CPU seconds the server spent meanwhile."""
    before = cpu_seconds(server.pid)
    page = harness.open_app(chromium, server.url + query, timeout=120)
    try:
        shown = iterations_shown(page) if harness.keyed(page, "iterations").count() else None
        return harness.load_phases(page), shown, cpu_seconds(server.pid) - before
    finally:
        page.context.close()


def cold_loads(chromium, labs: dict[str, harness.Server], yardstick: harness.Server, repeats: int) -> tuple:
    """Each lab server's first page, then ``repeats`` new sessions of each lab and of the yardstick, in
    turns that rotate (the first page of each server is left out: it imports the libraries); the
    server CPU of each load; and how the iterations were set."""
    query = f"/?iterations={ITERATIONS}"
    firsts = [cold_load(chromium, lab, query) for lab in labs.values()]
    cold_load(chromium, yardstick)
    turns = [(name, lab, query) for name, lab in labs.items()] + [("yardstick", yardstick, "")]
    loads: dict[str, list[harness.Phases]] = {name: [] for name, _, _ in turns}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in turns}
    seen = {shown for _, shown, _ in firsts}
    for i in range(repeats):
        for name, server, link in turns[i % len(turns) :] + turns[: i % len(turns)]:  # each goes first in turn
            phases, shown, spent = cold_load(chromium, server, link)
            loads[name].append(phases)
            cpu[name].append(spent)
            seen |= {shown} if name != "yardstick" else set()
    return firsts[0][0], loads, cpu, "?iterations honoured" if seen == {ITERATIONS} else "?iterations IGNORED"


def changes(page, repeats: int) -> dict[str, list[harness.Phases]]:
    """Alternate a new init value (trains) and the previous one (cached); each change alters the charts."""
    times: dict[str, list[harness.Phases]] = {"new run": [], "cached run": []}
    used = [float(field(page, "init_scale").input_value())]
    for i in range(repeats):
        fresh = round(used[0] + 0.01 * (i + 1), 2)
        for kind, value in (("new run", fresh), ("cached run", used[-1])):
            cost = harness.metric(page, "Final cost")
            times[kind].append(harness.measure_change_phases(page, setter("init_scale", value)))
            if harness.metric(page, "Final cost") == cost:
                print(f"  note: the final cost did not change for init value {value}")
        used.append(fresh)
    return times


def row(name: str, phases: list[harness.Phases]) -> str:
    totals = [p.total for p in phases]
    target = TARGETS.get(name)
    verdict = "" if target is None else "ok" if statistics.median(totals) < target else "MISSED"
    parts = " / ".join(f"{statistics.median(getattr(p, f) for p in phases):.2f}" for f in ("to_run", "run", "draw"))
    goal = f"< {target:g} s" if target else "-"
    return f"  {name:<22} {statistics.median(totals):7.2f} s {min(totals):7.2f} s   {goal:>8} {verdict:<6}   {parts}"


def ratio_row(name: str, loads: dict[str, list[harness.Phases]]) -> str:
    lab, yardstick = (statistics.median(p.total for p in loads[n]) for n in (name, "yardstick"))
    ratio = lab / yardstick
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    label = "lab / yardstick" + name.removeprefix("cold page load")
    return f"  {label:<22} {ratio:7.2f} x {'':9}   {f'<= {TARGET_RATIO:g} x':>8} {verdict:<6}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--root", default=str(harness.ROOT), help="the checkout to serve (default: this one)")
    parser.add_argument("--loads-only", action="store_true", help="time the cold page loads only")
    parser.add_argument(
        "--against",
        action="append",
        default=[],
        metavar="CHECKOUT",
        help="also serve this checkout and time its cold loads in the same turns (repeatable): a change "
        "against the page without it, on the same machine at the same moments",
    )
    args = parser.parse_args()

    try:
        with contextlib.ExitStack() as servers:
            start = servers.enter_context
            labs = {"cold page load": start(harness.serve_process(root=args.root))}
            for number, checkout in enumerate(args.against, 1):
                labs[f"cold page load {number}"] = start(harness.serve_process(root=checkout))
            yardstick = start(harness.serve_process(script=YARDSTICK))
            chromium = start(harness.browser())
            first, loads, cpu, how_link = cold_loads(chromium, labs, yardstick, args.repeats)
            how, timed = "not changed", {}
            if not args.loads_only:
                page = harness.open_app(chromium, f"{labs['cold page load'].url}/?iterations={ITERATIONS}", timeout=120)
                how = ensure_iterations(page)
                timed = changes(page, args.repeats)
                page.context.close()
    except RuntimeError as error:  # the app showed an exception or an error instead of its charts
        sys.exit(f"benchmark FAILED: {str(error)[:1500]}")

    print(
        f"Backprop Lab in headless Chromium: the question's network, {ITERATIONS:,} iterations ({how}; "
        f"cold loads: {how_link}), {args.repeats} repeats"
    )
    print(f"  {'':<22} {'median':>9} {'best':>9}   {'target':>8} {'':<6}   to run / run / draw (median s)")
    print(row("first load (server)", [first]))
    for name, phases in loads.items():
        print(row(name, phases))
    for name in labs:
        print(ratio_row(name, loads))
    for name in loads:
        label = "server CPU per load" + name.removeprefix("cold page load").replace("yardstick", " (yardstick)")
        print(f"  {label:<22} {statistics.median(cpu[name]):7.2f} s")
    for number, checkout in enumerate(args.against, 1):
        print(f"  {number}: {checkout}")
    for name, phases in timed.items():
        print(row(name, phases))
    print("to run: action -> script starts; run: script running as the page sees it; draw: run end -> last chart")


if __name__ == "__main__":
    main()
