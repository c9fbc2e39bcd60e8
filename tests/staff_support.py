"""Shared pieces for the staff tests: a migrated database, seeded signals, accounts, forms."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Dict, List

from sqlalchemy.orm import sessionmaker

from staff import accounts
from tests.databases import fresh_sqlite, new_signal
from wijkveiligheid.storage import SignalStore, engine_for

PASSWORD = "correct-paard-batterij"
XSS = "<script>alert(1)</script> bij de speeltuin"


def make_database(tmp_path) -> str:
    """A fresh SQLite database at the newest schema (a copy of the migrated template)."""
    return fresh_sqlite(tmp_path)


def seed_signals(url: str, outbox) -> List[str]:
    """Four signals through the real SignalStore, of different ages, topics and places."""
    store = SignalStore(url, outbox=outbox)
    now = datetime.now(timezone.utc)
    specs = [
        dict(onderwerp="woonoverlast", wijk="Carnisse", gebied="Charlois", rol="bewoner",
             beschrijving="Harde muziek elke nacht bij de buren", contact_toestemming=True,
             contact="melder@example.org", days=20),
        dict(onderwerp="overlast_op_straat", wijk="Spangen", gebied="Delfshaven",
             rol="ondernemer", beschrijving="Groepen jongeren voor de winkel", days=9),
        dict(onderwerp="cameratoezicht", wijk="Carnisse", gebied="Charlois", rol="bewoner",
             beschrijving="Camera bij het plein werkt niet 50% korting_tekst", days=3),
        dict(onderwerp="overlast_op_straat", wijk="Carnisse", gebied="Charlois",
             rol="wijkraadslid", beschrijving=XSS, days=1),
    ]
    references = []
    for i, spec in enumerate(specs):
        days = spec.pop("days")
        references.append(store.store(new_signal(
            f"seed-{i}", aangemaakt_op=(now - timedelta(days=days)).isoformat(), **spec)))
    return references


def sessions(url: str):
    return sessionmaker(engine_for(url), future=True, expire_on_commit=False)


def add_user(url: str, name: str, role: str = "medewerker", password: str = PASSWORD) -> None:
    with sessions(url)() as session:
        accounts.create_user(session, name, password, role, "test")
        session.commit()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def login(client, name: str, password: str = PASSWORD, follow: bool = False):
    page = client.get("/inloggen")
    return client.post("/inloggen", data={"csrf_token": csrf_token(page.text),
                                          "gebruikersnaam": name, "wachtwoord": password},
                       follow_redirects=follow)


def post_form(client, page_url: str, action: str, data: Dict[str, str], follow: bool = False):
    """Posts like a browser: takes the CSRF token from the page the form is on."""
    page = client.get(page_url)
    return client.post(action, data={"csrf_token": csrf_token(page.text), **data},
                       follow_redirects=follow)
