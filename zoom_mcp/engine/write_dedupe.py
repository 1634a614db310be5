"""No duplicate writes end to end: a retried send returns the first send's outcome.

A client that times out, is cancelled or loses its connection never sees the result of a send
that may still have gone through; the model is then told to try again, and the user would get
the message twice. So every non-idempotent write (sends, creates, uploads) is remembered, keyed
by tool, caller and canonical arguments, for ``WINDOW`` seconds. The server cannot know whether
a result reached the client, so it treats every one as possibly lost: an identical call inside
the window is not sent again. It gets the first call's outcome (waiting for it while the first
is still in flight), with a note saying so and how to send a second copy on purpose.

A failure that certainly changed nothing at Zoom (invalid arguments, a request Zoom refused)
is forgotten, so the retry goes out.

The records live behind ``WriteRecordStore``: ``MemoryWriteStore`` keeps them in this process;
a shared store (SQL) makes a retry that lands on another instance find them too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import anyio

log = logging.getLogger("zoom_mcp.write_dedupe")

# How long an identical write counts as a retry of the first.
WINDOW = 600.0
# Records kept in memory at most; the oldest go first (they are also dropped once expired).
MAX_RECORDS = 10_000
# How often a store without wake-ups (a shared database) is asked again while a first call runs.
POLL_INTERVAL = 0.5


def dedupe_key(tool: str, arguments: dict[str, Any], principal: str = "") -> str:
    """A fixed-length key for this call: tool, who calls (for multi-user servers) and canonical JSON."""
    canonical = json.dumps(
        {"tool": tool, "principal": principal, "arguments": arguments},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class WriteOutcome:
    """What the first call returned, in a form any store can keep (JSON)."""

    text: str
    is_error: bool = False
    structured: dict[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps({"text": self.text, "is_error": self.is_error, "structured": self.structured})

    @classmethod
    def from_json(cls, raw: str) -> WriteOutcome:
        data = json.loads(raw)
        return cls(text=data["text"], is_error=bool(data["is_error"]), structured=data.get("structured"))


@dataclass(frozen=True)
class WriteRecord:
    """A remembered write: when it started, and its outcome once it finished (None while in flight)."""

    key: str
    started: float
    outcome: WriteOutcome | None = None
    finished: float | None = None


class WriteRecordStore(Protocol):
    """Where write records live. Times are epoch seconds; every method must be atomic per key."""

    async def claim(self, key: str, now: float, window: float) -> WriteRecord | None:
        """Return the live record for ``key``, or create an in-flight one for the caller and return None.

        A record is live while in flight (for at most ``window`` after it started: its owner may
        have died) and for ``window`` after it finished.
        """
        ...

    async def finish(self, key: str, outcome: WriteOutcome, now: float) -> None:
        """Store the outcome of the caller's in-flight record."""
        ...

    async def forget(self, key: str) -> None:
        """Drop the record: the write certainly did not happen, so a retry must go out."""
        ...

    async def wait(self, key: str, timeout: float) -> None:
        """Return once ``key``'s in-flight record finished or was dropped, or after ``timeout``."""
        ...


class MemoryWriteStore:
    """Records in this process's memory: enough for one server process (stdio, one HTTP instance)."""

    def __init__(self, max_records: int = MAX_RECORDS) -> None:
        self.max_records = max_records
        self._records: OrderedDict[str, WriteRecord] = OrderedDict()
        self._settled: dict[str, anyio.Event] = {}

    def __len__(self) -> int:
        return len(self._records)

    async def claim(self, key: str, now: float, window: float) -> WriteRecord | None:
        record = self._records.get(key)
        if record is not None and _live(record, now, window):
            return record
        self._records[key] = WriteRecord(key, started=now)
        self._records.move_to_end(key)
        self._settled[key] = anyio.Event()
        self._prune(now, window)
        return None

    async def finish(self, key: str, outcome: WriteOutcome, now: float) -> None:
        record = self._records.get(key)
        if record is not None:
            self._records[key] = WriteRecord(key, record.started, outcome, finished=now)
        self._wake(key)

    async def forget(self, key: str) -> None:
        self._records.pop(key, None)
        self._wake(key)

    async def wait(self, key: str, timeout: float) -> None:
        event = self._settled.get(key)
        if event is not None:
            with anyio.move_on_after(timeout):
                await event.wait()

    def _wake(self, key: str) -> None:
        event = self._settled.pop(key, None)
        if event is not None:
            event.set()

    def _prune(self, now: float, window: float) -> None:
        for key, record in list(self._records.items()):
            if len(self._records) <= self.max_records and _live(record, now, window):
                break  # ordered by claim time: the rest are newer
            if record.outcome is not None or not _live(record, now, window):
                del self._records[key]


def _live(record: WriteRecord, now: float, window: float) -> bool:
    since = record.finished if record.finished is not None else record.started
    return now - since < window


@dataclass(frozen=True)
class Ran:
    """This call ran the write itself."""

    result: Any


@dataclass(frozen=True)
class NotRepeated:
    """An identical call ran first; this is its outcome (``waited``: it was still in flight)."""

    outcome: WriteOutcome
    age: float
    waited: bool


Spawn = Callable[[Callable[[], Awaitable[None]]], None]


class WriteGuard:
    """Runs a write once per key and window; identical calls get the first one's outcome.

    ``run`` takes the write as ``call``, and ``remember``, which turns its result into the
    outcome to keep (None when the write certainly did not happen, so it is not kept). The
    write runs through ``spawn`` in a task that outlives the caller: a client that gives up
    does not cut a send short, and the record then holds what really happened. Without
    ``spawn`` it runs in the caller's task, shielded from the caller's cancellation.
    """

    def __init__(
        self,
        store: WriteRecordStore | None = None,
        *,
        window: float = WINDOW,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store: WriteRecordStore = store if store is not None else MemoryWriteStore()
        self.window = window
        self.clock = clock

    async def run(
        self,
        key: str,
        call: Callable[[], Awaitable[Any]],
        remember: Callable[[Any], WriteOutcome | None],
        *,
        spawn: Spawn | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> Ran | NotRepeated:
        waited = False
        while True:
            record = await self.store.claim(key, self.clock(), self.window)
            if record is None:
                return await self._own(key, call, remember, spawn)
            if record.outcome is not None:
                return NotRepeated(record.outcome, self.clock() - record.started, waited)
            if on_wait is not None and not waited:
                on_wait()
            waited = True
            await self.store.wait(key, POLL_INTERVAL)

    async def _own(
        self,
        key: str,
        call: Callable[[], Awaitable[Any]],
        remember: Callable[[Any], WriteOutcome | None],
        spawn: Spawn | None,
    ) -> Ran | NotRepeated:
        done = anyio.Event()
        results: list[Any] = []

        async def work() -> None:
            outcome: WriteOutcome | None = INTERRUPTED
            try:
                result = await call()
                results.append(result)
                outcome = remember(result)
            except Exception:  # the call is expected to shape its own failures; never lose the record
                log.exception("a write failed inside zoom-mcp")
            finally:
                # Cancelled mid-write (shutdown): the outcome is unknown, and is kept as such.
                with anyio.CancelScope(shield=True):
                    await self._settle(key, outcome)
                    done.set()

        if spawn is None:
            with anyio.CancelScope(shield=True):
                await work()
        else:
            spawn(work)
            await done.wait()
        if results:
            return Ran(results[0])
        return NotRepeated(INTERRUPTED, 0.0, waited=False)

    async def _settle(self, key: str, outcome: WriteOutcome | None) -> None:
        try:
            if outcome is None:
                await self.store.forget(key)
            else:
                await self.store.finish(key, outcome, self.clock())
        except Exception:  # a store that is down must not turn a sent message into an error
            log.exception("could not record the outcome of a write")


INTERRUPTED = WriteOutcome(
    "The first call was interrupted while it may have been reaching Zoom, so it may or may not "
    "have gone through: check before sending it again.",
    is_error=True,
)
