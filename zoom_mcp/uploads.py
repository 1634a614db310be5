"""Chat file uploads: read a local file from the one configured folder and build the multipart call.

A model names a file by a path relative to ``ZOOM_MCP_UPLOAD_DIR``. Anything that would read
outside that folder (``..``, an absolute path, a symlink pointing elsewhere) or that is not a
regular file is refused, so a prompt-injected instruction cannot exfiltrate arbitrary files.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from zoom_mcp.catalog import Request, ToolInput, ToolSpec
from zoom_mcp.errors import ToolUsageError

if TYPE_CHECKING:
    from zoom_mcp.executor import CallContext

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
        raise ToolUsageError(f"'{name}' is not a regular file.")
    return target


def read_upload(path: Path) -> bytes:
    """Read a resolved upload, refusing a file swapped for a symlink or non-file since it was checked."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ToolUsageError(f"Cannot read '{path.name}' ({exc.strerror}).") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ToolUsageError(f"'{path.name}' is not a regular file.")
        if info.st_size > MAX_UPLOAD_BYTES:
            raise ToolUsageError(f"'{path.name}' is {info.st_size} bytes; the limit is {MAX_UPLOAD_BYTES}.")
        return handle.read()


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
