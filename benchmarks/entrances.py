"""What refusing bad input costs at each entrance: ``python -m benchmarks.entrances``.

Each case runs in a fresh process (so peak memory is its own) and prints its CPU seconds, the
growth of the process's peak resident memory while the input is read, and the sentence it got:
a 9.6 MB CSV of 2.4 million short rows, saved runs (JSON) padded with 8-9 MB beside a valid
configuration, and 20,000 rows pasted into the page's table editor (AppTest).

Measured here (2 cores, shared), before the entrances counted their input and after:
CSV short rows 3.48 s, +275 MB -> 0.01 s, +0 MB; JSON with 9 MB of [] filler 1.29 s, +192 MB and
accepted -> 0.02 s, +0 MB; JSON with an 8 MB loss history 0.59 s, +69 MB and accepted -> 0.01 s;
20,000 pasted rows 40.7 s on every rerun -> 0.01 s, refused once and undone.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("csv-short-rows", "json-filler", "json-history", "json-long-text", "editor-20000-rows")


def _prepare(case: str) -> Callable[[], str]:
    """The input of ``case``, built; what reading it does, to be measured; the call returns what the user reads."""
    from mlp import Config, ConfigError, DataError, read_csv

    if case == "editor-20000-rows":
        return _paste()
    valid = json.dumps({"config": Config().to_mapping(), "status": "finished"})
    text = {
        "csv-short-rows": lambda: "x1,y1\n" + "1,2\n" * 2_400_000,
        "json-filler": lambda: valid[:-1] + ', "filler": [' + ",".join(["[]"] * 3_000_000) + "]}",
        "json-history": lambda: valid[:-1] + ', "loss_history": [' + ",".join(["0.5"] * 2_000_000) + "]}",
        "json-long-text": lambda: valid[:-1] + ', "status2": "' + "x" * 9_000_000 + '"}',
    }[case]()
    read = read_csv if case.startswith("csv") else Config.from_json

    def call() -> str:
        try:
            read(text)
        except (ConfigError, DataError) as error:  # DataError: a ConfigError since this benchmark was written
            return str(error)
        return "accepted"

    return call


def _paste() -> Callable[[], str]:
    """The page on custom data, 20,000 rows pasted into its editor; the call reruns the page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600).run()
    at.radio(key="data").set_value("custom").run()
    rows = [{"x1": 1.0, "x2": 2.0, "y1": 0.0, "y2": 1.0}] * 20_000
    at.session_state["table_editor"] = {"edited_rows": {}, "added_rows": rows, "deleted_rows": []}

    def call() -> str:
        at.run()
        return " ".join(e.value.replace("\\", "") for e in at.error) or "accepted"

    return call


def measure(case: str) -> None:
    """One case, in this process: CPU seconds and peak memory growth of the reading alone."""
    call = _prepare(case)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    said = call()
    seconds = time.process_time() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    print(f"{case:18s} {seconds:7.2f} s CPU  +{grown:5.0f} MB  {said[:90]}")


def main() -> None:
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    print("case                  CPU        peak RSS  what the user reads")
    for case in CASES:
        subprocess.run([sys.executable, "-m", "benchmarks.entrances", case], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
