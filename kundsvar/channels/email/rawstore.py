"""Content-addressed, durable storage of raw inbound mail: var/raw/ab/cd/<sha256>.eml.

Written to a temporary file, fsynced, then renamed into place, so a crash leaves either
the whole message or nothing; the same bytes delivered twice are stored once.
"""

import hashlib
import os
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(settings.VAR_DIR) / "raw"


def path_for(sha256: str) -> Path:
    return root() / sha256[:2] / sha256[2:4] / f"{sha256}.eml"


def put(raw: bytes) -> str:
    sha = hashlib.sha256(raw).hexdigest()
    target = path_for(sha)
    if target.exists():
        return sha
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return sha


def get(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()
