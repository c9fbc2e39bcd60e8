"""The assistant's answers are built from the knowledge file and nothing else."""
from __future__ import annotations

import yaml

from bot.importer import KnowledgeImporter
from bot.responses import build_responses
from tests.conftest import ROOT
from wijkveiligheid.knowledge import (
    CONTACTS_FILE,
    QUESTION_KINDS,
    TOPIC_IDS,
    TOPICS_FILE,
    load_knowledge,
)


def variation(responses, topic_id, kind) -> str:
    for v in responses["utter_antwoord"]:
        conditions = {c["name"]: c["value"] for c in v.get("condition", [])}
        if conditions == {"onderwerp": topic_id, "vraagsoort": kind}:
            return v["text"]
    raise AssertionError(f"no answer for {topic_id}/{kind}")


def test_every_topic_has_an_answer_for_every_kind(kb):
    responses = build_responses(kb)
    for topic_id in TOPIC_IDS:
        for kind in QUESTION_KINDS:
            assert variation(responses, topic_id, kind)
    # 56 conditional answers plus one for "no topic known yet".
    assert len(responses["utter_antwoord"]) == 14 * 4 + 1


def test_answers_are_made_of_the_knowledge(kb):
    # Without bot.nlg (an Agent loaded without endpoints) each topic and kind gets the
    # topic's short answer from the knowledge file.
    responses = build_responses(kb)
    for topic in kb.topics.values():
        for kind in QUESTION_KINDS:
            expected = getattr(topic.kort, kind) or topic.kort.uitleg
            assert expected in variation(responses, topic.id, kind)


def test_a_changed_knowledge_file_changes_the_answer(tmp_path):
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    data["onderwerpen"][0]["kort"]["uitleg"] = "Dit is een testzin die nergens anders staat."
    changed = tmp_path / "onderwerpen.yml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    responses = build_responses(load_knowledge(changed, CONTACTS_FILE))
    assert "testzin die nergens anders staat" in variation(responses, "cameratoezicht", "uitleg")


def test_influence_answers_say_what_the_wijkraad_cannot_do(kb):
    responses = build_responses(kb)
    assert "geen invloed" in variation(responses, "voetbal", "invloed")
    assert "geen invloed" in variation(responses, "demonstraties", "invloed")
    assert "drie jaar" in variation(responses, "cameratoezicht", "invloed")
    for topic_id in TOPIC_IDS:  # the brochure's route for thinking along: the wijkmanager
        assert "wijkmanager" in variation(responses, topic_id, "invloed")


def test_report_answers_send_people_to_the_right_place(kb):
    responses = build_responses(kb)
    street = variation(responses, "overlast_op_straat", "melden")
    assert kb.contacts.veiligheidsloket.url in street
    housing = variation(responses, "woonoverlast", "melden")
    assert kb.contacts.meldpunt_woonoverlast.url in housing
    for topic_id, topic in kb.topics.items():  # 112 only where danger is plausible
        assert ("112" in variation(responses, topic_id, "melden")) == topic.gevaar_mogelijk


def test_signal_answers_name_the_wijkmanager(kb):
    responses = build_responses(kb)
    for topic_id in TOPIC_IDS:
        assert "wijkmanager" in variation(responses, topic_id, "signaal")


def test_overview_lists_the_influence_of_every_topic(kb):
    overview = build_responses(kb)["utter_overzicht_invloed"][0]["text"]
    for topic in kb.topics.values():
        assert f"{topic.naam}: **{topic.invloed.niveau.label}**" in overview


def test_what_can_i_ask_offers_every_topic_as_a_button(kb):
    buttons = build_responses(kb)["utter_wat_kan_ik_vragen"][0]["buttons"]
    assert [b["payload"].split("{")[0] for b in buttons] == [f"/{t}" for t in TOPIC_IDS]


def test_emergency_answer_starts_with_112(kb):
    text = build_responses(kb)["utter_noodgeval"][0]["text"]
    assert text.startswith("**Bel nu 112**")
    # Each thing once: no "Is het geen spoed? Geen spoed?"
    assert text.lower().count("geen spoed") == 1 and text.count("112") == 1


def test_the_importer_adds_the_answers_to_the_domain():
    importer = KnowledgeImporter(str(ROOT / "config.yml"), str(ROOT / "domain.yml"),
                                 [str(ROOT / "bot" / "data")])
    domain = importer.get_domain()
    assert "utter_antwoord" in domain.responses
    assert "utter_bedankt" in domain.responses  # from domain.yml itself
    assert set(TOPIC_IDS) <= set(domain.intents)
    onderwerp = next(s for s in domain.slots if s.name == "onderwerp")
    assert set(onderwerp.values) >= set(TOPIC_IDS)


def test_contact_links_are_markdown_links_with_readable_text(kb):
    line = kb.contact_line(kb.contacts.veiligheidsloket)
    assert ("[Naar de website van het Veiligheidsloket]"
            "(https://www.rotterdam.nl/veiligheidsloket).") in line
    assert line.count("https://") == 1  # no bare address beside the link


def test_the_forms_topic_question_opens_with_what_happens_only_the_first_time(kb):
    opening = kb.say(kb.teksten.gesprek.signaal_opening)
    for name in ("utter_signaal_onderwerp_bevestigen", "utter_signaal_onderwerp_kiezen"):
        again, first = build_responses(kb)[name]
        assert first["text"].startswith(opening) and "condition" not in first
        assert opening not in again["text"]
        assert again["condition"] == [{"type": "slot", "name": "requested_slot",
                                       "value": "signaal_onderwerp"}]
        assert again["buttons"] == first["buttons"]
