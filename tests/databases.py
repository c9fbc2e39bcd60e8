"""Run a test on SQLite and on a real PostgreSQL server, both after the real migrations.

In a test module:

    from tests.databases import DATABASES, migrated_database, postgres_url  # noqa: F401

    @pytest.fixture(params=DATABASES)
    def store(request, tmp_path):
        with migrated_database(request, tmp_path, tables=["signalen"]) as url:
            yield SignalStore(url, outbox=tmp_path / "outbox")
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator

import pytest

from servers.postgres import postgres_server
from tests.conftest import migrate
from wijkveiligheid.storage import NewSignal, engine_for, hash_conversation, idempotency_key

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    # One server per test module, not per session: tests count rows, and a module's
    # tests must not see what another module left behind.
    with postgres_server() as server:
        yield server.url


@contextmanager
def migrated_database(request, tmp_path, tables: Iterable[str]) -> Iterator[str]:
    """The URL of a migrated database of the kind request.param names (see DATABASES).

    SQLite is a new file in tmp_path; PostgreSQL is the module's server, so afterwards the
    rows of `tables` are deleted (children before parents) for the next test.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'signalen.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        engine_for(url).dispose()
    migrate(url)
    yield url
    with engine_for(url).begin() as connection:
        for table in tables:
            connection.exec_driver_sql(f"DELETE FROM {table}")


def new_signal(submission: str = "1", **overrides) -> NewSignal:
    values = dict(onderwerp="overlast_op_straat", wijk="Carnisse", gebied="Charlois",
                  beschrijving="Elke avond groepen bij het plein [telefoonnummer]",
                  rol="bewoner", contact_toestemming=False, contact=None, kanaal="rest",
                  gesprek_hash=hash_conversation("gesprek-1"),
                  idempotentie_sleutel=idempotency_key("gesprek-1", submission))
    values.update(overrides)
    return NewSignal(**values)
