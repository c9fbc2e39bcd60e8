"""The CSV export with its audit entry: one function for the page and the command line."""
from __future__ import annotations

from typing import TextIO

from sqlalchemy.orm import Session

from staff import queries
from staff.models import audit


def export_csv(session: Session, signal_filter: queries.SignalFilter, out: TextIO,
               with_contact: bool, door: str) -> int:
    """Writes the matching signals to `out` and records who exported what; the caller
    commits. The audit names the filters used, never their values (a search text may
    hold personal data)."""
    signals = queries.find(session, signal_filter, page_size=None)
    queries.write_csv(signals, out, with_contact)
    used = ", ".join(sorted(signal_filter.as_params())) or "geen"
    audit(session, door, "export", f"{len(signals)} signalen, "
          f"{'met' if with_contact else 'zonder'} contact, filters: {used}")
    return len(signals)
