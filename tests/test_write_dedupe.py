"""The write record store and guard: one write per key and window, whatever the callers do."""

from __future__ import annotations

from functools import partial

import anyio
import pytest

from zoom_mcp.engine.write_dedupe import (
    INTERRUPTED,
    WINDOW,
    MemoryWriteStore,
    NotRepeated,
    Ran,
    WriteGuard,
    WriteOutcome,
    dedupe_key,
)

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def keep(result: str) -> WriteOutcome | None:
    return None if result == "refused" else WriteOutcome(result)


def test_keys_are_canonical() -> None:
    assert dedupe_key("t", {"a": 1, "b": [1, "é"]}) == dedupe_key("t", {"b": [1, "é"], "a": 1})
    assert dedupe_key("t", {"a": 1}) != dedupe_key("u", {"a": 1})
    assert dedupe_key("t", {"a": 1}) != dedupe_key("t", {"a": 1}, principal="someone else")
    assert len(dedupe_key("t", {"message": "x" * 10_000})) == 64


def test_outcomes_survive_json() -> None:
    outcome = WriteOutcome("sent", structured={"id": "M1"})
    assert WriteOutcome.from_json(outcome.to_json()) == outcome


async def test_an_identical_call_in_the_window_gets_the_first_outcome() -> None:
    clock = Clock()
    guard = WriteGuard(clock=clock)
    runs: list[str] = []

    async def call() -> str:
        runs.append("x")
        return f"sent #{len(runs)}"

    first = await guard.run("k", call, keep)
    clock.now += WINDOW - 1
    second = await guard.run("k", call, keep)
    assert first == Ran("sent #1")
    assert isinstance(second, NotRepeated) and second.outcome.text == "sent #1" and not second.waited
    clock.now += 2  # the window counts from when the first call finished
    assert await guard.run("k", call, keep) == Ran("sent #2")


async def test_concurrent_identical_calls_run_once_and_the_others_wait() -> None:
    guard = WriteGuard()
    release = anyio.Event()
    runs = 0
    results: list[Ran | NotRepeated] = []

    async def call() -> str:
        nonlocal runs
        runs += 1
        await release.wait()
        return "sent"

    async def caller() -> None:
        results.append(await guard.run("k", call, keep))

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(caller)
        await anyio.sleep(0.05)
        release.set()
    assert runs == 1
    assert sorted(type(r).__name__ for r in results) == ["NotRepeated", "NotRepeated", "Ran"]
    assert all(r.waited for r in results if isinstance(r, NotRepeated))


async def test_a_write_that_certainly_did_not_happen_is_forgotten() -> None:
    guard = WriteGuard()
    answers = iter(["refused", "sent"])

    async def call() -> str:
        return next(answers)

    assert await guard.run("k", call, keep) == Ran("refused")
    assert await guard.run("k", call, keep) == Ran("sent")


async def test_a_spawned_write_finishes_when_its_caller_gives_up() -> None:
    guard = WriteGuard()
    finished = anyio.Event()

    async def call() -> str:
        await anyio.sleep(0.1)
        finished.set()
        return "sent"

    async with anyio.create_task_group() as background:
        with anyio.move_on_after(0.01):
            await guard.run("k", call, keep, spawn=background.start_soon)
        retry = await guard.run("k", call, keep, spawn=background.start_soon)
    assert finished.is_set()
    assert isinstance(retry, NotRepeated) and retry.waited and retry.outcome.text == "sent"


async def test_a_write_cut_short_is_kept_as_unknown() -> None:
    guard = WriteGuard()

    async def hangs() -> str:
        await anyio.sleep(10)
        return "never"

    async with anyio.create_task_group() as background:
        background.start_soon(partial(guard.run, "k", hangs, keep, spawn=background.start_soon))
        await anyio.sleep(0.02)
        background.cancel_scope.cancel()
    retry = await guard.run("k", hangs, keep)
    assert isinstance(retry, NotRepeated) and retry.outcome == INTERRUPTED


async def test_the_memory_store_is_bounded() -> None:
    store = MemoryWriteStore(max_records=3)
    for index in range(10):
        assert await store.claim(f"k{index}", 0.0, WINDOW) is None
        await store.finish(f"k{index}", WriteOutcome("ok"), 0.0)
    assert len(store) <= 4
    assert await store.claim("k9", 1.0, WINDOW) is not None
