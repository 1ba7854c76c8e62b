"""Server-sent events (the `text/event-stream` format of the HTML standard), parsed incrementally.

Bytes come in chunks that may split a line, a CRLF pair or a UTF-8 character anywhere; events come
out when a blank line ends them. Comment lines (`:keepalive`) are counted and otherwise ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

MAX_LINE_BYTES = 4 * 1024 * 1024  # a stream that sends this much without a newline is no event stream


class NotAnEventStream(ValueError):
    """The bytes cannot be an event stream (a line far longer than any event)."""


@dataclass
class ServerSentEvent:
    data: str
    event: str = "message"
    id: Optional[str] = None


class EventStreamParser:
    """`feed(chunk)` returns the events that chunk completed; `comments` counts keepalives."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event = ""
        self._id: Optional[str] = None
        self._started = False
        self.comments = 0

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        self._buffer += chunk
        events: list[ServerSentEvent] = []
        while True:
            line = self._next_line()
            if line is None:
                break
            event = self._line(line)
            if event is not None:
                events.append(event)
        if len(self._buffer) > MAX_LINE_BYTES:
            raise NotAnEventStream(f"{len(self._buffer)} bytes without a line break")
        return events

    def _next_line(self) -> Optional[str]:
        """One line without its terminator (CRLF, LF or CR), or None until a whole line is here."""
        cut = min((i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0), default=-1)
        if cut < 0:
            return None
        end = cut + 1
        if self._buffer[cut:end] == b"\r":
            if end == len(self._buffer):
                return None  # a LF may follow in the next chunk: CRLF is one terminator
            if self._buffer[end:end + 1] == b"\n":
                end += 1
        raw, self._buffer = self._buffer[:cut], self._buffer[end:]
        text = raw.decode("utf-8", errors="replace")
        if not self._started:
            self._started = True
            text = text.removeprefix("\ufeff")
        return text

    def _line(self, line: str) -> Optional[ServerSentEvent]:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            self.comments += 1
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None  # `retry` and unknown fields: nothing to do for a client that never reconnects

    def _dispatch(self) -> Optional[ServerSentEvent]:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerSentEvent(data="\n".join(data), event=event or "message", id=self._id)
