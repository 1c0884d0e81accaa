"""Dashboard speed as a learner feels it: a real server, a real browser, every chart drawn.

    python -m benchmarks.dashboard [--repeats 5] [--loads-only]

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
"""

from __future__ import annotations

import argparse
import statistics
import sys

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


def cold_load(chromium, url: str) -> tuple[harness.Phases, int | None]:
    """One new session's load of ``url``, and the iterations it shows (None: no such widget, the yardstick)."""
    page = harness.open_app(chromium, url, timeout=120)
    try:
        shown = iterations_shown(page) if harness.keyed(page, "iterations").count() else None
        return harness.load_phases(page), shown
    finally:
        page.context.close()


def cold_loads(chromium, lab: str, yardstick: str, repeats: int) -> tuple[harness.Phases, dict, str]:
    """The lab server's first page, then ``repeats`` new sessions of each app, taking turns (the first one
    of each server is left out: it imports the libraries); and how the iterations were set."""
    first, shown = cold_load(chromium, lab)
    cold_load(chromium, yardstick)
    loads: dict[str, list[harness.Phases]] = {"cold page load": [], "yardstick": []}
    seen = {shown}
    for i in range(repeats):
        turns = [("cold page load", lab), ("yardstick", yardstick)]
        for name, url in turns[:: 1 if i % 2 == 0 else -1]:  # each goes first half of the time
            phases, shown = cold_load(chromium, url)
            loads[name].append(phases)
            seen |= {shown} if name != "yardstick" else set()
    return first, loads, "?iterations honoured" if seen == {ITERATIONS} else "?iterations IGNORED"


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


def ratio_row(loads: dict[str, list[harness.Phases]]) -> str:
    lab, yardstick = (statistics.median(p.total for p in loads[name]) for name in ("cold page load", "yardstick"))
    ratio = lab / yardstick
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    return f"  {'lab / yardstick':<22} {ratio:7.2f} x {'':9}   {f'<= {TARGET_RATIO:g} x':>8} {verdict:<6}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--root", default=str(harness.ROOT), help="the checkout to serve (default: this one)")
    parser.add_argument("--loads-only", action="store_true", help="time the cold page loads only")
    args = parser.parse_args()

    try:
        with (
            harness.serve(root=args.root) as base,
            harness.serve(script=YARDSTICK) as yardstick,
            harness.browser() as chromium,
        ):
            url = f"{base}/?iterations={ITERATIONS}"
            first, loads, how_link = cold_loads(chromium, url, yardstick, args.repeats)
            how, timed = "not changed", {}
            if not args.loads_only:
                page = harness.open_app(chromium, url, timeout=120)
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
    print(ratio_row(loads))
    for name, phases in timed.items():
        print(row(name, phases))
    print("to run: action -> script starts; run: script running as the page sees it; draw: run end -> last chart")


if __name__ == "__main__":
    main()
