"""The command line (`python -m staff`) as a user runs it: real processes, a real database."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from staff.models import AuditEntry, StaffUser
from tests.staff_support import PASSWORD, make_database, seed_signals, sessions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def url(tmp_path):
    url = make_database(tmp_path)
    seed_signals(url, tmp_path / "outbox")
    return url


def staff(url, *args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "staff", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "DATABASE_URL": url})


def test_create_an_account_with_the_password_from_stdin(url):
    result = staff(url, "gebruiker-aanmaken", "--gebruikersnaam", "Anna", "--rol", "beheerder",
                   "--wachtwoord-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "Account anna (beheerder) is aangemaakt." in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    with sessions(url)() as session:
        user = session.execute(select(StaffUser)).scalar_one()
        assert (user.gebruikersnaam, user.rol) == ("anna", "beheerder")
        assert user.wachtwoord_hash.startswith("$argon2id$")


def test_short_passwords_doubles_and_bad_roles_are_refused(url):
    short = staff(url, "gebruiker-aanmaken", "--gebruikersnaam", "anna", stdin="kort\n")
    assert short.returncode == 1 and "minstens 12 tekens" in short.stderr
    staff(url, "gebruiker-aanmaken", "--gebruikersnaam", "anna", stdin=PASSWORD + "\n")
    double = staff(url, "gebruiker-aanmaken", "--gebruikersnaam", "ANNA", stdin=PASSWORD + "\n")
    assert double.returncode == 1 and "bestaat al" in double.stderr
    role = staff(url, "gebruiker-aanmaken", "--gebruikersnaam", "piet", "--rol", "baas",
                 stdin=PASSWORD + "\n")
    assert role.returncode == 2
    # There is no way to pass the password as an argument.
    assert staff(url, "gebruiker-aanmaken", "--gebruikersnaam", "x",
                 "--wachtwoord", PASSWORD).returncode == 2


def test_list_filters_like_the_page(url):
    result = staff(url, "lijst", "--gebied", "Charlois", "--rol", "bewoner")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and all("Charlois" in line for line in lines)
    assert "2 van 2 signalen." in result.stderr
    spangen = staff(url, "lijst", "--wijk", "Spangen")
    assert len(spangen.stdout.strip().splitlines()) == 1
    wrong = staff(url, "lijst", "--van", "vorige week")
    assert wrong.returncode == 2 and "jjjj-mm-dd" in wrong.stderr


def test_export_without_and_with_contact(url):
    plain = staff(url, "export", "--onderwerp", "woonoverlast")
    rows = list(csv.DictReader(io.StringIO(plain.stdout), delimiter=";"))
    assert len(rows) == 1 and "contact" not in rows[0]
    assert "melder@example.org" not in plain.stdout
    full = staff(url, "export", "--met-contact", "--status", "open")
    rows = list(csv.DictReader(io.StringIO(full.stdout), delimiter=";"))
    assert len(rows) == 4 and "melder@example.org" in [r["contact"] for r in rows]
    with sessions(url)() as session:
        details = session.execute(select(AuditEntry.details).where(
            AuditEntry.actie == "export")).scalars().all()
    assert details == ["1 signalen, zonder contact, filters: onderwerp",
                       "4 signalen, met contact, filters: status"]


def test_a_database_without_the_schema_gets_a_clear_message(tmp_path):
    result = staff(f"sqlite:///{tmp_path / 'leeg.db'}", "lijst")
    assert result.returncode == 1 and "make migrate" in result.stderr
