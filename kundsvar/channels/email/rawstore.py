"""Content-addressed, durable storage of raw inbound mail: var/raw/ab/cd/<sha256>.eml.

Written to a temporary file, fsynced, then renamed into place, so a crash leaves either
the whole message or nothing; the same bytes delivered twice are stored once.
"""

import hashlib
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(settings.VAR_DIR) / "raw"


def path_for(sha256: str) -> Path:
    return root() / sha256[:2] / sha256[2:4] / f"{sha256}.eml"


def put(raw: bytes) -> str:
    sha = hashlib.sha256(raw).hexdigest()
    if path_for(sha).exists():
        return sha
    return put_stream([raw])[0]


def put_stream(chunks: Iterable[bytes], limit: int | None = None) -> tuple[str, int, bool]:
    """Store bytes that arrive in chunks (an HTTP body), hashing as they come, never
    holding the whole message in memory. At most `limit` bytes are kept; returns the
    SHA-256 and size of what was kept, and whether that is everything that came."""
    digest, size, complete = hashlib.sha256(), 0, True
    temporary = root() / "tmp" / f"{uuid.uuid4().hex}.tmp"  # unique per thread and process
    temporary.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(temporary, "xb") as handle:
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
        _install(temporary, digest.hexdigest())
    finally:
        temporary.unlink(missing_ok=True)
    return digest.hexdigest(), size, complete


def _install(temporary: Path, sha: str) -> None:
    """Rename a complete, fsynced file into place (atomic), and make the rename durable."""
    target = path_for(sha)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temporary, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def get(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()
