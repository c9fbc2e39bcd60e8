"""Each topic id is written once (the knowledge file); the importer makes the rest."""
from __future__ import annotations

import yaml

from bot.importer import KnowledgeImporter, topic_domain, topic_rules
from tests.conftest import ROOT
from wijkveiligheid.knowledge import INTRODUCTION_INTENT, TOPIC_IDS


def importer() -> KnowledgeImporter:
    return KnowledgeImporter(str(ROOT / "config.yml"), str(ROOT / "domain.yml"),
                             [str(ROOT / "bot" / "data")])


def test_the_hand_written_domain_and_rules_name_no_topic_id():
    domain = (ROOT / "domain.yml").read_text(encoding="utf-8")
    rules = (ROOT / "bot" / "data" / "rules.yml").read_text(encoding="utf-8")
    for topic in TOPIC_IDS:
        assert topic not in yaml.safe_load(domain).get("intents", []), topic
        assert f"intent: {topic}" not in rules, topic


def test_the_domain_gets_the_topic_intents_and_slot(kb):
    domain = importer().get_domain()
    assert set(TOPIC_IDS) | {INTRODUCTION_INTENT} <= set(domain.intents)
    onderwerp = next(s for s in domain.slots if s.name == "onderwerp")
    # Rasa adds its own "__other__" value to a categorical slot.
    assert [v for v in onderwerp.values if v != "__other__"] == list(TOPIC_IDS)
    assert topic_domain(kb)["slots"]["onderwerp"]["values"] == list(TOPIC_IDS)


def test_a_rule_answers_every_topic_follow_up_and_introduction_question(kb):
    steps = topic_rules(kb)["rules"][0]["steps"]
    asked = [step["intent"] for step in steps[0]["or"]]
    assert asked == [*TOPIC_IDS, "vervolgvraag", INTRODUCTION_INTENT]
    assert steps[1] == {"action": "utter_antwoord"}
    stories = importer().get_stories()
    assert any("utter_antwoord" in str(step.events) for step in stories.story_steps
               if step.block_name.startswith("Een vraag over een veiligheidsonderwerp"))


def test_kinds_and_roles_in_the_domain_are_the_cores():
    """Where domain.yml names kinds or reporter roles, they are the core's, in order."""
    from wijkveiligheid.knowledge import QUESTION_KINDS
    from wijkveiligheid.models import REPORTER_ROLES

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert domain["slots"]["vraagsoort"]["values"] == list(QUESTION_KINDS)
    buttons = domain["responses"]["utter_ask_signaal_rol"][0]["buttons"]
    assert [b["payload"] for b in buttons] == list(REPORTER_ROLES)
    unknown_role = domain["responses"]["utter_signaal_rol_onbekend"][0]["text"]
    assert all(role in unknown_role for role in REPORTER_ROLES)
