"""Answers at the level of the question: item choice, wijken, next step, buttons, English."""
from __future__ import annotations

import statistics

import pytest

from bot.antwoorden import (
    KIND_PAYLOADS,
    SIGNAL_PAYLOAD,
    QuestionRanker,
    Turn,
    asks_which_wijken,
    compose,
    is_english,
    words,
)
from wijkveiligheid.knowledge import INTRODUCTION_INTENT, QUESTION_KINDS


@pytest.fixture(scope="module")
def ranker(kb) -> QuestionRanker:
    return QuestionRanker(kb)


def answer(kb, ranker, text, topic, kind="uitleg", intent=None, **more) -> str:
    turn = Turn(topic=topic, kind=kind, intent=intent or topic, text=text, **more)
    return compose(kb, ranker, turn)["text"]


def test_every_item_is_found_by_its_own_first_phrasing(kb, ranker):
    for key, subject in ranker.subjects.items():
        for item in subject.vragen:
            best = ranker.best(key, item.voorbeelden[0], item.vraagsoort.value)
            assert best is not None and best.id == item.id, (key, item.id)


@pytest.mark.parametrize("text, topic, kind, fact", [
    ("wie bepaalt de route van de supporters?", "voetbal", "uitleg", "politie"),
    ("hoe vaak vraagt de gemeente ons advies over camera's", "cameratoezicht", "invloed", "drie jaar"),
    ("voor welke leeftijd is het jongerenwerk", "jongerenwerk", "uitleg", "23"),
    ("op basis van welke wet worden demonstraties beoordeeld", "demonstraties", "uitleg",
     "Wet openbare manifestaties"),
])
def test_the_specific_fact_is_in_the_answer(kb, ranker, text, topic, kind, fact):
    assert fact.lower() in answer(kb, ranker, text, topic, kind).lower()


def test_a_question_no_item_fits_gets_the_short_general_answer(kb, ranker):
    text = answer(kb, ranker, "", "horeca", "uitleg")
    assert text.startswith(kb.topic("horeca").kort.uitleg)


def test_introduction_questions_are_answered_from_the_introduction(kb, ranker):
    text = answer(kb, ranker, "wat betekent het wijkakkoord voor veiligheid?", None,
                  intent=INTRODUCTION_INTENT)
    assert "wijkmanager" in text.lower()
    assert any(item.antwoord in text for item in kb.introduction.vragen) \
        or kb.introduction.kort.uitleg in text


def test_the_reply_keeps_what_it_answered_the_subject_kind_and_item(kb, ranker):
    turn = Turn(topic="voetbal", kind="uitleg", intent="voetbal",
                text="wie bepaalt de route van de supporters?")
    assert compose(kb, ranker, turn)["beantwoord"] == {
        "onderwerp": "voetbal", "vraagsoort": "uitleg",
        "vraag": ranker.best("voetbal", turn.text, "uitleg").id}
    general = compose(kb, ranker, Turn(topic="horeca", kind="invloed", intent="horeca", text=""))
    assert general["beantwoord"]["vraag"] is None
    intro = compose(kb, ranker, Turn(topic=None, kind=None, intent=INTRODUCTION_INTENT,
                                     text="wat betekent het wijkakkoord voor veiligheid?"))
    assert intro["beantwoord"]["onderwerp"] == INTRODUCTION_INTENT


def test_every_influence_answer_names_the_wijkmanager(kb, ranker):
    for topic in kb.topics:
        assert "wijkmanager" in answer(kb, ranker, "", topic, "invloed").lower(), topic


def test_the_112_line_only_where_danger_is_plausible_and_once(kb, ranker):
    for topic_id, topic in kb.topics.items():
        text = answer(kb, ranker, "", topic_id, "melden")
        assert text.count("112") == (1 if topic.gevaar_mogelijk else 0), topic_id
    assert "112" not in answer(kb, ranker, "", "cameratoezicht", "uitleg")


def test_a_report_answer_names_where_to_report_and_the_referral_points(kb, ranker):
    text = answer(kb, ranker, "", "woonoverlast", "melden")
    assert "meldpunt woonoverlast" in text.lower() and "0800-2000" in text
    assert "0800-7000" in answer(kb, ranker, "", "ondermijning", "melden")
    assert "Veilig Thuis" not in answer(kb, ranker, "", "cameratoezicht", "melden")


def test_links_are_markdown_with_readable_text(kb, ranker):
    text = answer(kb, ranker, "", "overlast_op_straat", "melden")
    assert "[Naar de website van het Veiligheidsloket](https://www.rotterdam.nl/veiligheidsloket)" \
        in text


def test_quick_replies_offer_the_other_kinds_and_a_signal(kb, ranker):
    reply = compose(kb, ranker, Turn(topic="horeca", kind="invloed", intent="horeca", text=""))
    titles = kb.teksten.knoppen
    assert reply["buttons"] == [
        {"title": titles.uitleg, "payload": KIND_PAYLOADS["uitleg"]},
        {"title": titles.melden, "payload": KIND_PAYLOADS["melden"]},
        {"title": titles.signaal, "payload": SIGNAL_PAYLOAD}]


def test_the_who_decides_button_answers_who_decides(kb, ranker):
    text = answer(kb, ranker, "", "cameratoezicht", question="wie_beslist")
    assert "burgemeester" in text.lower()


@pytest.mark.parametrize("wijk, gebied, expected", [
    ("Carnisse", "Charlois", "Ja, in Carnisse"),
    ("Ommoord", "Prins Alexander", "Nee, in Ommoord"),
])
def test_stadsmariniers_per_wijk(kb, ranker, wijk, gebied, expected):
    text = answer(kb, ranker, "en bij ons?", "stadsmariniers", intent="vervolgvraag",
                  wijk=wijk, gebied=gebied)
    assert text.startswith(expected)


def test_jongerenwerk_everywhere_but_pernis_and_hoek_van_holland(kb, ranker):
    assert answer(kb, ranker, "en in Pernis?", "jongerenwerk", intent="vervolgvraag",
                  wijk="Pernis", gebied="Pernis").startswith("Nee")
    assert answer(kb, ranker, "en in Spangen?", "jongerenwerk", intent="vervolgvraag",
                  wijk="Spangen", gebied="Delfshaven").startswith("Ja")


def test_a_wijk_without_facts_in_the_brochure_points_to_its_wijkmanager(kb, ranker):
    text = answer(kb, ranker, "en bij ons in Spangen?", "cameratoezicht", intent="vervolgvraag",
                  wijk="Spangen", gebied="Delfshaven")
    assert "wijkmanager van Delfshaven" in text


def test_which_wijken(kb, ranker):
    assert asks_which_wijken("en in welke wijken zitten ze?")
    assert not asks_which_wijken("wie beslist dat?")
    assert "Oud-Mathenesse" in answer(kb, ranker, "en in welke wijken?", "stadsmariniers",
                                      intent="vervolgvraag")
    assert "geen aparte wijken" in answer(kb, ranker, "in welke wijken?", "horeca")


def test_how_the_wijken_are_chosen_is_no_question_which_wijken(kb, ranker):
    text = "hoe wordt er gekozen in welke buurten die jongerenwerkers komen?"
    assert not asks_which_wijken(text)
    assert "partners" in answer(kb, ranker, text, "jongerenwerk")
    assert asks_which_wijken("in welke wijk hangt die camera?")


def test_the_offensives_go_into_the_wijken_by_bakfiets(kb, ranker):
    assert "bakfiets" in answer(kb, ranker, "wat houdt het donkere dagen offensief in?",
                                "high_impact_crimes")


def test_english_gets_a_short_english_note_with_112_and_14010(kb, ranker):
    assert is_english("who decides about the cameras in my street?")
    assert not is_english("wie beslist over de camera's in mijn straat?")
    text = answer(kb, ranker, "who decides about cameras?", "cameratoezicht", english=True)
    assert text.startswith("I answer in Dutch") and "112" in text and "14 010" in text


def test_no_topic_no_composed_answer(kb, ranker):
    assert compose(kb, ranker, Turn(topic=None, kind=None, intent="vervolgvraag", text="")) is None


def test_replies_are_short(kb, ranker):
    lengths = [words(answer(kb, ranker, item.voorbeelden[0], topic_id, kind))
               for topic_id, topic in kb.topics.items() for kind in QUESTION_KINDS
               for item in topic.vragen]
    assert statistics.median(lengths) <= 60
    assert statistics.quantiles(lengths, n=10)[-1] <= 100


def test_a_who_decides_follow_up_gets_the_topics_own_answer(kb, ranker):
    text = answer(kb, ranker, "en wie bepaalt dat dan?", "voetbal", intent="vervolgvraag")
    assert text.startswith(kb.topic("voetbal").wie_beslist)


def test_a_question_of_its_own_that_names_a_wijk_gets_its_item_and_the_place(kb, ranker):
    text = answer(kb, ranker, "voor welke leeftijd is het jongerenwerk in Spangen?",
                  "jongerenwerk", wijk="Spangen", gebied="Delfshaven")
    assert "23" in text and "Ja, grenzenstellend jongerenwerk werkt ook in Spangen" in text


def test_a_gebied_with_some_stadsmariniers_wijken_gets_them_named(kb, ranker):
    text = answer(kb, ranker, "en in Charlois?", "stadsmariniers", intent="vervolgvraag",
                  gebied="Charlois")
    assert "Carnisse" in text and not text.startswith("Nee")


def test_a_report_question_naming_a_wijk_keeps_where_to_report(kb, ranker):
    text = answer(kb, ranker, "waar meld ik woonoverlast van mijn buren in Spangen?",
                  "woonoverlast", "melden", wijk="Spangen", gebied="Delfshaven")
    assert "meldpunt woonoverlast" in text.lower() and "0800-2000" in text


def test_a_topic_without_question_items_gets_its_short_answer(kb):
    topics = {**kb.topics, "horeca": kb.topic("horeca").copy(update={"vragen": []})}
    bare = kb.copy(update={"topics": topics})
    text = compose(bare, QuestionRanker(bare),
                   Turn(topic="horeca", kind="uitleg", intent="horeca", text="wat is dat"))["text"]
    assert text.startswith(kb.topic("horeca").kort.uitleg)


@pytest.mark.parametrize("text", [
    "Bij wie kan ik daarvoor aankloppen?",
    "is er nu iemand bij de gemeente die hierover gaat?",
    "wie is mijn aanspreekpunt voor veiligheid",
    "met wie neem ik contact op als ik mee wil denken?",
    "bij wie vragen we dat aan",
    "via wie regel ik dat?",
])
def test_who_to_contact_is_answered_with_the_wijkmanager_first(kb, ranker, text):
    reply = answer(kb, ranker, text, "cyberweerbaarheid", "uitleg", intent="vervolgvraag")
    assert reply.startswith("Je aanspreekpunt is de wijkmanager")
    assert reply.count("wijkmanager") == 1 + reply.count("vraag naar de wijkmanager")


def test_where_to_report_is_no_contact_question(kb, ranker):
    reply = answer(kb, ranker, "bij wie kan ik dat melden?", "woonoverlast", "melden")
    assert "meldpunt woonoverlast" in reply
    assert not reply.startswith("Je aanspreekpunt")


def test_a_wijk_the_brochure_says_no_about_also_gets_its_wijkmanager(kb, ranker):
    reply = answer(kb, ranker, "en bij ons in kralingen?", "stadsmariniers", "uitleg",
                   intent="vervolgvraag", gebied="Kralingen-Crooswijk")
    assert reply.startswith("Nee, in Kralingen-Crooswijk werkt geen stadsmarinier")
    assert "wijkmanager van Kralingen-Crooswijk" in reply


def test_bij_ons_means_the_place_named_before_in_the_conversation():
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.importer import KnowledgeImporter
    from bot.nlg import turn_of

    domain = KnowledgeImporter("config.yml", "domain.yml", ["bot/data"]).get_domain()

    def asked(text: str, wijk=None, gebied=None) -> DialogueStateTracker:
        return DialogueStateTracker.from_events("test", [
            UserUttered("ik woon hier al lang", {"name": "vervolgvraag"}),
            SlotSet("wijk", wijk), SlotSet("gebied", gebied),
            UserUttered(text, {"name": "stadsmariniers"})], slots=domain.slots)

    turn = turn_of(asked("werkt er bij ons een stadsmarinier?", "Carnisse", "Charlois"))
    assert (turn.wijk, turn.gebied) == ("Carnisse", "Charlois")
    # Only the gebied was named last: the older wijk is not meant.
    turn = turn_of(asked("is er bij ons jongerenwerk?", "Carnisse", "Hoek van Holland"))
    assert (turn.wijk, turn.gebied) == (None, "Hoek van Holland")
    # Without "bij ons" no remembered place is assumed.
    assert turn_of(asked("werkt er een stadsmarinier?", "Carnisse", "Charlois")).wijk is None


def test_a_yes_or_no_about_a_place_gets_the_place_answer_first(kb, ranker):
    reply = answer(kb, ranker, "werkt er bij ons een stadsmarinier?", "stadsmariniers",
                   wijk="Carnisse", gebied="Charlois")
    assert reply.startswith("Ja, in Carnisse werkt een stadsmarinier")
    reply = answer(kb, ranker, "is er grenzenstellend jongerenwerk in Pernis?", "jongerenwerk",
                   gebied="Pernis")
    assert reply.startswith("Nee, in Pernis werkt geen grenzenstellend jongerenwerk")
    assert "wijkmanager van Pernis" in reply


def test_a_contact_question_an_item_was_written_for_keeps_that_item(kb, ranker):
    item = kb.topic("cameratoezicht")
    text = "wie is ons aanspreekpunt over cameratoezicht"
    reply = answer(kb, ranker, text, "cameratoezicht", "uitleg")
    best = max(ranker.scores("cameratoezicht", text, None), key=lambda entry: entry[2])
    assert best[2] >= 0.7 and reply.startswith(best[0].antwoord)
    assert item is not None


def test_a_longer_or_other_kind_of_question_about_a_place_keeps_its_item(kb, ranker):
    reply = answer(kb, ranker, "heeft de wijkraad een rol bij de stadsmarinier in Charlois?",
                   "stadsmariniers", "invloed", wijk=None, gebied="Charlois")
    assert not reply.startswith(("Ja, in", "Nee, in", "Stadsmariniers werken in"))


def test_a_follow_up_asking_about_the_topic_in_a_place_gets_its_item_first(kb, ranker):
    reply = answer(kb, ranker, "wat doet die dan bij ons", "stadsmariniers", "uitleg",
                   intent="vervolgvraag", wijk="Hillesluis", gebied="Feijenoord")
    assert not reply.startswith("Ja, in Hillesluis")
    assert "Ja, in Hillesluis werkt een stadsmarinier" in reply


def test_a_topic_switch_keeps_the_kind_even_when_its_words_fit_an_item(kb, ranker):
    reply = answer(kb, ranker, "En over high impact crimes?", "high_impact_crimes", "invloed")
    assert any(item.antwoord in reply for item in kb.topic("high_impact_crimes").vragen
               if item.vraagsoort.value == "invloed") or \
        kb.topic("high_impact_crimes").kort.invloed in reply


def test_asking_for_a_person_gets_the_wijkmanager_whatever_the_kind(kb, ranker):
    reply = answer(kb, ranker, "Prima. Wie is voor dit alles ons aanspreekpunt?",
                   "stadsmariniers", "melden")
    assert reply.startswith("Je aanspreekpunt is de wijkmanager")


def test_a_longer_follow_up_naming_a_place_gets_its_item_then_the_place(kb, ranker):
    reply = answer(kb, ranker, "ik woon in bloemhof. kunnen wij als bewoners iets met dat "
                   "budget van hem?", "stadsmariniers", "invloed", intent="nlu_fallback",
                   wijk="Bloemhof", gebied="Feijenoord")
    first, place = reply.splitlines()[:2]
    assert "budget" in first and place.startswith("Ja, in Bloemhof werkt een stadsmarinier")


def test_the_contact_answer_is_not_followed_by_the_same_contact_again(kb, ranker):
    reply = answer(kb, ranker, "oke en hoe kom ik met zo iemand in contact?", "stadsmariniers",
                   "melden", intent="vervolgvraag")
    assert reply.count("Bel 14 010") == 1


def test_an_item_with_its_own_report_route_names_that_route_not_the_topics():
    # Nuisance during an event goes to the Veiligheidsloket; the topic's route is the
    # wijkmanager (for concerns about an event still to come).
    from bot.antwoorden import Turn, compose, question_ranker
    from wijkveiligheid.knowledge import knowledge
    kb = knowledge()
    reply = compose(kb, question_ranker(), Turn(
        topic="evenementen", kind="melden", intent="evenementen",
        text="het straatfeest is al uren bezig en de muziek is veel te hard, waar meld ik dat?",
        wijk=None, gebied=None, question=None, english=False))
    assert reply["beantwoord"]["vraag"] == "overlast_tijdens_evenement"
    assert "Veiligheidsloket" in reply["text"]
    assert "vraag naar de wijkmanager" not in reply["text"]


def test_a_question_about_money_via_someone_is_no_contact_question():
    from bot.antwoorden import wants_the_wijkmanager
    assert not wants_the_wijkmanager("via wie loopt het geld van het wijkbudget?")
    assert wants_the_wijkmanager("via wie regel ik dat?")
