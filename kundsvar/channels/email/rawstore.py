"""Content-addressed, durable storage of raw inbound mail: var/raw/ab/cd/<sha256>.eml.

Written to a temporary file, fsynced, then renamed into place, so a crash leaves either
the whole message or nothing; the same bytes delivered twice are stored once.
"""

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


def root() -> Path:
    return Path(_root())


def path_for(sha256: str) -> Path:
    return Path(_file(sha256))


# Every message goes through here: plain strings and os.path, not pathlib (some 0.1 ms
# a message), and folders made only when a write finds them missing (one syscall less
# for each write, none of pathlib's mkdir/exists round trips).


def _root() -> str:
    return os.path.join(settings.VAR_DIR, "raw")


def _file(sha256: str) -> str:
    return os.path.join(_root(), sha256[:2], sha256[2:4], f"{sha256}.eml")


def _temporary() -> str:
    return os.path.join(_root(), "tmp", f"{uuid.uuid4().hex}.tmp")  # unique per thread, process


def put(raw: bytes) -> str:
    sha = hashlib.sha256(raw).hexdigest()
    if os.path.exists(_file(sha)):
        return sha
    return put_stream([raw])[0]


def put_stream(chunks: Iterable[bytes], limit: int | None = None) -> tuple[str, int, bool]:
    """Store bytes that arrive in chunks (an HTTP body), hashing as they come, never
    holding the whole message in memory. At most `limit` bytes are kept; returns the
    SHA-256 and size of what was kept, and whether that is everything that came."""
    digest, size, complete = hashlib.sha256(), 0, True
    temporary, moved = _temporary(), False
    try:
        with _open_new(temporary, "xb") as handle:
            for chunk in chunks:
                if limit is not None and size + len(chunk) > limit:
                    chunk, complete = chunk[: limit - size], False
                handle.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if not complete:
                    break
            handle.flush()
            os.fsync(handle.fileno())
        moved = _install(temporary, _file(digest.hexdigest()))
    finally:
        if not moved:
            _remove(temporary)
    return digest.hexdigest(), size, complete


def _open_new(path: str, mode: str):
    """A new file at `path`, its folder made if it is not there yet."""
    try:
        return open(path, mode)  # noqa: SIM115 — the caller's with-block closes it
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, mode)  # noqa: SIM115


def _install(temporary: str, target: str) -> bool:
    """Rename a complete, fsynced file into place (atomic), and make the rename durable.
    False when `target` was there already (the same bytes before): nothing moved."""
    if os.path.exists(target):
        return False
    _move(temporary, target)
    return True


def _move(temporary: str, target: str) -> None:
    try:
        os.replace(temporary, target)
    except FileNotFoundError:  # the first file in its folder
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(temporary, target)
    _fsync_directory(os.path.dirname(target))


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_directory(path: str | Path) -> None:
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def get(sha256: str) -> bytes:
    with open(_file(sha256), "rb") as handle:
        return handle.read()


# --- arrivals: what the database row will say, on disk before the row ----------------
# SQLite with synchronous=NORMAL may lose the last commits on power loss, while the raw
# file (fsynced) stays. An arrival note, as durable as the raw file, lets the worker
# find a message whose row vanished and take it in again (pipeline.recover_unrecorded).


def _arrivals_dir() -> Path:
    return root() / "arrivals"


def note_arrival(sha256: str, *, received_at: datetime, **fields) -> None:
    """Write down durably where `sha256` came from (shop id, source, envelope, size …)."""
    target = os.path.join(_root(), "arrivals", f"{sha256}.json")
    if os.path.exists(target):
        return
    now = timezone.now()
    note = {**fields, "received_at": received_at.isoformat(), "noted_at": now.isoformat()}
    temporary, moved = _temporary(), False
    try:
        with _open_new(temporary, "x") as handle:
            handle.write(json.dumps(note))
            handle.flush()
            os.fsync(handle.fileno())
        _move(temporary, target)
        moved = True
    finally:
        if not moved:
            _remove(temporary)


def arrivals(limit: int = 1000) -> list[tuple[str, dict]]:
    """Noted arrivals (at most `limit`): SHA-256 and the note, with datetimes parsed."""
    if not _arrivals_dir().exists():
        return []
    found = []
    for entry in os.scandir(_arrivals_dir()):
        if not entry.name.endswith(".json") or len(found) >= limit:
            continue
        try:
            note = json.loads(Path(entry.path).read_text())
            for key in ("received_at", "noted_at"):
                note[key] = datetime.fromisoformat(note[key])
        except (OSError, ValueError, KeyError):  # one bad note must not stop the others
            log.exception("unreadable arrival note %s", entry.path)
            continue
        found.append((entry.name.removesuffix(".json"), note))
    return sorted(found, key=lambda item: item[1]["noted_at"])


def forget_arrivals(shas: Iterable[str]) -> None:
    """Drop the notes of messages whose rows are safely on disk."""
    for sha in shas:
        (_arrivals_dir() / f"{sha}.json").unlink(missing_ok=True)
