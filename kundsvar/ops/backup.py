"""Backup and restore of a SQLite installation: the database, the raw mail store, the
attachments and the generated secret key, in one .tar.gz with a manifest of checksums.

The database is copied with SQLite's online backup API (`sqlite3.Connection.backup`, all
pages in one step): a consistent snapshot while the web processes and the worker keep
writing (WAL: they are not blocked). The files are copied after the snapshot, so every
file a row of the snapshot names is there (raw mail and attachments are written before
their rows are committed); a file written later is merely extra.

PostgreSQL has its own tools (`pg_dump`/`pg_restore`, docs/deploy.md): `postgres_advice`
says what to run."""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

FORMAT = "kundsvar-backup"
DATABASE = "database.sqlite3"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Layout:
    """Where an installation keeps what a backup holds."""

    database: Path
    raw: Path
    media: Path
    secret_key: Path

    @classmethod
    def from_settings(cls) -> "Layout":
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise BackupError(postgres_advice())
        var = Path(settings.VAR_DIR)
        return cls(Path(db["NAME"]), var / "raw", Path(settings.MEDIA_ROOT), var / "secret_key")

    def folders(self) -> dict[str, Path]:
        return {"raw": self.raw, "media": self.media}


def postgres_advice() -> str:
    db = settings.DATABASES["default"]
    name = db.get("NAME") or "kundsvar"
    return (
        "The database is PostgreSQL: back it up with PostgreSQL's own tools, and the files "
        "with rsync or your storage's snapshots (docs/deploy.md, 'Backup and restore'):\n"
        f"  pg_dump -Fc -d {name} -f kundsvar.dump\n"
        f"  tar czf kundsvar-files.tar.gz -C {settings.VAR_DIR} raw "
        f"-C {Path(settings.MEDIA_ROOT).parent} {Path(settings.MEDIA_ROOT).name}\n"
        "Restore:\n"
        f"  pg_restore --clean --if-exists --no-owner -d {name} kundsvar.dump\n"
        f"  tar xzf kundsvar-files.tar.gz -C {settings.VAR_DIR}"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot_database(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (online backup, one step)."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup(output: Path, layout: Layout | None = None) -> dict:
    """Write the installation to `output` (.tar.gz); returns the manifest."""
    layout = layout or Layout.from_settings()
    if not layout.database.exists():
        raise BackupError(f"No database at {layout.database}.")
    files: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
        copy = Path(scratch) / DATABASE
        snapshot_database(layout.database, copy)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add(archive, copy, DATABASE, files)
            for prefix, folder in layout.folders().items():
                for path in sorted(folder.rglob("*")) if folder.exists() else []:
                    if path.is_file():
                        _add(archive, path, f"{prefix}/{path.relative_to(folder)}", files)
            if layout.secret_key.exists():
                _add(archive, layout.secret_key, "secret_key", files)
            manifest = {
                "format": FORMAT,
                "version": 1,
                "created_at": datetime.now(UTC).isoformat(),
                "files": files,
            }
            body = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(body))
        os.replace(partial, output)
    return manifest


def _add(archive: tarfile.TarFile, path: Path, name: str, files: dict) -> None:
    try:
        files[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
        archive.add(path, arcname=name, recursive=False)
    except FileNotFoundError:
        files.pop(name, None)  # removed meanwhile (erased, retention): not part of this copy


def is_empty(layout: Layout) -> bool:
    """Nothing a restore would overwrite: no database with data, no raw mail, no files."""
    if layout.database.exists() and layout.database.stat().st_size > 0:
        return False
    return not any(
        any(p.is_file() for p in folder.rglob("*"))
        for folder in layout.folders().values()
        if folder.exists()
    )


def read_verified(archive_path: Path, staging: Path) -> dict:
    """Unpack into `staging` and check every file against the manifest."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Not a readable backup: {error}") from error
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError("The backup has no readable manifest.json.") from error
    if manifest.get("format") != FORMAT or DATABASE not in manifest.get("files", {}):
        raise BackupError("manifest.json does not describe a Kundsvar backup.")
    found = {str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file()} - {MANIFEST}
    listed = set(manifest["files"])
    if found != listed:
        missing, extra = sorted(listed - found), sorted(found - listed)
        raise BackupError(
            f"The backup does not match its manifest: missing {missing}, extra {extra}."
        )
    for name, entry in manifest["files"].items():
        if _sha256(staging / name) != entry["sha256"]:
            raise BackupError(f"Checksum mismatch: {name} is damaged.")
    return manifest


def restore(archive_path: Path, layout: Layout | None = None, force: bool = False) -> dict:
    """Put a backup in place of the installation (stopped: no web, no worker)."""
    layout = layout or Layout.from_settings()
    if not force and not is_empty(layout):
        raise BackupError(
            "The target already holds data (database or files): stop Kundsvar and add "
            "--force to replace it."
        )
    layout.database.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=layout.database.parent) as scratch:
        staging = Path(scratch)
        manifest = read_verified(archive_path, staging)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{layout.database}{suffix}").unlink(missing_ok=True)
        os.replace(staging / DATABASE, layout.database)
        for prefix, folder in layout.folders().items():
            if folder.exists():
                shutil.rmtree(folder)
            if (staging / prefix).exists():
                folder.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staging / prefix, folder)
        if (staging / "secret_key").exists():
            layout.secret_key.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / "secret_key", layout.secret_key)
            layout.secret_key.chmod(0o600)
    return manifest
