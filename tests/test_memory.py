"""Memory bounded by bytes: the shared cache's size, expiry and sharing, the gate on work in flight, and a page
whose session holds configurations, never a run."""

from __future__ import annotations

import gc
import json
import threading
import time
import tracemalloc
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

import mlp
from ui.cache import ByteCache, Gate, nbytes
from ui.runs import training_bytes

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")
MB = 2**20


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def block(megabytes: float) -> np.ndarray:
    return np.zeros(int(megabytes * MB) // 8)


def test_nbytes_counts_arrays_frames_and_containers_once():
    a = block(1)
    assert MB <= nbytes(a) < MB + 1_000
    assert MB <= nbytes([a, a, (a,)]) < MB + 1_000  # the same array referenced three times
    frame = pd.DataFrame({"x": np.arange(100_000, dtype=float)})
    assert 800_000 <= nbytes({"frame": frame}) < 900_000

    @dataclass(frozen=True)
    class Holder:
        weights: list
        name: str

    assert 2 * MB <= nbytes(Holder([a, block(1)], "run")) < 2 * MB + 2_000


def test_cache_keeps_what_fits_and_drops_the_least_recently_used():
    cache = ByteCache(max_bytes=int(3.5 * MB), ttl=60)
    for key in "abc":
        cache.get(key, lambda: block(1))
    cache.get("a", lambda: pytest.fail("'a' is cached"))  # 'a' is now the most recently used
    cache.get("d", lambda: block(1))  # 4 MB would not fit: 'b', the least recently used, goes
    assert "b" not in cache and all(k in cache for k in "acd")
    assert len(cache) == 3 and 3 * MB <= cache.bytes <= 3.5 * MB


def test_cache_returns_a_value_larger_than_itself_without_keeping_it():
    cache = ByteCache(max_bytes=MB, ttl=60)
    cache.get("small", lambda: block(0.5))
    big = cache.get("big", lambda: block(2))
    assert big.nbytes == 2 * MB and "big" not in cache and "small" in cache


def test_cache_entries_expire_a_ttl_after_their_last_use():
    clock = Clock()
    cache = ByteCache(max_bytes=10 * MB, ttl=100, clock=clock)
    cache.get("used", lambda: block(1))
    cache.get("idle", lambda: block(1))
    clock.now = 90
    cache.get("used", lambda: pytest.fail("cached"))
    clock.now = 150  # 'idle' unused for 150 s, 'used' for 60 s
    cache.purge()
    assert "idle" not in cache and "used" in cache and cache.bytes < 2 * MB
    clock.now = 191
    cache.purge()
    assert len(cache) == 0 and cache.bytes == 0


def test_cache_sweeper_releases_expired_entries_while_nobody_asks():
    cache = ByteCache(max_bytes=10 * MB, ttl=0.05)
    cache.get("a", lambda: block(1))
    cache.start_sweeping(every=0.01)
    deadline = time.monotonic() + 5
    while len(cache) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(cache) == 0 and cache.bytes == 0


def test_cache_computes_a_value_once_for_concurrent_askers_and_shares_the_object():
    cache = ByteCache(max_bytes=10 * MB, ttl=60)
    calls, results = [], []

    def make():
        calls.append(1)
        time.sleep(0.2)
        return block(1)

    threads = [threading.Thread(target=lambda: results.append(cache.get("run", make))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 4
    assert all(r is results[0] for r in results)  # no copy per session


def test_cache_forgets_a_failed_computation():
    cache = ByteCache(max_bytes=MB, ttl=60)
    with pytest.raises(ValueError):
        cache.get("k", lambda: (_ for _ in ()).throw(ValueError("bad")))
    assert cache.get("k", lambda: 7) == 7


def test_gate_holds_at_most_its_bytes_at_once_but_lets_a_larger_job_run_alone():
    gate, running, most = Gate(max_bytes=3), [0], [0]
    lock = threading.Lock()

    def job(size: int) -> None:
        with gate.hold(size):
            with lock:
                running[0] += size
                most[0] = max(most[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= size

    threads = [threading.Thread(target=job, args=(size,)) for size in (2, 2, 2, 5, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads)
    assert most[0] == 5  # the 5-byte job alone; never two 2-byte jobs together


@pytest.mark.parametrize(
    "config",
    [
        mlp.Config(layers=(2, 40, 40, 2), snapshots=500, iterations=499),
        mlp.Config(data="blobs", points=4000, layers=(2, 64, 64, 1), snapshots=20, iterations=19),
        mlp.Config(data="xor", layers=(2, 256, 256, 1), init="normal", snapshots=100, iterations=99),
    ],
    ids=["snapshots", "observations", "wide"],
)
def test_training_bytes_is_within_a_factor_two_of_the_measured_peak(config):
    tracemalloc.start()
    run = mlp.train(config)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak / 2 <= training_bytes(config) <= 2 * peak, (training_bytes(config) / MB, peak / MB)
    assert nbytes(run) <= training_bytes(config)


def runs_in(value, seen=None) -> list:
    """Every mlp.Run reachable from ``value`` through containers, dataclasses and partials."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, mlp.Run):
        return [value]
    if isinstance(value, dict):
        children = list(value.values())
    elif isinstance(value, (list, tuple, set)):
        children = list(value)
    elif hasattr(value, "__dataclass_fields__"):
        children = [getattr(value, name) for name in value.__dataclass_fields__]
    elif hasattr(value, "func") and hasattr(value, "args"):  # functools.partial
        children = [*value.args, *value.keywords.values()]
    else:
        return []
    return [run for child in children for run in runs_in(child, seen)]


@pytest.mark.slow
def test_a_session_holds_configurations_never_a_run():
    at = AppTest.from_file(APP, default_timeout=60).run()
    for label in ("Keep this run", "Set up the question's lesson"):
        next(b for b in at.button if b.label == label).click().run()
    for tab in ("Weights", "Compare", "Sweep"):
        at.session_state["tab"] = tab
        at.query_params["tab"] = tab  # as a click does: the set-up button put Compare in the link
        at.run()
    next(b for b in at.button if b.label == "Run sweep").click().run()
    assert not at.exception
    state = {key: at.session_state[key] for key in at.session_state}
    assert state["kept"] and all(isinstance(k.config, mlp.Config) for k in state["kept"])
    assert runs_in(state) == []


def deferred_downloads() -> list:
    """The callables of every download button drawn in this process (Streamlit keeps them until pressed)."""
    # type(), not isinstance(): a dead weak proxy among the objects raises on isinstance.
    managers = [o for o in gc.get_objects() if type(o) is MediaFileManager]
    return [entry["callable"] for m in managers for entry in m._deferred_callables.values()]


def test_download_buttons_hold_the_configuration_and_fetch_the_run_when_pressed():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["seed"] = "12345"  # a run no other test draws
    at.run()
    mine = [f for f in deferred_downloads() if isinstance(f, partial) and getattr(f.args[0], "seed", None) == 12345]
    assert len(mine) == 3 and runs_in(mine) == []
    files = {f.func.__name__: f() for f in mine}
    exported = json.loads(files["_run_json"])
    assert exported["config"]["seed"] == 12345 and len(exported["snapshots"]) == 200
    assert files["_history_csv"].splitlines()[0] == "iteration,loss" and len(files["_history_csv"].splitlines()) == 1002
    assert files["_outputs_csv"].startswith("observation,neuron,initial,output,target,error")


def test_gate_says_when_a_job_waits():
    gate, said = Gate(max_bytes=2), []
    with gate.hold(1, on_wait=lambda: said.append("first")):
        pass
    release = threading.Event()

    def hold_two() -> None:
        with gate.hold(2):
            release.wait(5)

    holder = threading.Thread(target=hold_two)
    holder.start()
    time.sleep(0.05)
    threading.Timer(0.1, release.set).start()
    with gate.hold(1, on_wait=lambda: said.append("second")):
        pass
    holder.join()
    assert said == ["second"]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the resident memory in /proc")
def test_memory_freed_in_small_blocks_goes_back_to_the_system():
    import ui.cache

    blocks = [np.ones(1_250) for _ in range(20_000)]  # 10 kB each, 200 MB: a run's snapshots are such arrays
    keep = np.ones(1_250)  # allocated after them: the heap's top stays in use
    del blocks
    before = rss_mb()
    ui.cache.give_back_freed_memory()
    assert before - rss_mb() > 100, (before, rss_mb())
    del keep
