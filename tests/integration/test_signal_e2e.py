"""A signal passed on in a whole conversation through the real servers ends up in SQL."""
from __future__ import annotations

import pytest

from tests.conftest import Chat
from wijkveiligheid.storage import SignalStore

pytestmark = pytest.mark.e2e


@pytest.fixture
def store(signals_url, e2e_dir) -> SignalStore:
    return SignalStore(signals_url, outbox=e2e_dir / "outbox")


def test_a_whole_conversation_stores_one_signal(chat: Chat, store):
    before = len(store.all())
    assert "Waar gaat je signaal over" in chat.text("ik wil een signaal doorgeven")
    assert "In welke wijk" in chat.text("Overlast op straat")
    assert "Wat is er aan de hand" in chat.text("carnise")
    reply = chat.text("Elke avond schreeuwen jongeren bij het winkelcentrum, "
                      "bel 06-12345678 voor meer info")
    assert "persoonsgegevens" in reply and "Wie ben jij" in reply
    assert "contact" in chat.text("bewoner")
    assert "e-mailadres of telefoonnummer" in chat.text("ja")
    summary = chat.text("naam@voorbeeld.nl")
    assert "Klopt dit?" in summary and "Carnisse (Charlois)" in summary
    assert "06-12345678" not in summary
    done = chat.text("ja")
    assert "SIG-" in done

    signals = store.all()
    assert len(signals) == before + 1
    row = signals[-1]
    assert row.referentie in done
    assert (row.onderwerp, row.wijk, row.gebied, row.rol) == (
        "overlast_op_straat", "Carnisse", "Charlois", "bewoner")
    assert row.contact == "naam@voorbeeld.nl" and row.contact_toestemming is True
    assert "[telefoonnummer]" in row.beschrijving and "06-12345678" not in row.beschrijving
    assert row.status == "nieuw" and chat.sender not in row.gesprek_hash
    assert chat.slots()["signaal_wijk"] is None  # the form forgets after storing


def test_stopping_stores_nothing(chat: Chat, store):
    before = len(store.all())
    chat.text("ik wil een signaal doorgeven")
    chat.text("Horeca")
    assert "niets opgeslagen" in chat.text("laat maar")
    assert len(store.all()) == before
    assert chat.slots()["signaal_onderwerp"] is None


def test_declining_at_the_summary_stores_nothing(chat: Chat, store):
    before = len(store.all())
    for answer in ["ik wil een signaal doorgeven", "Demonstraties", "Oude Westen",
                   "Er komt zaterdag een grote demonstratie langs de school",
                   "wijkraadslid", "nee"]:
        chat.text(answer)
    assert "niets opgeslagen" in chat.text("nee")
    assert len(store.all()) == before


def test_signal_is_offered_after_a_report_answer_with_the_topic_prefilled(chat: Chat):
    messages = chat.say("er wordt elke avond gedeald bij het speeltuintje, waar meld ik dat")
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert "/signaal_doorgeven" in payloads
    assert "Gaat je signaal over: Overlast op straat?" in chat.text("/signaal_doorgeven")


def test_bad_answers_never_break_the_form(chat: Chat):
    chat.text("ik wil een signaal doorgeven")
    for odd in ["", "🙂🙂", "<script>alert(1)</script>", "'; DROP TABLE signalen; --"]:
        assert chat.say(odd), f"no reply to {odd!r}"
    assert "niets opgeslagen" in chat.text("stop")


def test_a_huge_description_is_refused_and_a_normal_one_accepted(chat: Chat):
    for answer in ["ik wil een signaal doorgeven", "Cyberweerbaarheid", "Ommoord"]:
        chat.text(answer)
    assert "te lang" in chat.text("oplichting " * 1000)
    assert "Wie ben jij" in chat.text("Veel ouderen krijgen nepberichten van de bank")
    assert "niets opgeslagen" in chat.text("stop")


def test_a_short_question_at_the_description_step_is_answered_and_the_form_goes_on(chat: Chat,
                                                                                   store):
    before = len(store.all())
    chat.text("ik wil een signaal doorgeven")
    chat.text("Cameratoezicht")
    assert "Wat is er aan de hand" in chat.text("Oude Westen")
    reply = chat.text("wie beslist er eigenlijk over camera's op straat?")
    assert "burgemeester" in reply.lower() and "Wat is er aan de hand" in reply
    assert "Wie ben jij" in chat.text("Bij de speeltuin wordt elke avond gedeald en geschreeuwd")
    for answer in ["bewoner", "nee"]:
        chat.text(answer)
    assert "SIG-" in chat.text("ja")
    row = store.all()[-1]
    assert len(store.all()) == before + 1
    assert row.beschrijving.startswith("Bij de speeltuin") and "burgemeester" not in row.beschrijving
