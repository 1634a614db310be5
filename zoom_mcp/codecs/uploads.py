"""Chat file uploads: read a local file from the one configured folder and build the multipart call.

A model names a file by a path relative to ``ZOOM_MCP_UPLOAD_DIR``. Anything that would read
outside that folder (``..``, an absolute path, a symlink pointing elsewhere) or that is not a
regular file is refused, so a prompt-injected instruction cannot exfiltrate arbitrary files.

The check and the read must agree even when someone who can write inside the folder swaps a
folder for a symlink between them. So the path is resolved and checked once, and then opened
one component at a time from the filesystem root, each relative to the folder opened before
it, never following a symlink: a component swapped for a link after the check makes the open
fail instead of leading outside.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from zoom_mcp.catalog import Request, ToolInput, ToolSpec
from zoom_mcp.errors import ToolUsageError

if TYPE_CHECKING:
    from zoom_mcp.catalog import CallContext

# Zoom's chat file limit is not documented anywhere reliable (512 MB appears only in an
# unofficial guide); the whole file is held in memory, so refuse anything larger up front.
MAX_UPLOAD_BYTES = 512 * 1024 * 1024

# PATH_MAX on Linux is 4096 for the whole path; the folder's own path takes part of that.
MAX_UPLOAD_PATH = 1024

_DISABLED = (
    "File uploads are disabled. Set ZOOM_MCP_UPLOAD_DIR to a folder, put the file there, "
    "and pass its path relative to that folder."
)


def resolve_upload(folder: Path | None, name: str) -> Path:
    """The real path of ``name`` inside ``folder``, or a ToolUsageError saying why not."""
    if folder is None:
        raise ToolUsageError(_DISABLED)
    try:
        root = Path(folder).expanduser().resolve(strict=True)
    except OSError as exc:
        raise ToolUsageError(f"The upload folder {folder} is not available ({exc.strerror}).") from exc
    if len(name) > MAX_UPLOAD_PATH:
        # The file system would refuse it (ENAMETOOLONG); say so before touching it.
        raise ToolUsageError(f"Upload paths are at most {MAX_UPLOAD_PATH} characters (got {len(name):,}).")
    relative = Path(name)
    if not name or relative.is_absolute():
        raise ToolUsageError("Give the file's path relative to the upload folder, e.g. 'report.pdf'.")
    try:
        # resolve() follows every symlink, so the containment check below sees the real target.
        target = (root / relative).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ToolUsageError(f"Cannot use '{name}' as an upload path.") from exc
    # Containment first: a path outside the folder is refused whether or not it exists.
    if not target.is_relative_to(root):
        raise ToolUsageError(f"'{name}' is outside the upload folder; only files inside it can be sent.")
    try:
        exists, regular = target.exists(), target.is_file()
    except OSError as exc:  # a name component over the file system's limit (ENAMETOOLONG), ...
        raise ToolUsageError(f"Cannot use '{name}' as an upload path ({exc.strerror}).") from None
    if not exists:
        raise ToolUsageError(f"No file '{name}' in the upload folder.")
    if not regular:
        raise ToolUsageError(f"'{name}' is not a regular file (a pipe, device or folder cannot be sent).")
    return target


def read_upload(path: Path) -> bytes:
    """Read a resolved upload (``resolve_upload``), refusing one changed since it was checked."""
    try:
        fd = _open_without_links(path)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise ToolUsageError(
                f"'{path.name}' changed while being opened (it, or a folder on its path, is now a link); not sent."
            ) from exc
        raise ToolUsageError(f"Cannot read '{path.name}' ({exc.strerror}).") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ToolUsageError(f"'{path.name}' is not a regular file (a pipe, device or folder cannot be sent).")
        if info.st_size > MAX_UPLOAD_BYTES:
            raise ToolUsageError(f"'{path.name}' is {info.st_size} bytes; the limit is {MAX_UPLOAD_BYTES}.")
        return handle.read()


# Opening a pipe or a device must not wait for a writer or a carrier: the type is checked after.
_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _open_without_links(path: Path) -> int:
    """A read-only fd for the absolute, resolved ``path``, following no symlink at any component."""
    if os.open not in os.supports_dir_fd or not hasattr(os, "O_NOFOLLOW"):
        return _open_then_verify(path)
    anchor, *folders, name = path.parts
    directory = os.open(anchor, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for folder in folders:
            inner = os.open(folder, _DIR_FLAGS, dir_fd=directory)
            os.close(directory)
            directory = inner
        return os.open(name, _FILE_FLAGS, dir_fd=directory)
    finally:
        os.close(directory)


def _open_then_verify(path: Path) -> int:
    """Where ``dir_fd`` is missing (Windows): open, then check the open file is the one the
    resolved path names now, so a swap between the two is refused."""
    fd = os.open(path, _FILE_FLAGS | getattr(os, "O_BINARY", 0))
    try:
        opened, named = os.fstat(fd), os.stat(path, follow_symlinks=False)
        if path.resolve() != path or (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
            raise OSError(errno.ELOOP, "the path changed while it was opened")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _file_part(args: ToolInput, ctx: CallContext) -> tuple[str, bytes, str]:
    path = resolve_upload(ctx.settings.upload_dir, args.file_path)  # type: ignore[attr-defined]
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.name, read_upload(path), content_type


def encode_upload_file(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    """``POST file.zoom.us/v2/chat/users/{userId}/files``: one multipart part named ``file``."""
    request = ctx.default_request(args)
    return replace(request, host="file", json=None, files=[("file", _file_part(args, ctx))], data=None)


def encode_send_file(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    """``POST file.zoom.us/v2/chat/users/{userId}/messages/files``: part ``files`` plus text parts."""
    request = ctx.default_request(args)
    data = {
        name: str(value)
        for name in ("to_contact", "to_channel", "reply_main_message_id")
        if (value := getattr(args, name, None)) is not None
    }
    return replace(request, host="file", json=None, files=[("files", _file_part(args, ctx))], data=data)
