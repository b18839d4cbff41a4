"""A visitor without a browser: speaks Streamlit's websocket protocol to the app, as the page's JavaScript does.

It opens a page with a query string, clicks buttons by their label, and sends the reruns a playing page's
fragment asks for (``auto_rerun``), so the server does for it all it does for a real browser while drawing
nothing: what it measures is the server alone. Used by ``bench/heavy.py``.

The protocol as used here (Streamlit 1.67): a websocket on ``/_stcore/stream`` with the subprotocols
``streamlit`` and a placeholder token, and an Origin header; each run is a ``BackMsg.rerun_script`` whose
``ClientState`` carries the query string, the page's script hash (from the ``new_session`` message) and the
widget states that changed — a button click is a one-shot ``trigger_value``; widgets not sent keep their value.
The server answers with ``ForwardMsg``s: ``new_session`` at the start of every run (a fragment's run names it in
``metadata.run.fragment_ids``), ``delta``s (the page's elements), ``auto_rerun`` (a fragment to rerun every so
often), ``stop_auto_rerun`` and ``script_finished``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STATUS = re.compile(r"Epoch (\d+) · loss")
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class Visitor:
    """One browser session, simulated. Use ``await Visitor.open(url, query)``, then ``click``, ``play``..."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.page_hash = ""
        self.query = ""
        self.buttons: dict[str, str] = {}  # label -> widget id
        self.fragments: dict[str, float] = {}  # fragment id -> seconds between its reruns
        self.status = ""  # the toolbar's "Epoch N · loss …" line, as last drawn
        self.exceptions: list[str] = []
        self.errors: list[str] = []
        self.bytes_received = 0
        self.messages_received = 0
        self.fragment_runs = 0  # runs of a fragment alone (its own reruns, not the page's)
        self.upload_addresses: set[str] = set()  # the upload-address requests answered (``ask_upload_address``)
        self._finished = asyncio.Event()
        self._ws = None
        self._tasks: list[asyncio.Task] = []

    @classmethod
    async def open(cls, url: str, query: str = "", timeout: float = 120) -> Visitor:
        """Connect and run the page the URL's path names (the default page for "/") with ``query``."""
        visitor = cls(url)
        host = url.split("//", 1)[1].split("/", 1)[0]
        visitor._ws = await websockets.connect(
            f"ws://{host}/_stcore/stream", subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"],
            origin=f"http://{host}", max_size=None, compression=None, open_timeout=timeout)
        visitor._tasks.append(asyncio.create_task(visitor._receive()))
        visitor.query = query
        await visitor._rerun()
        await visitor.wait(timeout)
        return visitor

    @property
    def epoch(self) -> int | None:
        """The epoch the status line shows (None before it is drawn, or while playing)."""
        match = STATUS.search(self.status)
        return int(match.group(1)) if match else None

    async def click(self, label: str, timeout: float = 120) -> float:
        """Press the button with this label; the seconds until the run it started has finished."""
        started = time.perf_counter()
        await self._rerun(trigger=self.buttons[label])
        await self.wait(timeout)
        return time.perf_counter() - started

    async def wait(self, timeout: float = 120) -> None:
        """Until the current full run has finished."""
        await asyncio.wait_for(self._finished.wait(), timeout)

    async def play(self, seconds: float) -> None:
        """Stay on the page for ``seconds``, sending the reruns its fragments ask for, as a browser does."""
        await asyncio.sleep(seconds)

    async def rerun(self) -> None:
        """Ask for a run of the whole page, as the browser does when a widget changes; ``wait`` for its end."""
        await self._rerun()

    async def ask_upload_address(self, request_id: str) -> None:
        """Ask where to send a file, as the browser does when a file is dropped on an uploader (the answer's id is
        then in ``upload_addresses``)."""
        back = BackMsg()
        back.file_urls_request.request_id = request_id
        back.file_urls_request.file_names.append("data.csv")
        await self._ws.send(back.SerializeToString())

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await self._ws.close()

    async def _rerun(self, trigger: str | None = None, fragment: str | None = None) -> None:
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        if trigger is not None:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = trigger, True
        if fragment is not None:
            state.fragment_id, state.is_auto_rerun = fragment, True
        else:
            self._finished.clear()
        await self._ws.send(back.SerializeToString())

    async def _receive(self) -> None:
        async for data in self._ws:
            self.bytes_received += len(data)
            self.messages_received += 1
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
                if not msg.metadata.run.fragment_ids:  # a full run: the fragments it draws will ask again
                    self._stop_fragments()
                else:
                    self.fragment_runs += 1
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element)
            elif kind == "auto_rerun":
                self._start_fragment(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                self._stop_fragments(msg.stop_auto_rerun.fragment_ids)
            elif kind == "script_finished" and msg.script_finished in FINISHED:
                self._finished.set()
            elif kind == "file_urls_response":
                self.upload_addresses.add(msg.file_urls_response.response_id)

    def _element(self, element) -> None:
        what = element.WhichOneof("type")
        if what == "button":
            self.buttons[element.button.label] = element.button.id
        elif what == "markdown" and STATUS.search(element.markdown.body):
            self.status = element.markdown.body
        elif what == "exception":
            self.exceptions.append(element.exception.message)
        elif what == "alert" and element.alert.format == Alert.ERROR:
            self.errors.append(element.alert.body)

    def _start_fragment(self, fragment: str, interval: float) -> None:
        if fragment in self.fragments:
            return
        self.fragments[fragment] = interval

        async def every() -> None:
            while self.fragments.get(fragment) == interval:
                await asyncio.sleep(interval)
                if self.fragments.get(fragment) == interval:
                    await self._rerun(fragment=fragment)

        self._tasks.append(asyncio.create_task(every()))

    def _stop_fragments(self, fragments=None) -> None:
        """Forget the fragments' timers: these, or all at the start of a full run (the browser does the same)."""
        for fragment in list(self.fragments if fragments is None else fragments):
            self.fragments.pop(fragment, None)
