"""`kundsvar backup` / `kundsvar restore` (SQLite): a consistent copy of a database that is
being written to, with the raw mail and attachments, checked against its manifest on the
way back; on PostgreSQL the command says to use pg_dump."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from kundsvar.ops import backup


def layout(root: Path) -> backup.Layout:
    return backup.Layout(root / "db.sqlite3", root / "raw", root / "media", root / "secret_key")


def make_installation(root: Path) -> backup.Layout:
    place = layout(root)
    root.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(place.database)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, n INTEGER)")
    db.execute("CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER)")
    db.commit()
    db.close()
    (place.raw / "ab").mkdir(parents=True)
    (place.raw / "ab" / "abcdef").write_bytes(b"From: kund@example.se\r\n\r\nHej")
    (place.media / "attachments" / "2026").mkdir(parents=True)
    (place.media / "attachments" / "2026" / "kvitto.pdf").write_bytes(b"%PDF-1.4 kvitto")
    place.secret_key.write_text("the-generated-secret")
    return place


def writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Like the worker: one transaction writes an order and its two lines."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    n = 0
    while not stop.is_set():
        n += 1
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute("INSERT INTO orders (n) VALUES (?)", (n,))
        db.execute("INSERT INTO lines (order_id) VALUES (?)", (cursor.lastrowid,))
        db.execute("INSERT INTO lines (order_id) VALUES (?)", (cursor.lastrowid,))
        db.execute("COMMIT")
        written.append(n)
    db.close()


def test_a_backup_taken_while_a_writer_commits_is_consistent_and_restores(tmp_path):
    source = make_installation(tmp_path / "live")
    stop, written = threading.Event(), []
    thread = threading.Thread(target=writer, args=(source.database, stop, written))
    thread.start()
    try:
        while len(written) < 200:
            time.sleep(0.01)
        manifest = backup.backup(tmp_path / "b.tar.gz", source)
    finally:
        stop.set()
        thread.join()
    target = layout(tmp_path / "restored")
    backup.restore(tmp_path / "b.tar.gz", target)
    db = sqlite3.connect(target.database)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    orders, top = db.execute("SELECT count(*), max(n) FROM orders").fetchone()
    (lines,) = db.execute("SELECT count(*) FROM lines").fetchone()
    # A snapshot: whole transactions only, and every one before it.
    assert orders >= 200 and orders == top and lines == 2 * orders
    assert orders < len(written)  # the writer went on after the copy
    assert (target.raw / "ab" / "abcdef").read_bytes().endswith(b"Hej")
    assert (target.media / "attachments" / "2026" / "kvitto.pdf").read_bytes() == (
        b"%PDF-1.4 kvitto"
    )
    assert target.secret_key.read_text() == "the-generated-secret"
    assert set(manifest["files"]) == {
        "database.sqlite3",
        "raw/ab/abcdef",
        "media/attachments/2026/kvitto.pdf",
        "secret_key",
    }


def test_restore_refuses_a_target_with_data_unless_forced(tmp_path):
    source = make_installation(tmp_path / "live")
    backup.backup(tmp_path / "b.tar.gz", source)
    target = make_installation(tmp_path / "other")
    (target.media / "mine.txt").write_text("keep me")
    with pytest.raises(backup.BackupError, match="--force"):
        backup.restore(tmp_path / "b.tar.gz", target)
    assert (target.media / "mine.txt").exists()
    backup.restore(tmp_path / "b.tar.gz", target, force=True)
    assert not (target.media / "mine.txt").exists()
    assert (target.media / "attachments" / "2026" / "kvitto.pdf").exists()


def tamper(archive: Path, damaged: Path, name: str, content: bytes) -> None:
    with tarfile.open(archive) as old, tarfile.open(damaged, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == name:
                data = content
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_restore_refuses_an_archive_that_does_not_match_its_manifest(tmp_path):
    source = make_installation(tmp_path / "live")
    backup.backup(tmp_path / "b.tar.gz", source)
    tamper(tmp_path / "b.tar.gz", tmp_path / "bad.tar.gz", "raw/ab/abcdef", b"changed")
    target = layout(tmp_path / "restored")
    with pytest.raises(backup.BackupError, match="raw/ab/abcdef"):
        backup.restore(tmp_path / "bad.tar.gz", target)
    assert not target.database.exists()
    manifest = json.loads(
        tarfile.open(tmp_path / "b.tar.gz").extractfile("manifest.json").read()  # noqa: SIM115
    )
    manifest["files"].pop("secret_key")
    tamper(
        tmp_path / "b.tar.gz",
        tmp_path / "extra.tar.gz",
        "manifest.json",
        json.dumps(manifest).encode(),
    )
    with pytest.raises(backup.BackupError, match="extra"):
        backup.restore(tmp_path / "extra.tar.gz", target)


def command(tmp_path: Path, *args: str, database_url: str | None = None):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LD_PRELOAD", "FAKETIME"))},
        "KUNDSVAR_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path}/var/kundsvar.sqlite3",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kundsvar.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def test_the_commands_back_up_and_restore_an_installation(tmp_path):
    var = tmp_path / "var"
    make_installation(var)
    os.replace(var / "db.sqlite3", var / "kundsvar.sqlite3")
    made = command(tmp_path, "backup", "-o", "copy.tar.gz")
    assert made.returncode == 0, made.stderr
    assert "Wrote" in made.stdout and (tmp_path / "copy.tar.gz").exists()
    refused = command(tmp_path, "restore", "copy.tar.gz")
    assert refused.returncode != 0 and "--force" in refused.stderr
    (var / "raw" / "ab" / "abcdef").unlink()
    done = command(tmp_path, "restore", "copy.tar.gz", "--force")
    assert done.returncode == 0, done.stderr
    assert (var / "raw" / "ab" / "abcdef").exists()


def test_on_postgresql_backup_says_to_use_pg_dump(tmp_path):
    run = command(tmp_path, "backup", database_url="postgres://kv@db.internal:5432/kundsvar")
    assert run.returncode != 0
    assert "pg_dump -Fc -d kundsvar" in run.stderr and "pg_restore" in run.stderr
