"""A throwaway database and var/ folder for one benchmark run (SQLite file or a fresh
PostgreSQL database on 127.0.0.1), removed again afterwards."""

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

PSQL = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c"]


@contextmanager
def throwaway(db: str, keep: bool = False):
    """Point Django at a new empty database of kind `db` before django.setup(); with
    `keep` it stays afterwards (for a later run to read again)."""
    workdir = Path(tempfile.mkdtemp(prefix="kundsvar-bench-"))
    os.environ["KUNDSVAR_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kundsvar.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    name = None
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    else:
        name = f"kundsvar_bench_{os.getpid()}"
        subprocess.run([*PSQL, f"CREATE DATABASE {name}"], check=True)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        yield workdir
    finally:
        if not keep:
            _remove(workdir, name)


def _remove(workdir: Path, name: str | None) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
    if name:
        from django.db import connections

        connections.close_all()
        subprocess.run([*PSQL, f"DROP DATABASE IF EXISTS {name}"], check=False)
