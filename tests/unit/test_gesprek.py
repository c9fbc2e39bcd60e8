"""The conversation policy: a message not understood alone, answered in the conversation's
topic (bot/gesprek.py), on real trackers and the shipped knowledge."""
from __future__ import annotations

from typing import Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import gesprek
from bot.antwoorden import QuestionRanker, question_ranker
from bot.gesprek import heard, previous_subject


# The rules take the message as heard once per turn; these run them on a whole tracker
# (None for a message the policy does not read at all, such as a button's payload).
def follow_up_kind(ranker: QuestionRanker, talk: DialogueStateTracker) -> Optional[str]:
    message = heard(talk)
    return message and gesprek.follow_up_kind(ranker, message)


def stays_in_topic(ranker: QuestionRanker, talk: DialogueStateTracker) -> Optional[str]:
    message = heard(talk)
    return message and gesprek.stays_in_topic(ranker, message)


def without_follow_up(ranker: QuestionRanker, talk: DialogueStateTracker) -> Optional[str]:
    message = heard(talk)
    return message and gesprek.without_follow_up(ranker, message)

BUDGET = "kunnen wijkraden iets zeggen over waar het budget heen gaat"


def tracker(text: str, intent: str, topic: Optional[str] = "stadsmariniers"
            ) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    if topic:
        events += [UserUttered("wat doet een stadsmarinier", {"name": topic}),
                   SlotSet("onderwerp", topic), ActionExecuted("utter_antwoord"),
                   ActionExecuted("action_listen")]
    events.append(UserUttered(text, {"name": intent}))
    return DialogueStateTracker.from_events("test", events, slots=Domain.empty().slots)


@pytest.mark.parametrize("intent", ["nlu_fallback", "buiten_bereik"])
def test_a_message_not_understood_alone_is_answered_in_the_conversations_topic(intent):
    assert follow_up_kind(question_ranker(), tracker(BUDGET, intent)) == "invloed"


def test_a_message_surely_out_of_scope_is_no_follow_up_however_like_an_item():
    metro = ranked_message("rijdt de metro naar hoek van holland ook in het weekend",
                           {"buiten_bereik": 0.9}, topic="jongerenwerk")
    assert follow_up_kind(question_ranker(), metro) is None


def test_no_follow_up_without_a_topic_a_fitting_item_or_when_the_nlu_understood():
    ranker = question_ranker()
    assert follow_up_kind(ranker, tracker(BUDGET, "nlu_fallback", topic=None)) is None
    assert follow_up_kind(ranker, tracker("xyzzy qwerty", "nlu_fallback")) is None
    assert follow_up_kind(ranker, tracker(BUDGET, "stadsmariniers")) is None
    assert follow_up_kind(ranker, tracker('/vervolgvraag{"vraagsoort": "invloed"}',
                                          "nlu_fallback")) is None


def test_out_of_scope_needs_a_closer_match_than_not_sure():
    ranker = question_ranker()
    vague = "hoe zit het met het geld"
    assert follow_up_kind(ranker, tracker(vague, "buiten_bereik")) is None


def test_the_previous_topic_is_the_one_before_the_latest_message():
    talk = tracker("wat doet de gemeente tegen inbraak", "high_impact_crimes")
    talk.update(SlotSet("onderwerp", "high_impact_crimes"))
    assert previous_subject(talk) == "stadsmariniers"


def test_a_message_read_as_another_topic_stays_when_the_conversations_topic_fits_better():
    ranker = question_ranker()
    after_burglary = tracker("waar worden die acties aangekondigd", "demonstraties",
                             topic="high_impact_crimes")
    assert stays_in_topic(ranker, after_burglary) == "high_impact_crimes"
    switch = tracker("en hoe zit het met demonstraties?", "demonstraties",
                     topic="cameratoezicht")
    assert stays_in_topic(ranker, switch) is None


def test_after_the_introduction_a_follow_up_is_answered_from_the_introduction():
    from bot.nlg import turn_of

    talk = DialogueStateTracker.from_events("test", [
        ActionExecuted("action_listen"),
        UserUttered("wat betekent het wijkakkoord voor veiligheid?", {"name": "wijkakkoord"}),
        ActionExecuted("utter_antwoord"), ActionExecuted("action_listen"),
        UserUttered("en wie moet ik bellen als ik meer wil weten", {"name": "vervolgvraag"}),
    ], slots=Domain.empty().slots)
    assert previous_subject(talk) == "wijkakkoord"
    assert turn_of(talk).intent == "wijkakkoord"


def test_a_topic_asked_again_is_the_subject_again_after_the_introduction():
    talk = DialogueStateTracker.from_events("test", [
        UserUttered("wat doet een stadsmarinier", {"name": "stadsmariniers"}),
        SlotSet("onderwerp", "stadsmariniers"),
        UserUttered("wat is het wijkakkoord", {"name": "wijkakkoord"}),
        UserUttered("en stadsmariniers?", {"name": "stadsmariniers"}),
        UserUttered("wie beslist dat", {"name": "vervolgvraag"}),
    ], slots=Domain.empty().slots)
    assert previous_subject(talk) == "stadsmariniers"


def ranked_message(text: str, ranking: dict, kind: Optional[str] = None,
                   topic: str = "stadsmariniers") -> DialogueStateTracker:
    talk = tracker("x", "nlu_fallback", topic=topic)
    talk.events.pop()  # replace the latest message by one with its ranking
    entities = [{"entity": "vraagsoort", "value": kind}] if kind else []
    talk.update(UserUttered(text, {"name": max(ranking, key=ranking.get)}, entities, parse_data={
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking.items()]}))
    return talk


def test_a_message_the_nlu_found_like_a_follow_up_gets_the_kind_it_read():
    text = "ik zit sinds kort in de wijkraad, kunnen wij hier iets mee?"
    like_a_follow_up = ranked_message(text, {"nlu_fallback": 0.5, "vervolgvraag": 0.2},
                                      kind="invloed")
    assert follow_up_kind(question_ranker(), like_a_follow_up) == "invloed"
    out_of_scope = ranked_message("kan ik hier ook mijn paspoort verlengen?",
                                  {"buiten_bereik": 0.9, "vervolgvraag": 0.2})
    assert follow_up_kind(question_ranker(), out_of_scope) is None
    unlike = ranked_message(text, {"nlu_fallback": 0.5, "begroeting": 0.4}, kind="invloed")
    assert follow_up_kind(question_ranker(), unlike) is None


def test_at_the_start_a_message_unsure_only_for_looking_like_a_follow_up_gets_the_next_intent():
    text = "Beste, ik ben net gekozen in de wijkraad. Welke rol hebben wij bij veiligheid?"
    ranking = {"nlu_fallback": 0.5, "overzicht_invloed": 0.46, "vervolgvraag": 0.44}
    first = DialogueStateTracker.from_events("test", [UserUttered(
        text, {"name": "nlu_fallback"}, parse_data={"intent_ranking": [
            {"name": n, "confidence": c} for n, c in ranking.items()]})],
        slots=Domain.empty().slots)
    assert without_follow_up(question_ranker(), first) == "overzicht_invloed"
    # After a topic the follow-up is a real possibility: the conversation policy's
    # follow-up rules decide, not this one.
    assert without_follow_up(question_ranker(), ranked_message(text, ranking)) is None
    unsure = DialogueStateTracker.from_events("test", [UserUttered(
        text, {"name": "nlu_fallback"}, parse_data={"intent_ranking": [
            {"name": "overzicht_invloed", "confidence": 0.3},
            {"name": "buiten_bereik", "confidence": 0.3},
            {"name": "vervolgvraag", "confidence": 0.2}]})], slots=Domain.empty().slots)
    assert without_follow_up(question_ranker(), unsure) is None


def test_after_the_overview_of_influence_a_follow_up_is_about_the_introduction():
    talk = DialogueStateTracker.from_events("test", [
        UserUttered("welke rol heeft de wijkraad bij veiligheid?", {"name": "overzicht_invloed"}),
        UserUttered("en wie moet ik hebben als ik meer wil weten?", {"name": "vervolgvraag"}),
    ], slots=Domain.empty().slots)
    assert previous_subject(talk) == "wijkakkoord"


def test_at_the_start_a_long_follow_up_about_safety_in_general_is_about_the_introduction():
    from bot.nlg import turn_of

    def first(text: str, intent: str = "vervolgvraag") -> DialogueStateTracker:
        return DialogueStateTracker.from_events("test", [UserUttered(
            text, {"name": intent}, parse_data={"intent_ranking": [
                {"name": intent, "confidence": 0.9}]})], slots=Domain.empty().slots)

    general = first("Als wijkraad willen wij signalen over veiligheid kwijt kunnen. "
                    "Via wie loopt dat?")
    assert without_follow_up(question_ranker(), general) == "wijkakkoord"
    assert turn_of(general).intent == "wijkakkoord"
    # Short, there is nothing to say which topic: the topic buttons stay.
    assert without_follow_up(question_ranker(), first("en wie beslist dat?")) is None


def test_after_its_own_answer_the_policy_listens_so_no_fallback_undoes_the_message(tmp_path):
    # A fallback answered with the overview matches no rule: without this the core
    # fallback ran next and reverted the message, so the next turn lost its subject.
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.importer import KnowledgeImporter
    domain = KnowledgeImporter("config.yml", "domain.yml", ["bot/data"]).get_domain()
    policy = gesprek.GesprekPolicy(gesprek.GesprekPolicy.get_default_config(),
                                   LocalModelStorage(tmp_path), Resource("gesprek"),
                                   ExecutionContext(GraphSchema({}), "test"))
    text = "Beste, ik ben net gekozen in de wijkraad. Welke rol hebben wij bij veiligheid?"
    talk = DialogueStateTracker.from_events("test", [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "nlu_fallback"}, parse_data={"intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.5},
            {"name": "overzicht_invloed", "confidence": 0.46},
            {"name": "vervolgvraag", "confidence": 0.44}]})], slots=domain.slots)

    def chosen(prediction) -> Optional[str]:
        best = max(prediction.probabilities)
        return domain.action_names_or_texts[prediction.probabilities.index(best)] \
            if best > 0 else None

    assert chosen(policy.predict_action_probabilities(talk, domain)) == \
        "utter_overzicht_invloed"
    talk.update(ActionExecuted("utter_overzicht_invloed", policy="policy_2_GesprekPolicy"))
    assert chosen(policy.predict_action_probabilities(talk, domain)) == "action_listen"
    # After a rule's answer the rules decide what comes next.
    talk.update(ActionExecuted("utter_overzicht_invloed", policy="policy_0_RulePolicy"))
    assert chosen(policy.predict_action_probabilities(talk, domain)) is None


def test_a_question_who_to_contact_is_answered_in_the_subject_or_from_the_introduction():
    ranker = question_ranker()
    text = "en wie moet ik hebben als ik een idee heb voor spangen"
    assert follow_up_kind(ranker, ranked_message(text, {"nlu_fallback": 0.5})) == "invloed"
    assert follow_up_kind(ranker, ranked_message(text, {"buiten_bereik": 0.6},
                                                 kind="uitleg")) == "uitleg"

    def first(ranking: dict) -> DialogueStateTracker:
        return DialogueStateTracker.from_events("test", [UserUttered(
            text, {"name": max(ranking, key=ranking.get)}, parse_data={"intent_ranking": [
                {"name": n, "confidence": c} for n, c in ranking.items()]})],
            slots=Domain.empty().slots)

    assert without_follow_up(ranker, first({"buiten_bereik": 0.6})) == "wijkakkoord"
    # Surely out of scope stays so, whatever its wording.
    assert without_follow_up(ranker, first({"buiten_bereik": 0.9})) is None
    assert follow_up_kind(ranker, ranked_message(text, {"buiten_bereik": 0.9})) is None


def test_at_the_start_a_place_and_no_question_is_noted():
    def first(text: str, intent: str, place: Optional[str] = "Carnisse",
              subject: Optional[str] = None) -> Optional[bool]:
        entities = [{"entity": "wijk", "value": place}] if place else []
        events = [UserUttered("wat doet een stadsmarinier", {"name": subject}),
                  SlotSet("onderwerp", subject)] if subject else []
        events.append(UserUttered(text, {"name": intent}, entities, parse_data={
            "intent_ranking": [{"name": intent, "confidence": 0.6}]}))
        message = heard(DialogueStateTracker.from_events("test", events,
                                                         slots=Domain.empty().slots))
        return gesprek.only_a_place(message)

    assert first("ik woon in Carnisse", "vervolgvraag")
    assert first("wij zijn de wijkraad van hoek van holland", "nlu_fallback")
    assert not first("werkt er in Carnisse een stadsmarinier?", "nlu_fallback")
    assert not first("ik woon in de buurt", "nlu_fallback", place=None)
    assert not first("ik woon in Carnisse", "vervolgvraag", subject="stadsmariniers")
    # A question without its question mark is no mere place.
    assert not first("en wie moet ik hebben als ik een idee heb voor Carnisse", "buiten_bereik")
    # A question anywhere, even without a question word first, is more than a place.
    assert not first("wij zijn wijkraad Carnisse en willen weten wie over camera's beslist",
                     "nlu_fallback")


def test_where_to_report_is_no_contact_question_for_the_policy():
    text = "ik ben slachtoffer van oplichting, bij wie kan ik terecht"
    reported = ranked_message(text, {"nlu_fallback": 0.5}, kind="melden")
    assert follow_up_kind(question_ranker(), reported) != "invloed"


def test_a_question_read_as_small_talk_is_answered_when_an_item_fits_it_well():
    ranker = question_ranker()
    age = ranked_message("tot welke leeftijd?", {"afscheid": 0.8}, topic="jongerenwerk")
    assert follow_up_kind(ranker, age) == "uitleg"
    for text, intent in [("dank je wel!", "bedankt"), ("hoi, is er iemand?", "begroeting")]:
        assert follow_up_kind(ranker, ranked_message(text, {intent: 0.8},
                                                     topic="cameratoezicht")) is None


def test_at_the_start_a_fallback_about_safety_in_general_is_about_the_introduction():
    def first(text: str) -> DialogueStateTracker:
        return DialogueStateTracker.from_events("test", [UserUttered(
            text, {"name": "nlu_fallback"}, parse_data={"intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.5}]})], slots=Domain.empty().slots)

    ranker = question_ranker()
    assert without_follow_up(ranker, first(
        "mag de wijkraad zelf beslissen over de veiligheid in de wijk?")) == "wijkakkoord"
    # Like the introduction, but no word of safety: out of scope stays so.
    assert without_follow_up(ranker, first(
        "heeft de wijkraad iets te zeggen over het afvalbeleid")) is None
