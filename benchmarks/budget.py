"""The work budget, measured: the largest run allowed for several shapes, then what its link costs on every tab.

    python -m benchmarks.budget [--cases NAME ...] [--tabs TAB ...] [--no-training]

Training: for each case the longest allowed run (iterations at the budget) is trained twice: once for its
wall time, once for its peak traced memory (tracemalloc: numpy's buffers included).

Tabs: for each case and tab, a fresh Python process opens the case's link on that tab in Streamlit's
AppTest, as a new visitor's first request does on a server whose caches do not hold it: training, the
symmetry metrics, the findings and the drawing of the open tab are all paid. The process first draws the
question's run on the same tab (imports and one-time set-up are not counted), then measures the link:
CPU seconds of the whole process (resource.getrusage: every thread), the peak memory it added (VmHWM,
reset before the link through /proc/self/clear_refs, minus the RSS before it), and the CPU of a rerun of
the same page (what every later click pays while the caches hold the run). The Compare tab compares four
copies of the case's run (the most it compares); the Sweep tab presses 'Run sweep' with its default lists
on the case's network (a case at its budget has no room for 48 more runs: the page refuses in one
sentence, shown as "says: ..."), and with 512 runs on the question's network (the most a sweep has).
One link must not pin the shared server: every cell should stay under 10 s and 500 MB here.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

from benchmarks import peak_mb
from mlp import Config, ConfigError, train
from mlp.budget import WORK_BUDGET
from mlp.fields import MAX_DEPTH, MAX_WIDTH

TABS = ("Results", "Weights", "Symmetry", "Backprop maths", "Compare", "Sweep")
LIMITS = (10.0, 500.0)  # CPU seconds and MB one link may cost


def longest(config: Config) -> Config:
    """``config`` with the most iterations the budget allows (found by bisection)."""
    low, high = 0, 1_000_000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            config.replace(iterations=middle)
            low = middle
        except ConfigError:
            high = middle - 1
    return config.replace(iterations=low)


CASES = {
    "question's 2-3-3-2, 2 observations": Config(iterations=0),
    "2-3-3-2 adam, 2 observations": Config(optimizer="adam", iterations=0),
    "20 hidden layers of 8, xor": Config(data="xor", layers=(2, *[8] * 20, 1), init="xavier", iterations=0),
    "2-16-16-1 on a 1,000-point spiral": Config(
        data="spiral", points=1000, layers=(2, 16, 16, 1), init="he", iterations=0
    ),
    "2-1-1-1 on 10,000 points": Config(data="blobs", points=10_000, layers=(2, 1, 1, 1), init="he", iterations=0),
    "2-256-256-1 on a 2,000-point circle, 149 snapshots": Config(
        data="circle", points=2000, layers=(2, 256, 256, 1), init="xavier", snapshots=149, iterations=0
    ),
    "2-64x4-1 on 10,000 points, 700 snapshots": Config(
        data="blobs", points=10_000, layers=(2, 64, 64, 64, 64, 1), init="he", snapshots=700, iterations=0
    ),
}
# Links known to be costly on a tab, at the iterations they name (not at the budget).
LINKS = {
    "question's 2-3-3-2, a sweep of 512 runs": Config(),
    "2-256-256-2, 149 snapshots, 148 iterations": Config(layers=(2, 256, 256, 2), snapshots=149, iterations=148),
    "30 hidden layers of 256, 10 iterations": Config(
        layers=(2, *[MAX_WIDTH] * (MAX_DEPTH - 2), 2), init="normal", snapshots=5, iterations=10
    ),
}


# The Sweep tab's lists for a case (the form's defaults otherwise): 2 starts x 64 learning rates x 4 seeds.
SWEEP_FORMS = {
    "question's 2-3-3-2, a sweep of 512 runs": {
        "sweep_inits": "normal 1; xavier 1",
        "sweep_lrs": ", ".join(f"{0.05 * k:g}" for k in range(1, 65)),
        "sweep_seeds": "0, 1, 2, 3",
    }
}


def tab_cases() -> dict[str, Config]:
    """Every case at its longest allowed run, then the costly links."""
    return {name: longest(base) for name, base in CASES.items()} | LINKS


@dataclass(frozen=True)
class Cost:
    """What one link cost on one tab, in a fresh process."""

    train_cpu: float  # s: training the run (and its symmetry metrics)
    page_cpu: float  # s: the page of the open tab, once the run is trained
    peak_mb: float  # MB added to the process at its peak
    rerun_cpu: float  # s: the same page again, from the caches
    problems: list[str]  # exceptions the page showed
    said: list[str]  # errors the page showed (a refusal in one sentence)

    @property
    def cpu(self) -> float:
        return self.train_cpu + self.page_cpu

    def row(self) -> str:
        over = "OVER " if self.cpu > LIMITS[0] or self.peak_mb > LIMITS[1] else ""
        if self.problems:
            flag = over + "EXCEPTION " + "; ".join(self.problems)[:60]
        else:
            flag = over + ("says: " + "; ".join(self.said)[:50] if self.said else "")
        return (
            f"{self.cpu:8.2f} s {self.train_cpu:8.2f} s {self.page_cpu:8.2f} s "
            f"{self.peak_mb:8.0f} MB {self.rerun_cpu:7.2f} s  {flag}"
        )


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status_kb(name: str) -> int:
    with open("/proc/self/status") as f:
        return int(f.read().split(f"{name}:")[1].split()[0])


def _page(config: Config, tab: str):
    """An AppTest of the dashboard opening ``config``'s link on ``tab`` (Compare: four copies of the run)."""
    from streamlit.testing.v1 import AppTest

    from tests.harness import ROOT
    from ui.kept import Kept

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    for key, value in config.to_query().items():
        at.query_params[key] = value
    at.query_params["tab"] = tab
    if tab == "Compare":
        at.session_state["kept"] = [Kept(i, config, f"copy {i}") for i in (1, 2, 3)]
        at.session_state["compare_selection"] = ["current", "1", "2", "3"]
    return at


def _open(at, tab: str, form: dict[str, str]) -> None:
    """Run the page; on the Sweep tab, fill in ``form`` (text inputs by key) and press 'Run sweep'."""
    at.run()
    if tab == "Sweep":
        for key, text in form.items():
            at.text_input(key=key).set_value(text)
        next(b for b in at.button if b.label == "Run sweep").click().run()


def measure(config: Config, tab: str, form: dict[str, str]) -> Cost:
    """Open ``config``'s link on ``tab`` in this process (after drawing the question's run there)."""
    from ui.runs import trained

    _open(_page(Config(), tab), tab, {})  # imports, Altair's schema, Streamlit's set-up: not the link's
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM := VmRSS
    rss, started = _status_kb("VmRSS"), _cpu()
    trained(config)  # what the page's first call does on a cache miss, timed on its own
    trained_at = _cpu()
    at = _page(config, tab)
    _open(at, tab, form)
    drawn = _cpu()
    peak = (_status_kb("VmHWM") - rss) / 1024
    problems, said = [e.value[:200] for e in at.exception], [e.value[:200] for e in at.error]
    at.run()
    return Cost(trained_at - started, drawn - trained_at, peak, _cpu() - drawn, problems, said)


def measure_in_a_new_process(config: Config, tab: str, form: dict[str, str]) -> Cost:
    command = [sys.executable, "-m", "benchmarks.budget", "--measure", config.to_json(), tab, json.dumps(form)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        nan = float("nan")
        return Cost(nan, nan, nan, nan, [done.stderr.strip()[-300:]], [])
    return Cost(**json.loads(done.stdout.strip().splitlines()[-1]))


def training_table(names: list[str]) -> None:
    print(f"work budget {WORK_BUDGET:.2g} units; each case at its longest allowed run")
    worst_time = worst_memory = 0.0
    for name in names:
        config = longest(CASES[name])
        started = time.perf_counter()
        run = train(config)
        seconds = time.perf_counter() - started
        peak = peak_mb(lambda: train(config))  # noqa: B023  (a second run: tracing slows Python down)
        worst_time, worst_memory = max(worst_time, seconds), max(worst_memory, peak)
        print(f"  {name:52s} {config.iterations:>9,} iterations  {seconds:6.2f} s  {peak:7.1f} MB  ({run.status})")
    print(f"largest: {worst_time:.2f} s, {worst_memory:.1f} MB (limits: 10 s, 500 MB)")


def tabs_table(cases: dict[str, Config], tabs: list[str]) -> None:
    print(
        "\none link on one tab, in a fresh process: CPU of the first request (training, then the page), "
        "peak memory added, CPU of a rerun"
    )
    print(f"  {'case':52s} {'tab':15s} {'CPU':>10s} {'training':>10s} {'page':>10s} {'peak':>11s} {'rerun':>9s}")
    worst_cpu = worst_peak = 0.0
    for name, config in cases.items():
        print(f"  {name}: {config.iterations:,} iterations, {config.snapshots} snapshots", flush=True)
        for tab in tabs:
            cost = measure_in_a_new_process(config, tab, SWEEP_FORMS.get(name, {}))
            worst_cpu, worst_peak = max(worst_cpu, cost.cpu), max(worst_peak, cost.peak_mb)
            print(f"  {'':52s} {tab:15s} {cost.row()}", flush=True)
    print(f"largest: {worst_cpu:.2f} s of CPU, {worst_peak:.0f} MB (limits: {LIMITS[0]:g} s, {LIMITS[1]:g} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", metavar="NAME", help="cases whose name contains one of these words")
    parser.add_argument("--tabs", nargs="+", choices=TABS, default=list(TABS))
    parser.add_argument("--no-training", action="store_true", help="skip the training table")
    parser.add_argument("--measure", nargs=3, metavar=("CONFIG_JSON", "TAB", "FORM_JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the child process of one table cell
        cost = measure(Config.from_json(args.measure[0]), args.measure[1], json.loads(args.measure[2]))
        print(json.dumps(cost.__dict__))
        return
    cases = {name: c for name, c in tab_cases().items() if not args.cases or any(w in name for w in args.cases)}
    if not args.no_training:
        training_table([name for name in CASES if name in cases])
    tabs_table(cases, args.tabs)


if __name__ == "__main__":
    main()
