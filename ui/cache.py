"""Results shared by every session: one cache bounded by bytes and by time, holding objects, not pickles.

A run, a chart spec or a table summary is a pure function of its inputs (a configuration, a snapshot, an
option), so one copy serves every session: :func:`shared` memoises a function in the process-wide
:class:`ByteCache`, keyed by the function and its arguments. The cache holds at most ``MAX_BYTES`` (least
recently used entries go first) and drops what nobody used for ``TTL_SECONDS``; the memory freed is given
back to the system, so a server's memory falls back once its learners leave. st.cache_data would pickle
every entry and unpickle a copy on every hit (a run can be 160 MB) and bounds entries by count only;
st.cache_resource returns the object itself but has no byte bound: here, one st.cache_resource holds the
byte-bounded cache.

:class:`Gate` bounds what is being computed at once by its expected bytes: two sessions training two
160 MB runs at the same time would otherwise double the peak.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import gc
import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

# A shared server has about 1 GB, some 200 MB of it Python and the libraries. `python -m benchmarks.memory`
# (100 links from 10 sessions): with 256 MB cached and 384 MB of trainings at once the peak was 1,214 MB
# and 532 MB stayed once the sessions ended; with these, 1,147 MB and 454 MB (849 and 371 MB once glibc
# is told to keep its heap small, below).
MAX_BYTES = 192 * 2**20  # what the cache may hold (the heaviest allowed run is 159 MB)
TTL_SECONDS = 600.0  # an entry nobody used for this long is dropped
GATE_BYTES = 256 * 2**20  # expected bytes of the computations running at once (one larger runs alone)
SWEEP_SECONDS = 5.0  # how often expired entries are dropped and freed memory is given back

P = ParamSpec("P")
T = TypeVar("T")


def nbytes(value: Any) -> int:
    """Bytes held by ``value``: arrays, frames, strings and the containers, dataclasses and dicts holding them.

    Each object is counted once however often it is referenced; an array view counts its own elements.
    """
    seen: set[int] = set()

    def size(obj: Any) -> int:
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            return obj.nbytes + sys.getsizeof(np.empty(0))
        if isinstance(obj, (pd.DataFrame, pd.Series)):
            return int(np.sum(obj.memory_usage(deep=True)))
        if isinstance(obj, dict):
            return sys.getsizeof(obj) + sum(size(k) + size(v) for k, v in obj.items())
        if isinstance(obj, (list, tuple, set, frozenset)):
            return sys.getsizeof(obj) + sum(size(item) for item in obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return sys.getsizeof(obj) + sum(size(getattr(obj, f.name)) for f in dataclasses.fields(obj))
        return sys.getsizeof(obj)

    return size(value)


@dataclasses.dataclass
class _Entry:
    value: Any
    size: int
    used: float  # clock time of the last use


class ByteCache:
    """A least-recently-used map bounded by ``max_bytes`` whose entries expire ``ttl`` seconds after their last use.

    :meth:`get` computes a missing value once however many threads ask for it at the same time. A value
    larger than ``max_bytes`` is returned but not kept. Expired entries are dropped on every call and by
    :meth:`start_sweeping`'s thread, so an idle server releases them too.
    """

    def __init__(self, max_bytes: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes, self.ttl, self.clock = max_bytes, ttl, clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()  # least recently used first
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._used = False  # asked for anything since the sweeper last looked

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            self._expire()
            return key in self._entries

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value under ``key``; ``make()`` computes and keeps it when missing (once for concurrent askers)."""
        self._used = True
        while True:
            with self._lock:
                self._expire()
                if key in self._entries:
                    return self._use(key)
                computing = self._computing.get(key)
                if computing is None:
                    computing = self._computing[key] = threading.Lock()
                    computing.acquire()
                    break
            with computing:  # another thread computes it: wait, then look again (it may have failed)
                pass
        try:
            value = make()
            self._put(key, value, nbytes(value))
            return value
        finally:
            with self._lock:
                del self._computing[key]
            computing.release()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def purge(self) -> None:
        """Drop the expired entries."""
        with self._lock:
            self._expire()

    def start_sweeping(self, every: float) -> threading.Thread:
        """A daemon thread that, every ``every`` seconds while this cache exists, purges expired entries and,
        if the cache was used since, gives the memory freed by the process back to the system."""
        ref = weakref.ref(self)

        def sweep() -> None:
            while (cache := ref()) is not None:
                cache.purge()
                if cache._used:
                    cache._used = False
                    give_back_freed_memory()
                del cache
                time.sleep(every)

        thread = threading.Thread(target=sweep, name="byte-cache-sweeper", daemon=True)
        thread.start()
        return thread

    def _use(self, key: Hashable) -> Any:
        entry = self._entries[key]
        entry.used = self.clock()
        self._entries.move_to_end(key)
        return entry.value

    def _put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = _Entry(value, size, self.clock())
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _expire(self) -> None:
        oldest = self.clock() - self.ttl
        while self._entries and next(iter(self._entries.values())).used < oldest:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        self._bytes -= self._entries.pop(key).size


def _glibc() -> ctypes.CDLL | None:
    """The GNU C library, or None where the C library is another (its tuning below is then skipped)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:
        return None


_GLIBC = _glibc()


def _keep_the_c_heap_small() -> None:
    """Ask glibc to map large blocks on their own and to keep two heaps, not one per thread.

    Streamlit runs every script in a new thread; glibc gives threads heaps of their own (up to 16 here),
    and past its first frees it serves blocks up to 32 MB (symmetry chunks, trace copies) from them, so
    memory freed in one heap is not reused by the next thread. ``python -m benchmarks.memory`` (100 links,
    10 sessions, freed memory given back every 5 s): peak 1,147 MB and 454 MB once the sessions ended
    without this, 849 MB and 371 MB with it; training times do not change measurably.
    """
    if _GLIBC is not None:
        m_mmap_threshold, m_arena_max = -3, -8  # glibc's mallopt parameters
        _GLIBC.mallopt(m_mmap_threshold, 128 * 1024)  # blocks of 128 kB and more: mapped, unmapped when freed
        _GLIBC.mallopt(m_arena_max, 2)


_keep_the_c_heap_small()


def give_back_freed_memory() -> None:
    """Return the pages freed inside the C heap to the system (glibc keeps them otherwise).

    A run is thousands of small arrays (each snapshot's weights), allocated from the heap of whichever
    thread ran the script; once they are dropped the pages stay with the process. ``python -m
    benchmarks.memory``: 100 links from 10 sessions left the server at 1,301 MB without this (peak
    1,516 MB), with the cache holding at most 256 MB and 384 MB of trainings at once; 532 MB with it
    (peak 1,214 MB). It takes about 20 ms (ctypes lets other threads run meanwhile).
    """
    if _GLIBC is not None:
        _GLIBC.malloc_trim(0)


class Gate:
    """At most ``max_bytes`` of expected working memory computed at once; a larger job runs alone."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._busy = 0
        self._free = threading.Condition()

    @contextlib.contextmanager
    def hold(self, size: int, on_wait: Callable[[], object] = lambda: None) -> Iterator[None]:
        """Wait until ``size`` bytes fit beside the jobs running (or none runs), and hold them meanwhile.

        ``on_wait()`` is called once if the job has to wait (to tell the user why nothing moves).
        """
        fits = lambda: self._busy == 0 or self._busy + size <= self.max_bytes  # noqa: E731
        with self._free:
            if not fits():
                on_wait()
                self._free.wait_for(fits)
            self._busy += size
        try:
            yield
        finally:
            with self._free:
                self._busy -= size
                self._free.notify_all()


@st.cache_resource(show_spinner=False)
def cache() -> ByteCache:
    """The server's one shared cache (st.cache_resource: created once, handed to every session as it is)."""
    shared_cache = ByteCache(MAX_BYTES, TTL_SECONDS)
    shared_cache.start_sweeping(SWEEP_SECONDS)
    return shared_cache


@st.cache_resource(show_spinner=False)
def gate() -> Gate:
    """The server's one gate on memory being computed (see :class:`Gate`)."""
    return Gate(GATE_BYTES)


def shared(func: Callable[P, T]) -> Callable[P, T]:
    """``func`` memoised in the shared :func:`cache`, keyed by its qualified name and its (hashable) arguments."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def memoised(*args: P.args, **kwargs: P.kwargs) -> T:
        key = (name, args, tuple(sorted(kwargs.items())))
        return cache().get(key, lambda: func(*args, **kwargs))

    return memoised


@functools.cache
def freeze_imports() -> None:
    """Once per process, before the first run's work: collect, then move every object the imports made
    (Streamlit, Altair's schema, pandas, numpy ...) out of reach of Python's full collections.

    Those collections walked all of them every few page loads, 90 to 130 ms each, stalling the server
    while a new visitor's page waited for its script to start (gc.callbacks, logged over six cold loads).
    Frozen, they are never walked again; what runs and sessions allocate later is collected as usual.
    ``python -m benchmarks.dashboard --loads-only --root`` on checkouts with and without it, alternating:
    1.30x and 1.19x the yardstick with it, 1.35x and 1.40x without; a new visitor's wait for the script to
    start was 1.03-1.07 s with it, 1.28-1.31 s without.
    """
    gc.collect()
    gc.freeze()
