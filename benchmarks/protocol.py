"""A Streamlit session without a browser: the websocket protocol the page itself speaks, for load tests.

A browser tab holds one session: it sends a ``BackMsg`` asking for a run (with the values of the
widgets the user set) and receives ``ForwardMsg``s: the page's elements as deltas, then
``script_finished``. :class:`Session` does the same with the ``websockets`` client that Streamlit
itself depends on, so a load test can hold many sessions at the cost of a few sockets rather than
of a Chromium each. It sees what the server sends, not what a browser draws.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect


class ProtocolError(RuntimeError):
    """The server ended a run with an exception on the page, or did not answer in time."""


@dataclass
class Page:
    """What one run sent: its elements and blocks by position, and how long it took."""

    elements: dict[tuple[int, ...], object] = field(default_factory=dict)  # delta path -> element proto
    blocks: dict[tuple[int, ...], object] = field(default_factory=dict)  # delta path -> block proto
    seconds: float = 0.0  # s: request sent -> script_finished (every element received)

    def of_type(self, kind: str) -> list:
        """The elements of ``kind`` (``"vega_lite_chart"``, ``"metric"``, ...) in page order."""
        return [getattr(e, kind) for _, e in sorted(self.elements.items()) if e.WhichOneof("type") == kind]

    def widget_id(self, name: str) -> str:
        """The id of the widget whose key (or, for a widget without a key, whose label) is ``name``."""
        for element in self.elements.values():
            widget = getattr(element, element.WhichOneof("type"))
            ident = getattr(widget, "id", "")
            if ident and (ident.endswith(f"-{name}") or getattr(widget, "label", None) == name):
                return ident
        for block in self.blocks.values():
            container = getattr(block, block.WhichOneof("type") or "", None)
            if getattr(container, "id", "").endswith(f"-{name}"):
                return container.id
        raise KeyError(f"no widget keyed or labelled {name!r} on the page")

    def exceptions(self) -> list[str]:
        return [f"{e.type}: {e.message}" for e in self.of_type("exception")]


class Session:
    """One session on a running server (``base_url`` like ``http://127.0.0.1:8501``)."""

    def __init__(self, base_url: str, query: str = "", timeout: float = 60) -> None:
        self.query, self.timeout = query, timeout
        url = base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._open = contextlib.ExitStack()
        self._socket = self._open.enter_context(
            connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout)
        )
        self._widgets: dict[str, WidgetState] = {}  # the values this session set, sent with every run
        self.page = self.rerun()

    def close(self) -> None:
        self._open.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def set(self, name: str, value: float | str) -> Page:
        """Set the number input or tabs ``name`` (key or label) to ``value``, as a user does; the run that follows."""
        state = WidgetState(id=self.page.widget_id(name))
        if isinstance(value, str):
            state.string_value = value
        else:
            state.double_value = float(value)
        self._widgets[state.id] = state
        return self.rerun()

    def click(self, name: str) -> Page:
        """Press the button ``name`` (key or label); the run that follows."""
        return self.rerun(WidgetState(id=self.page.widget_id(name), trigger_value=True))

    def rerun(self, *once: WidgetState) -> Page:
        """Ask for a run with this session's widget values (and ``once``: button presses); wait for its end."""
        message = BackMsg()
        message.rerun_script.query_string = self.query
        message.rerun_script.widget_states.widgets.extend([*self._widgets.values(), *once])
        page, started = Page(), time.perf_counter()
        self._socket.send(message.SerializeToString())
        while True:
            left = self.timeout - (time.perf_counter() - started)
            if left <= 0:
                raise ProtocolError(f"the run did not finish within {self.timeout:g} s")
            forward = ForwardMsg()
            forward.ParseFromString(self._socket.recv(timeout=left))
            kind = forward.WhichOneof("type")
            if kind == "delta":
                path = tuple(forward.metadata.delta_path)
                delta = forward.delta
                if delta.WhichOneof("type") == "new_element":
                    page.elements[path] = delta.new_element
                elif delta.WhichOneof("type") == "add_block":
                    page.blocks[path] = delta.add_block
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # st.rerun(): the next run follows
                    continue
                page.seconds = time.perf_counter() - started
                self.page = page
                if page.exceptions():
                    raise ProtocolError("the page shows an exception: " + " | ".join(page.exceptions())[:1000])
                return page
