"""Uploads read only files inside the upload folder, even while someone swaps folders for links.

A thread keeps replacing a subfolder of the upload folder with a symlink to an outside folder
(and back) while the executor uploads a file under that subfolder to the sandbox's file host;
what reaches the host is checked. Pipes and devices are refused without waiting on them.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import anyio
import httpx2
import pytest

from zoom_mcp.codecs.uploads import read_upload, resolve_upload
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.errors import ToolUsageError
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.tools import BY_NAME

UPLOADS = 400
INSIDE = b"inside the upload folder"
OUTSIDE = b"OUTSIDE: must never be sent"
# Each state (real folder, link) lasts about this long, so uploads meet both and the switch.
PAUSE = 0.0002

pytestmark = pytest.mark.skipif(
    os.open not in os.supports_dir_fd or not hasattr(os, "symlink"), reason="needs dir_fd opens and symlinks"
)


def folders(tmp_path: Path) -> tuple[Path, Path]:
    upload_dir = tmp_path / "uploads"
    (upload_dir / "sub").mkdir(parents=True)
    (upload_dir / "sub" / "report.txt").write_bytes(INSIDE)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "report.txt").write_bytes(OUTSIDE)
    return upload_dir, outside


class Swapper(threading.Thread):
    """Swaps ``sub`` for a symlink to ``outside`` and back, as fast as it can, until stopped."""

    def __init__(self, upload_dir: Path, outside: Path) -> None:
        super().__init__(daemon=True)
        self.sub, self.parked, self.outside = upload_dir / "sub", upload_dir / "sub.real", outside
        self.stop = threading.Event()
        self.swaps = 0

    def run(self) -> None:
        while not self.stop.is_set():
            os.rename(self.sub, self.parked)
            os.symlink(self.outside, self.sub, target_is_directory=True)
            time.sleep(PAUSE)
            os.unlink(self.sub)
            os.rename(self.parked, self.sub)
            self.swaps += 1
            time.sleep(PAUSE)


async def upload_while_swapping(upload_dir: Path, outside: Path) -> tuple[list[bytes], int, int]:
    """What reached the file host, how many uploads were refused, how many swaps were made."""
    box = Sandbox()
    seeded = set(box.state.chat.files)
    settings = Settings.from_env(box.settings_env(), upload_dir=upload_dir)
    swapper = Swapper(upload_dir, outside)
    refused = 0
    async with Executor(settings, transport=httpx2.ASGITransport(app=box.app)) as ex:
        swapper.start()
        try:
            for _ in range(UPLOADS):
                result = await ex.call(BY_NAME["chat_upload_file"], {"file_path": "sub/report.txt"})
                refused += result.is_error
                assert "Internal error" not in result.text, result.text
        finally:
            swapper.stop.set()
            swapper.join()
    sent = [chat_file.data for key, chat_file in box.state.chat.files.items() if key not in seeded]
    return sent, refused, swapper.swaps


def test_a_folder_swapped_for_a_link_during_uploads_never_sends_an_outside_file(tmp_path: Path) -> None:
    upload_dir, outside = folders(tmp_path)
    sent, refused, swaps = anyio.run(upload_while_swapping, upload_dir, outside)
    outside_sent = [data for data in sent if data != INSIDE]
    assert outside_sent == []
    # The race was on: the folder was swapped, and uploads both got through and were refused.
    assert swaps > 10 and 0 < refused < UPLOADS, (swaps, refused)
    assert len(sent) == UPLOADS - refused


def test_a_folder_on_the_path_that_became_a_link_after_the_check_is_refused(tmp_path: Path) -> None:
    upload_dir, outside = folders(tmp_path)
    checked = resolve_upload(upload_dir, "sub/report.txt")
    os.rename(upload_dir / "sub", upload_dir / "sub.real")
    os.symlink(outside, upload_dir / "sub", target_is_directory=True)
    with pytest.raises(ToolUsageError, match="changed while being opened"):
        read_upload(checked)


def test_a_file_that_became_a_link_after_the_check_is_refused(tmp_path: Path) -> None:
    upload_dir, outside = folders(tmp_path)
    checked = resolve_upload(upload_dir, "sub/report.txt")
    os.unlink(checked)
    os.symlink(outside / "report.txt", checked)
    with pytest.raises(ToolUsageError, match="changed while being opened"):
        read_upload(checked)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    upload_dir, _ = folders(tmp_path)
    os.mkfifo(upload_dir / "pipe")

    async def upload_pipe() -> str:
        box = Sandbox()
        settings = Settings.from_env(box.settings_env(), upload_dir=upload_dir)
        async with Executor(settings, transport=httpx2.ASGITransport(app=box.app)) as ex:
            with anyio.fail_after(10):
                result = await ex.call(BY_NAME["chat_upload_file"], {"file_path": "pipe"})
        assert result.is_error
        return result.text

    assert "not a regular file" in anyio.run(upload_pipe)
    # Swapped in after the check: the open itself does not block on the pipe either.
    done: list[str] = []

    def read_pipe() -> None:
        try:
            read_upload((upload_dir / "pipe").resolve())
        except ToolUsageError as exc:
            done.append(str(exc))

    reader = threading.Thread(target=read_pipe, daemon=True)
    reader.start()
    reader.join(10)
    assert done and "not a regular file" in done[0]


def test_a_device_swapped_in_after_the_check_is_refused() -> None:
    if not Path("/dev/null").exists():
        pytest.skip("needs /dev/null")
    with pytest.raises(ToolUsageError, match="not a regular file"):
        read_upload(Path("/dev/null"))


if __name__ == "__main__":
    # The race over several runs: python tests/test_uploads_race.py [runs]
    import sys
    import tempfile

    for run in range(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
        upload_dir, outside = folders(Path(tempfile.mkdtemp()))
        sent, refused, swaps = anyio.run(upload_while_swapping, upload_dir, outside)
        leaked = sum(1 for data in sent if data != INSIDE)
        print(f"run {run}: {UPLOADS} uploads, {len(sent)} sent, {refused} refused, {swaps} swaps, {leaked} outside")
