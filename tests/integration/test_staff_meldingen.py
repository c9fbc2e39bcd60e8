"""E-mail about new signals and the overdue digest (issue 17, item 4), against a real SMTP
server (aiosmtpd) that the test starts itself, on SQLite and on PostgreSQL."""
from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from email.policy import default as default_policy
from pathlib import Path
from typing import List

import pytest
from aiosmtpd.controller import Controller

from servers.runner import free_port, running, staff_server
from staff.db import sessions_for
from staff.meldingen import send_pending
from staff.queries import topic_name
from tests.databases import (  # noqa: F401 - fixture
    DATABASES,
    migrated_database,
    new_signal,
    postgres_url,
)
from wijkveiligheid.models import Signal, now
from wijkveiligheid.settings import settings
from wijkveiligheid.storage import SignalStore

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "results" / "server-logs"


class Inbox:
    """aiosmtpd handler: keeps every message the server accepted."""

    def __init__(self) -> None:
        self.messages: List[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def mail_env(port: int) -> dict:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
            "SMTP_FROM": "signalen@rotterdam.example", "NOTIFY_ADDRESS": "centraal@example.org",
            "NOTIFY_GEBIED_ADDRESSES": json.dumps({"Charlois": "charlois@example.org"}),
            "STAFF_BASE_URL": "https://medewerkers.example"}


@pytest.fixture(params=DATABASES)
def database(request, tmp_path):
    with migrated_database(request, tmp_path, tables=["signalen"]) as url:
        yield url, SignalStore(url, outbox=tmp_path / "outbox")


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_new_signal_is_mailed_to_its_gebied_without_description_or_contact(
        database, smtp, monkeypatch):
    url, store = database
    controller, inbox = smtp
    for key, value in mail_env(controller.port).items():
        monkeypatch.setenv(key, value)
    charlois = store.store(new_signal("a", onderwerp="woonoverlast", wijk="Carnisse",
                                      gebied="Charlois", contact_toestemming=True,
                                      contact="melder@example.org",
                                      beschrijving="Harde muziek bij nummer 12"))
    elsewhere = store.store(new_signal("b", wijk="Spangen", gebied="Delfshaven"))
    result = send_pending(sessions_for(url), settings())
    assert (result.sent, result.failed) == (2, 0)
    by_reference = {m["Subject"].split()[2].rstrip(":"): m for m in inbox.messages}
    mail = by_reference[charlois]
    assert mail["X-Envelope-To"] == "charlois@example.org"
    assert by_reference[elsewhere]["X-Envelope-To"] == "centraal@example.org"
    text = body(mail)
    assert charlois in text and topic_name("woonoverlast") in text and "Carnisse" in text
    assert f"https://medewerkers.example/signalen/{charlois}" in text
    raw = mail.as_string()
    assert "melder@example.org" not in raw and "muziek" not in raw
    # Sent once: a second run finds nothing left.
    assert send_pending(sessions_for(url), settings()).sent == 0 and len(inbox.messages) == 2


def test_a_failed_send_keeps_the_signal_and_is_retried(database, monkeypatch):
    url, store = database
    port = free_port()  # nothing listens here yet
    for key, value in mail_env(port).items():
        monkeypatch.setenv(key, value)
    reference = store.store(new_signal("c"))
    failed = send_pending(sessions_for(url), settings())
    assert (failed.sent, failed.failed) == (0, 1)
    with sessions_for(url)() as session:
        signal = session.query(Signal).filter_by(referentie=reference).one()
        assert signal.melding_verstuurd_op is None and signal.melding_pogingen == 1
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        again = send_pending(sessions_for(url), settings())
    finally:
        controller.stop()
    assert (again.sent, again.failed) == (1, 0)
    assert [m["Subject"] for m in inbox.messages] == [
        f"Nieuw signaal {reference}: {topic_name('overlast_op_straat')}"]
    with sessions_for(url)() as session:
        signal = session.query(Signal).filter_by(referentie=reference).one()
        assert signal.melding_verstuurd_op is not None and signal.melding_pogingen == 2


def test_without_an_address_nothing_is_sent_and_the_signal_waits(database, smtp,
                                                                 monkeypatch):
    url, store = database
    controller, inbox = smtp
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    store.store(new_signal("d"))
    result = send_pending(sessions_for(url), settings())
    assert (result.sent, result.waiting) == (0, 1) and inbox.messages == []


def test_the_running_staff_server_mails_a_new_signal(database, smtp):
    url, store = database
    controller, inbox = smtp
    server = staff_server(free_port(), env={
        "DATABASE_URL": url, "STAFF_SECRET_KEY": "mail-sleutel", "NOTIFY_INTERVAL_SECONDS": "5",
        **mail_env(controller.port)})
    with running([server], LOGS, timeout=180):
        reference = store.store(new_signal("e"))
        deadline = time.monotonic() + 120
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.5)
    assert [m["Subject"].split()[2].rstrip(":") for m in inbox.messages] == [reference]


def cli(url: str, *args: str, extra_env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "staff", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": url, **(extra_env or {})})


def test_the_daily_digest_lists_overdue_signals_and_mails_them(database, smtp):
    url, store = database
    controller, inbox = smtp
    late = store.store(new_signal("f", aangemaakt_op=(now() - timedelta(days=15)).isoformat()))
    fresh = store.store(new_signal("g"))
    result = cli(url, "te-laat")
    assert result.returncode == 0, result.stderr
    assert late in result.stdout and fresh not in result.stdout
    assert "1 signaal is over hun deadline:" in result.stdout
    mailed = cli(url, "te-laat", "--mail", extra_env=mail_env(controller.port))
    assert mailed.returncode == 0, mailed.stderr
    assert len(inbox.messages) == 1 and late in body(inbox.messages[0])
    assert inbox.messages[0]["X-Envelope-To"] == "centraal@example.org"


def test_the_send_command_reports_failures_with_a_nonzero_exit(database):
    url, store = database
    reference = store.store(new_signal("h"))
    result = cli(url, "meldingen", extra_env=mail_env(free_port()))
    assert result.returncode == 1 and "1 mislukt" in result.stdout
    assert store.by_reference(reference) is not None  # the signal is still there
