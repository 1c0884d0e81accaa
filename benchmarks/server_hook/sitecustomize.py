"""Times every script run of a Streamlit server, for benchmarks/load.py: where a change's seconds go.

Loaded only by a server started with this folder on PYTHONPATH and BACKPROP_LAB_SCRIPT_TIMES naming a
file: once Streamlit's script runner is imported, its call that executes the page script is wrapped,
and each run appends one line ``<end time.time()> <wall s> <CPU s of the script thread>`` to the file.
The CPU time is the script's own work; wall minus CPU is time spent waiting (for the GIL or a core).
Nothing else changes; if Streamlit's internals differ, nothing is timed and the server runs as usual.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import threading
import time

TARGET = "streamlit.runtime.scriptrunner.script_runner"
LOG = os.environ.get("BACKPROP_LAB_SCRIPT_TIMES", "")
_lock = threading.Lock()


def _timed(execute):
    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return execute(*args, **kwargs)
        finally:
            line = f"{time.time():.3f} {time.perf_counter() - wall:.4f} {time.thread_time() - cpu:.4f}\n"
            with _lock, open(LOG, "a") as log:
                log.write(line)

    return timed


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: lets the usual finders load TARGET, then wraps its exec call."""

    def find_spec(self, name, path, target=None):
        if name != TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            if callable(getattr(module, "exec_func_with_error_handling", None)):
                module.exec_func_with_error_handling = _timed(module.exec_func_with_error_handling)

        spec.loader.exec_module = exec_module
        return spec


if LOG:
    sys.meta_path.insert(0, _PatchOnImport())
