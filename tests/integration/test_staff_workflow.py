"""The status workflow, notes, audit log and retention on SQLite and a real PostgreSQL,
after the real migrations."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from staff import workflow
from staff.models import AuditEntry
from staff.queries import by_reference
from tests.databases import (  # noqa: F401 - postgres_url: fixture
    DATABASES,
    fresh_sqlite,
    migrate,
    migrated_database,
    postgres_url,
)
from tests.staff_support import seed_signals, sessions
from wijkveiligheid.models import StatusNote
from wijkveiligheid.storage import SignalStore, engine_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=DATABASES)
def database(request, tmp_path):
    with migrated_database(request, tmp_path) as url:
        yield url, seed_signals(url, tmp_path / "outbox")


def alembic(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "alembic"), *args], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": url}, capture_output=True,
                          text=True, timeout=300)


def test_migration_creates_the_staff_tables_as_the_models_describe(database):
    tables = set(inspect(engine_for(database[0])).get_table_names())
    assert {"medewerkers", "medewerker_sessies", "inlogpogingen", "signaal_notities",
            "auditlog", "instellingen", "signalen"} <= tables
    check = alembic(database[0], "check")  # models and migrations agree
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_staff_migration_can_be_undone_and_redone(tmp_path):
    url = f"sqlite:///{tmp_path / 'signalen.db'}"
    migrate(url)
    assert alembic(url, "downgrade", "0001").returncode == 0
    assert "medewerkers" not in inspect(engine_for(url)).get_table_names()
    assert alembic(url, "upgrade", "head").returncode == 0
    assert "medewerkers" in inspect(engine_for(url)).get_table_names()


ALL_PAIRS = [(a, b) for a in workflow.STATUSES for b in workflow.STATUSES if a != b]


def test_the_transition_table_is_what_the_docs_say():
    allowed = {(a, b) for a, b in ALL_PAIRS if b in workflow.allowed_next(a)}
    assert allowed == {
        ("nieuw", "in behandeling"), ("nieuw", "doorgestuurd naar wijkmanager"),
        ("nieuw", "afgehandeld"), ("in behandeling", "doorgestuurd naar wijkmanager"),
        ("in behandeling", "afgehandeld"), ("doorgestuurd naar wijkmanager", "in behandeling"),
        ("doorgestuurd naar wijkmanager", "afgehandeld"), ("afgehandeld", "in behandeling")}


def test_a_signal_walks_the_whole_workflow_and_every_step_is_recorded(database):
    url, references = database
    reference = references[0]
    steps = [("in behandeling", ""), ("doorgestuurd naar wijkmanager", "Voor Fatima"),
             ("afgehandeld", "Buren gesproken"), ("in behandeling", "Weer overlast")]
    with sessions(url)() as session:
        for status, note in steps:
            workflow.change(session, by_reference(session, reference), status, note, "mia")
            session.commit()
        workflow.change(session, by_reference(session, reference), None, "Alleen een notitie",
                        "bert")
        session.commit()
    with sessions(url)() as session:
        signal = by_reference(session, reference)
        assert signal.status == "in behandeling"
        assert [(n.van_status, n.naar_status, n.notitie) for n in signal.notities] == [
            ("nieuw", "in behandeling", None),
            ("in behandeling", "doorgestuurd naar wijkmanager", "Voor Fatima"),
            ("doorgestuurd naar wijkmanager", "afgehandeld", "Buren gesproken"),
            ("afgehandeld", "in behandeling", "Weer overlast"),
            (None, None, "Alleen een notitie")]
        entries = session.execute(select(AuditEntry).where(
            AuditEntry.signaal_referentie == reference).order_by(AuditEntry.id)).scalars().all()
        assert [(e.door, e.actie, e.details) for e in entries] == [
            ("mia", "status", "nieuw -> in behandeling"),
            ("mia", "status", "in behandeling -> doorgestuurd naar wijkmanager"),
            ("mia", "status", "doorgestuurd naar wijkmanager -> afgehandeld"),
            ("mia", "status", "afgehandeld -> in behandeling"),
            ("bert", "notitie", "notitie toegevoegd")]
        # The audit log holds no note text (that may hold personal data; it goes with the signal).
        assert not any("Buren" in (e.details or "") for e in entries)
        assert all(e.op is not None for e in entries)


@pytest.mark.parametrize("old,new", [(a, b) for a, b in ALL_PAIRS
                                     if b not in workflow.allowed_next(a)])
def test_every_forbidden_transition_is_refused_and_changes_nothing(tmp_path, old, new):
    url = fresh_sqlite(tmp_path)
    reference = seed_signals(url, tmp_path / "outbox")[0]
    with sessions(url)() as session:
        signal = by_reference(session, reference)
        signal.status = old
        session.commit()
        with pytest.raises(workflow.WorkflowError):
            workflow.change(session, signal, new, "een reden", "mia")
        session.rollback()
        assert by_reference(session, reference).status == old
        assert session.execute(select(func.count(AuditEntry.id))).scalar_one() == 0


def test_empty_changes_and_long_notes_are_refused(database):
    url, references = database
    with sessions(url)() as session:
        signal = by_reference(session, references[1])
        with pytest.raises(workflow.WorkflowError, match="Kies een nieuwe status"):
            workflow.change(session, signal, "", "  ", "mia")
        with pytest.raises(workflow.WorkflowError, match="te lang"):
            workflow.change(session, signal, "in behandeling", "x" * 2001, "mia")
        with pytest.raises(workflow.WorkflowError, match="bestaat niet"):
            workflow.change(session, signal, "gesloten", "x", "mia")


def test_retention_deletes_the_notes_with_the_signal_but_keeps_the_audit(database):
    url, references = database
    with sessions(url)() as session:
        for reference in references[:2]:  # 20 and 9 days old
            workflow.change(session, by_reference(session, reference), "in behandeling",
                            "notitie met 06-12345678", "mia")
        session.commit()
    deleted = SignalStore(url).delete_older_than(15, now=datetime.now(timezone.utc))
    assert deleted == 1
    with sessions(url)() as session:
        notes = session.execute(select(StatusNote)).scalars().all()
        assert len(notes) == 1 and notes[0].signaal.referentie == references[1]
        assert session.execute(select(func.count(AuditEntry.id))).scalar_one() == 2
