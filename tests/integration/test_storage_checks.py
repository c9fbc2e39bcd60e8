"""The store checks every field again before writing, whoever calls it, and a damaged
outbox file never blocks the signals after it (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import logging

import pytest

from tests.databases import DATABASES, migrated_database, new_signal, postgres_url  # noqa: F401 - fixture
from wijkveiligheid.storage import UNREADABLE, InvalidSignal, SignalStore


@pytest.fixture(params=DATABASES)
def store(request, tmp_path):
    with migrated_database(request, tmp_path, tables=["signalen"]) as url:
        yield SignalStore(url, outbox=tmp_path / "outbox")


@pytest.mark.parametrize("field, value, why", [
    ("onderwerp", "bestaat_niet", "onderwerp"),
    ("onderwerp", "", "onderwerp"),
    ("gebied", "Atlantis", "gebied"),
    ("wijk", "Ommoord", "wijk"),  # a real wijk, but not in Charlois
    ("rol", "beheerder", "rol"),
    ("kanaal", "telegram", "kanaal"),
    ("beschrijving", "", "beschrijving"),
    ("beschrijving", "x" * 2001, "beschrijving"),
    ("gesprek_hash", "gesprek-1", "gesprek_hash"),
    ("idempotentie_sleutel", "1" * 65, "idempotentie_sleutel"),
    ("aangemaakt_op", "gisteren", "aangemaakt_op"),
])
def test_a_field_the_form_cannot_produce_is_refused(store, field, value, why):
    with pytest.raises(InvalidSignal, match=why):
        store.store(new_signal(**{field: value}))
    with pytest.raises(InvalidSignal):
        store.store_or_queue(new_signal(**{field: value}))
    assert store.all() == [] and store.queued() == []


@pytest.mark.parametrize("contact, consent", [
    ("iemand@voorbeeld.nl", False),           # contact without consent
    ("geen contact", True),                   # not an address or a number
    ("0612345678", True),                     # not normalised as the form writes it
    ("a" * 250 + "@voorbeeld.nl", True),      # too long
    ("+31612345678; DROP TABLE", True),
])
def test_a_contact_is_refused_unless_valid_and_consented(store, contact, consent):
    with pytest.raises(InvalidSignal, match="contact"):
        store.store(new_signal(contact=contact, contact_toestemming=consent))
    assert store.all() == []


def test_what_the_form_produces_is_stored(store):
    for i, (wijk, gebied, contact) in enumerate([
            ("Carnisse", "Charlois", "+31612345678"),
            ("Charlois", "Charlois", "naam@voorbeeld.nl"),  # only the gebied was known
            (None, "Centrum", None)]):
        store.store(new_signal(str(i), wijk=wijk, gebied=gebied, contact=contact,
                               contact_toestemming=contact is not None))
    assert len(store.all()) == 3


def test_a_damaged_or_old_outbox_file_is_set_aside_and_the_rest_is_stored(store, caplog):
    store.outbox.mkdir(parents=True)
    (store.outbox / "0-kapot.json").write_text("{ dit is geen json", encoding="utf-8")
    (store.outbox / "1-oud.json").write_text(json.dumps({"onderwerp": "horeca", "tekst": "x"}),
                                             encoding="utf-8")
    (store.outbox / "2-binair.json").write_bytes(b"\xff\xfe\x00")
    store.queue(new_signal("wacht"))
    with caplog.at_level(logging.ERROR, logger="wijkveiligheid.storage"):
        assert store.flush_outbox() == 1
    assert len(store.all()) == 1 and store.queued() == []
    aside = sorted(p.name for p in (store.outbox / UNREADABLE).iterdir())
    assert aside == ["0-kapot.json", "1-oud.json", "2-binair.json"]
    assert caplog.text.count("unreadable") == 3
    # A later signal is stored straight away; the set-aside files stay where they are.
    assert store.store_or_queue(new_signal("later")) is not None
    assert len(list((store.outbox / UNREADABLE).iterdir())) == 3
