"""Migrated databases for tests: SQLite and a real PostgreSQL server, both built by the real
migrations, once, and copied for each test (an Alembic run per test took seconds each).

In a test module:

    from tests.databases import DATABASES, migrated_database, postgres_url  # noqa: F401

    @pytest.fixture(params=DATABASES)
    def store(request, tmp_path):
        with migrated_database(request, tmp_path) as url:
            yield SignalStore(url, outbox=tmp_path / "outbox")

A test that only needs an SQLite database calls `fresh_sqlite(folder)`. `migrate(url)`
runs Alembic itself: for tests about the migrations, and to build the templates.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, List

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from servers.postgres import postgres_server
from wijkveiligheid.storage import NewSignal, engine_for, hash_conversation, idempotency_key

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ["sqlite", "postgresql"]
TEMPLATE = "sjabloon"  # the migrated PostgreSQL database each test's database is copied from


def migrate(url: str) -> None:
    """`alembic upgrade head` on the database at url, as `make migrate` does."""
    subprocess.run([str(Path(sys.executable).parent / "alembic"), "upgrade", "head"],
                   cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True,
                   capture_output=True)


_sqlite_template: List[Path] = []


def sqlite_template() -> Path:
    """An SQLite file at the newest schema, migrated once per test run."""
    if not _sqlite_template:
        folder = Path(tempfile.mkdtemp(prefix="schema-"))
        atexit.register(shutil.rmtree, folder, True)
        migrate(f"sqlite:///{folder / 'signalen.db'}")
        _sqlite_template.append(folder / "signalen.db")
    return _sqlite_template[0]


def fresh_sqlite(folder: Path, name: str = "signalen.db") -> str:
    """The URL of a new SQLite database at the newest schema: a copy of the template."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_template(), folder / name)
    return f"sqlite:///{folder / name}"


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the module, with the migrated template database in it."""
    with postgres_server() as server:
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
        migrate(with_database(server.url, TEMPLATE))
        admin.dispose()
        yield server.url


@contextmanager
def copied_postgres(server_url: str) -> Iterator[str]:
    """A new database copied from the template (CREATE DATABASE ... TEMPLATE), dropped after."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        url = with_database(server_url, name)
        try:
            yield url
        finally:
            engine_for(url).dispose()
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()


@contextmanager
def migrated_database(request, tmp_path, tables: Iterable[str] = ()) -> Iterator[str]:
    """The URL of a new database at the newest schema, of the kind request.param names
    (see DATABASES): a copy of a migrated template, so no test sees another's rows.
    `tables` is accepted for older callers; a copy needs no cleaning."""
    if request.param == "sqlite":
        yield fresh_sqlite(tmp_path)
    else:
        with copied_postgres(request.getfixturevalue("postgres_url")) as url:
            yield url


def new_signal(submission: str = "1", **overrides) -> NewSignal:
    values = dict(onderwerp="overlast_op_straat", wijk="Carnisse", gebied="Charlois",
                  beschrijving="Elke avond groepen bij het plein [telefoonnummer]",
                  rol="bewoner", contact_toestemming=False, contact=None, kanaal="rest",
                  gesprek_hash=hash_conversation("gesprek-1"),
                  idempotentie_sleutel=idempotency_key("gesprek-1", submission))
    values.update(overrides)
    return NewSignal(**values)
