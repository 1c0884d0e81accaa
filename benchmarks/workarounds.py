"""Do the page's workarounds still pay? Each one measured against what it replaces.

    python -m benchmarks.workarounds [--reruns 15]

1. Charts (lab/charts.py ``spec``, ui/chart.py): every chart of the Weights tab of a 2-16-16-1 run, per
   chart in ms of CPU: building it in Altair; converting it as ``st.altair_chart`` does on every rerun
   (Streamlit's own conversion, validated); ``charts.spec``, which lends each DataFrame a name by
   swapping ``.data`` on the chart for the call; the same on a deep copy of the chart instead (the
   alternative that leaves the chart alone); and the Arrow bytes of its data, which ui/chart.py keeps
   with the spec so that a rerun does not serialise them again.
2. Scrubbed heatmaps (lab/scrub.py): Compare's chart of four runs of the question's network, W^0 to W^2 each
   (12 heatmaps, 100 frames), in ms of CPU: building each heatmap in Altair (what a chart made in Altair pays
   before it deep-copies them into its concatenations), against the whole chart assembled as dicts from the
   layers Altair made once per kind of heatmap.
3. ``runner.postScriptGC`` (.streamlit/config.toml): a server started with it on, and one with it off;
   the same session reruns the Weights tab ``--reruns`` times (nothing changes, so every chart comes
   from the cache): median seconds from the request to the run's end as the protocol sees it, and the
   server's memory after the reruns.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from benchmarks.load import status_kb
from benchmarks.protocol import Session
from lab import charts, frames, scrub
from mlp import Config, train
from tests import harness

RUN = Config(data="spiral", points=200, layers=(2, 16, 16, 1), init="he", iterations=500)


def cpu_ms(work: Callable[[], object], repeats: int = 5) -> float:
    """Median CPU milliseconds of ``work()``."""
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def weights_tab_builders() -> list[Callable[[], object]]:
    run = train(RUN)
    matrices = [
        (f"{name}^{l}", l, M)
        for l in range(len(run.weights[-1]))
        for name, M in (("W", run.weights[-1][l]), ("dC/dW", run.gradients[-1][l]))
    ]
    builders = [
        lambda t=t, l=l, M=M: charts.heatmap(frames.matrix_frame(M, l), t, shape=M.shape) for t, l, M in matrices
    ]
    return builders + [lambda: charts.activations_chart(frames.activations_frame(run, -1))]


def chart_costs() -> dict[str, float]:
    """Total ms of CPU over the Weights tab's charts, per way of making what st.vega_lite_chart draws."""
    from streamlit import dataframe_util
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    totals = dict.fromkeys(
        [
            "build",
            "st.altair_chart's conversion",
            "charts.spec (swap .data)",
            "charts.spec on a deep copy",
            "Arrow bytes of the data",
        ],
        0.0,
    )
    for build in weights_tab_builders():
        chart = build()
        spec = charts.spec(chart)
        totals["build"] += cpu_ms(build)
        totals["st.altair_chart's conversion"] += cpu_ms(lambda chart=chart: _convert_altair_to_vega_lite_spec(chart))
        totals["charts.spec (swap .data)"] += cpu_ms(lambda chart=chart: charts.spec(chart))
        totals["charts.spec on a deep copy"] += cpu_ms(lambda chart=chart: charts.spec(chart.copy(deep=True)))
        totals["Arrow bytes of the data"] += cpu_ms(
            lambda spec=spec: [dataframe_util.convert_anything_to_arrow_bytes(d) for d in spec["datasets"].values()]
        )
    return totals


def scrub_costs() -> dict[str, float]:
    """ms of CPU for Compare's scrubbed chart of four runs (the most it compares): its heatmaps built in Altair;
    the chart from templates."""
    runs = [train(Config(init="normal", seed=seed)) for seed in range(4)]
    iterations = scrub.shared_iterations(1000)

    def over_time(run, l):
        first = frames.matrix_frame(run.weights[0][l], l)
        return scrub.over_time(first, [run.weights[run.snapshot_index(t)][l].ravel() for t in iterations])

    pairs = [(f"run {i}", [(f"W{l}", over_time(run, l)) for l in range(3)]) for i, run in enumerate(runs)]
    heatmaps = sum(len(matrices) for _, matrices in pairs)
    values, labelled = True, True  # the question's matrices: every value written, every label shown
    return {
        f"{heatmaps} heatmaps built in Altair": heatmaps
        * cpu_ms(lambda: scrub._heatmap_layers.__wrapped__("largest", None, values, labelled)),
        "the chart assembled from templates": cpu_ms(lambda: scrub.compare_heatmaps(pairs, iterations)),
    }


def rerun_seconds(post_script_gc: bool, reruns: int) -> tuple[float, int]:
    """Median seconds of a rerun of the Weights tab, and the server's RSS (kB) after, with the option set."""
    env = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": str(post_script_gc).lower()}
    with harness.serve_process(env=env) as server, Session(server.url, query="tab=Weights", timeout=120) as s:
        s.rerun()  # the charts are cached from here on
        times = [s.rerun().seconds for _ in range(reruns)]
        return statistics.median(times), status_kb(server.pid, "VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15)
    args = parser.parse_args()
    costs = chart_costs()
    print(f"1. the Weights tab's {len(weights_tab_builders())} charts of {RUN.layers}: ms of CPU, all charts together")
    for name, ms in costs.items():
        print(f"  {name:32s} {ms:8.1f} ms")
    print("2. Compare's scrubbed heatmaps of four runs of the question's network: ms of CPU")
    for name, ms in scrub_costs().items():
        print(f"  {name:36s} {ms:8.1f} ms")
    print(
        "3. runner.postScriptGC: a rerun of the Weights tab (charts cached), median of "
        f"{args.reruns}, and the server's memory after"
    )
    for on in (True, False):
        seconds, rss = rerun_seconds(on, args.reruns)
        print(f"  postScriptGC = {str(on).lower():5s}  {seconds:6.3f} s   {rss / 1024:6.0f} MB")


if __name__ == "__main__":
    main()
