"""E-mail about new signals, and the daily list of overdue signals.

A signal is stored first; the e-mail about it is a separate state on its row
(`melding_verstuurd_op` NULL until the SMTP server accepted the message). So a failed
send never loses or blocks the signal: `send_pending` tries again on its next run
(`python -m staff meldingen`, from cron, or every NOTIFY_INTERVAL_SECONDS inside
`python -m staff start`). Run one sender per database: two could send a message twice.

The e-mail holds only the reference, topic, wijk and a link to the staff page: no
description and no contact details (an inbox is not the place for them).
"""
from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from staff.queries import local, overdue_clause, topic_name
from wijkveiligheid.models import Signal, now
from wijkveiligheid.settings import Settings, settings

logger = logging.getLogger(__name__)


def recipients(signal: Signal, current: Settings) -> List[str]:
    """The gebied's own address, else the central one; none configured: nobody."""
    address = current.notify_gebied_addresses.get(signal.gebied or "") or current.notify_address
    return [address] if address else []


def link(reference: str, current: Settings) -> str:
    return f"{current.staff_base_url.rstrip('/')}/signalen/{reference}"


def new_signal_message(signal: Signal, current: Settings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Nieuw signaal {signal.referentie}: {topic_name(signal.onderwerp)}"
    message["From"] = current.smtp_from
    message["To"] = ", ".join(recipients(signal, current))
    message.set_content(
        "Er is een nieuw signaal binnengekomen.\n\n"
        f"Referentie: {signal.referentie}\n"
        f"Onderwerp: {topic_name(signal.onderwerp)}\n"
        f"Wijk: {signal.wijk or 'onbekend'}\n\n"
        f"Bekijk het signaal (na inloggen): {link(signal.referentie, current)}\n")
    return message


def deliver(messages: Sequence[EmailMessage], current: Settings) -> None:
    """Sends over one SMTP connection; raises on any failure (the caller retries)."""
    with smtplib.SMTP(current.smtp_host, current.smtp_port,
                      timeout=current.smtp_timeout_seconds) as smtp:
        if current.smtp_starttls:
            smtp.starttls()
        if current.smtp_user:
            smtp.login(current.smtp_user, current.smtp_password or "")
        for message in messages:
            smtp.send_message(message)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # no address configured for these yet


def send_pending(sessions: sessionmaker, current: Optional[Settings] = None,
                 limit: int = 100) -> SendResult:
    """One e-mail per signal not yet announced; each marked sent only after the server
    took it, so a failure leaves it for the next run."""
    current = current or settings()
    result = SendResult()
    if not current.smtp_host:
        return result
    with sessions() as session:
        pending = session.execute(select(Signal).where(
            Signal.melding_verstuurd_op.is_(None), Signal.referentie.is_not(None))
            .order_by(Signal.id).limit(limit)).scalars().all()
        for signal in pending:
            if not recipients(signal, current):
                result.waiting += 1
                continue
            try:
                deliver([new_signal_message(signal, current)], current)
            except (OSError, smtplib.SMTPException) as error:
                # No signal content in the log: the reference and the kind of error.
                logger.warning("melding %s niet verstuurd (%s); volgende ronde opnieuw",
                               signal.referentie, type(error).__name__)
                signal.melding_pogingen = (signal.melding_pogingen or 0) + 1
                result.failed += 1
            else:
                signal.melding_verstuurd_op = now()
                signal.melding_pogingen = (signal.melding_pogingen or 0) + 1
                result.sent += 1
            session.commit()  # each signal's state on its own: a crash resends at most one
    return result


def start_sender(sessions: sessionmaker, interval: float) -> threading.Event:
    """Sends pending e-mails every `interval` seconds in a daemon thread; set the returned
    event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                send_pending(sessions)
            except Exception:  # the database may be away for a moment; try again later
                logger.exception("meldingen versturen mislukt")
            stop.wait(interval)

    threading.Thread(target=loop, name="meldingen", daemon=True).start()
    return stop


# -- the daily list of overdue signals ---------------------------------------------------
def overdue(session: Session) -> List[Signal]:
    return list(session.execute(select(Signal).where(overdue_clause())
                                .order_by(Signal.deadline, Signal.id)).scalars())


def digest_text(signals: Sequence[Signal], current: Settings) -> str:
    if not signals:
        return "Geen signalen over hun deadline.\n"
    lines = [f"{len(signals)} {'signaal is' if len(signals) == 1 else 'signalen zijn'} "
             "over hun deadline:", ""]
    for signal in signals:
        lines.append(f"{signal.referentie}  deadline {local(signal.deadline):%d-%m-%Y}  "
                     f"{topic_name(signal.onderwerp)}  {signal.wijk or 'onbekend'}  "
                     f"{signal.status}  toegewezen aan: {signal.toegewezen_aan or 'niemand'}  "
                     f"{link(signal.referentie, current)}")
    return "\n".join(lines) + "\n"


def digest_message(signals: Sequence[Signal], current: Settings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Signalen over hun deadline: {len(signals)}"
    message["From"] = current.smtp_from
    message["To"] = current.notify_address or ""
    message.set_content(digest_text(signals, current))
    return message
