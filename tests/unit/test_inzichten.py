"""What the question insights count per user turn, and how small counts are shown."""
from __future__ import annotations

from datetime import date

import pytest
from rasa.shared.core.events import ActiveLoop, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.inzichten import question_of, user_turns
from wijkveiligheid import inzichten
from wijkveiligheid.inzichten import Question, QuestionCount, question_in_turn


def kind(value: str) -> dict:
    return {"entity": "vraagsoort", "value": value}


def test_a_topic_question_counts_with_its_kind_and_gebied():
    texts = ["mogen wij als wijkraad in Charlois meepraten over camera's?"]
    assert question_in_turn("cameratoezicht", [kind("invloed")], texts) == \
        Question("cameratoezicht", "invloed", "Charlois")


def test_the_gebied_named_earlier_in_the_conversation_counts():
    texts = ["ik woon in Spangen", "hoe werkt cameratoezicht", "wat kan ik doen bij overlast"]
    assert question_in_turn("overlast_op_straat", [kind("melden")], texts).gebied == "Delfshaven"
    # the last place named wins
    texts += ["en in Carnisse?"]
    assert question_in_turn("overlast_op_straat", [], texts).gebied == "Charlois"


def test_without_a_place_there_is_no_gebied_and_an_odd_kind_is_unknown():
    question = question_in_turn("horeca", [kind("iets anders")], ["wanneer moet een café dicht"])
    assert question == Question("horeca", inzichten.NO_KIND, inzichten.NO_GEBIED)


def test_a_follow_up_counts_for_the_topic_the_conversation_is_on():
    question = question_in_turn("vervolgvraag", [kind("invloed")], ["en mogen wij daar iets over zeggen?"],
                                topic_slot="cameratoezicht")
    assert question == Question("cameratoezicht", "invloed", "")
    assert question_in_turn("vervolgvraag", [], ["en hoe zit dat?"], topic_slot=None) is None


def test_a_topic_question_that_got_112_first_counts_for_its_topic():
    entities = [{"entity": "onderwerp", "value": "high_impact_crimes"}, kind("melden")]
    assert question_in_turn("noodgeval", entities, ["er is ingebroken"]).onderwerp == \
        "high_impact_crimes"
    assert question_in_turn("noodgeval", [], ["er ligt iemand op straat"]) is None


@pytest.mark.parametrize("intent", ["begroeting", "buiten_bereik", "nlu_fallback", "bevestigen",
                                    "signaal_doorgeven", None])
def test_other_turns_are_no_questions(intent):
    assert question_in_turn(intent, [], ["hallo in Charlois"]) is None


def test_answers_in_the_signal_form_are_not_counted():
    assert question_in_turn("overlast_op_straat", [], ["Overlast op straat"], in_form=True) is None


@pytest.mark.parametrize("count,text", [(0, "< 5"), (1, "< 5"), (4, "< 5"), (5, "5"), (123, "123")])
def test_a_count_under_5_is_shown_as_less_than_5(count, text):
    assert inzichten.shown(count) == text


def test_iso_weeks_across_the_new_year_sort_as_text():
    assert inzichten.iso_week(date(2026, 12, 31)) == "2026-W53"
    assert inzichten.iso_week(date(2027, 1, 4)) == "2027-W01"
    assert inzichten.iso_week(date(2026, 3, 2)) == "2026-W10"
    assert sorted(["2027-W01", "2026-W53", "2026-W10"]) == ["2026-W10", "2026-W53", "2027-W01"]


def test_the_table_can_hold_no_text_no_conversation_and_no_sender():
    assert {c.name for c in QuestionCount.__table__.columns} == {
        "id", "week", "gebied", "onderwerp", "vraagsoort", "aantal"}


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("iemand", list(events))


def said(text: str, intent: str, entities=()) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9}, list(entities))


def test_the_tracker_gives_the_latest_turn_and_earlier_places():
    conversation = tracker(said("ik woon in Spangen", "wijk_noemen"), BotUttered("Fijn."),
                           said("hoe werkt cameratoezicht", "cameratoezicht", [kind("uitleg")]))
    assert question_of(conversation) == Question("cameratoezicht", "uitleg", "Delfshaven")


def test_a_turn_that_came_while_the_form_was_active_is_a_form_answer():
    in_form = tracker(said("ik wil een signaal doorgeven", "signaal_doorgeven"),
                      ActiveLoop("signaal_form"), said("Horeca", "horeca"))
    assert user_turns(in_form) == (["ik wil een signaal doorgeven", "Horeca"], True)
    assert question_of(in_form) is None
    # A question that starts the form in its own turn still counts: the form was not active.
    starts = tracker(said("er is elke nacht herrie bij het cafe, waar meld ik dat", "horeca",
                          [kind("melden")]), ActiveLoop("signaal_form"))
    assert question_of(starts) == Question("horeca", "melden", "")
    after = tracker(said("x", "signaal_doorgeven"), ActiveLoop("signaal_form"), said("ja", "bevestigen"),
                    ActiveLoop(None), said("wat doet een stadsmarinier", "stadsmarinier"))
    assert user_turns(after)[1] is False
