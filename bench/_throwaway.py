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
def throwaway(db: str, keep: str = ""):
    """Point Django at a new empty database of kind `db` before django.setup(). With
    `keep`, a named database that stays afterwards and is used again next time (fill a
    million cases once, measure often)."""
    if keep:
        workdir = Path(tempfile.gettempdir()) / f"kundsvar-bench-keep-{keep}"
        workdir.mkdir(exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="kundsvar-bench-"))
    os.environ["KUNDSVAR_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kundsvar.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    name = None
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    else:
        name = f"kundsvar_bench_{keep or os.getpid()}"
        subprocess.run([*PSQL, f"CREATE DATABASE {name}"], check=not keep)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        yield workdir
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        if name and not keep:
            from django.db import connections

            connections.close_all()
            subprocess.run([*PSQL, f"DROP DATABASE IF EXISTS {name}"], check=False)
