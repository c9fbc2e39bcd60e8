"""The small NLU components: a wijk in any message, and a plain wish to pass something on."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.signaalwens import SignaalWens, is_plain_wish
from bot.wijkherkenning import WijkHerkenning
from wijkveiligheid.wijken import find_location


def entities(message: Message) -> dict:
    return {e["entity"]: e["value"] for e in message.get("entities") or []}


@pytest.mark.parametrize("text, wijk, gebied", [
    ("en bij ons in Feijenoord?", "Feijenoord", "Feijenoord"),
    ("en bij ons in feyenoord?", "Feijenoord", "Feijenoord"),
    ("en in charlios?", None, "Charlois"),
    ("wijkraad overschie hier, geldt dat ook voor ons?", "Overschie", "Overschie"),
    ("bij ons in de afrikaanderwijk", "Afrikaanderwijk", "Feijenoord"),
    ("en in het centrum?", None, "Centrum"),
    ("en in hoek van holland", "Hoek van Holland", "Hoek van Holland"),
])
def test_a_wijk_is_recognised_in_any_message(text, wijk, gebied):
    [message] = WijkHerkenning().process([Message(data={"text": text})])
    found = entities(message)
    assert (found.get("wijk"), found.get("gebied")) == (wijk, gebied)


@pytest.mark.parametrize("text", [
    "op de hoek wordt gedeald", "dat is cool", "hoe zit het met horeca", "is er iemand?",
    "en in welke wijken?", '/vervolgvraag{"vraagsoort": "uitleg"}',
])
def test_everyday_words_and_payloads_name_no_place(text):
    [message] = WijkHerkenning().process([Message(data={"text": text})])
    assert not entities(message)
    assert find_location(text) is None or text.startswith("/")


def topic_message(text: str, kind: str, intent: str = "overlast_op_straat") -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.8})
    message.set("entities", [{"entity": "vraagsoort", "value": kind}])
    return message


@pytest.mark.parametrize("text", [
    "ik wil doorgeven dat er elke avond gedeald wordt bij het plein",
    "ik wil dit doorgeven aan de wijkmanager",
    "kan ik dit als signaal doorgeven",
    "als wijkraad willen we laten weten dat de horeca veel overlast geeft",
    "ik wil doorgeven dat mensen zich rond het metrostation niet veilig voelen",
    "kun je aan de wijkmanager doorgeven dat wij graag folders willen hebben?",
    "we maken ons zorgen over de demo van volgende week, kunnen jullie dat doorgeven?",
    "ik wil mijn zorgen doorgeven aan de wijkmanager, die geeft toch advies?",
    "wil je aan de wijkmanager doorgeven dat we graag een schouw willen rond de flats?",
    "we hadden veel last van een demo bij ons, kan ik die klacht via jou doorgeven?",
    "ik wil ook dat de wijkmanager hiervan op de hoogte is",
    "ambulance is er inmiddels. ik wil echt dat de gemeente weet hoe erg het hier is geworden",
    "ik wil dat jullie weten hoe erg het hier is",
    "we horen juist positieve dingen over de nieuwe cafés, willen jullie dat weten?",
    "kan ik die zorgen dan vooraf via jou aan de gemeente doorgeven?",
])
def test_a_plain_wish_starts_the_form_and_keeps_the_topic(text):
    [message] = SignaalWens().process([topic_message(text, "signaal")])
    assert message.get("intent")["name"] == "signaal_doorgeven"
    assert entities(message)["onderwerp"] == "overlast_op_straat"


@pytest.mark.parametrize("text, kind", [
    ("hoe kan ik een signaal over overlast doorgeven?", "signaal"),
    ("ik wil doorgeven dat er gedeald wordt", "melden"),  # not a signal: the answer says where
    ("wat doet de gemeente tegen overlast?", "uitleg"),
])
def test_a_question_keeps_its_answer(text, kind):
    [message] = SignaalWens().process([topic_message(text, kind)])
    assert message.get("intent")["name"] == "overlast_op_straat"
    assert is_plain_wish("ik wil dit doorgeven") and not is_plain_wish(
        "hoe geef ik een signaal door?")


@pytest.mark.parametrize("text", ["ja graag doorgeven aan de wijkmanager", "ja, geef maar door"])
def test_a_yes_that_says_pass_it_on_is_a_wish_even_without_an_offer(text):
    [message] = SignaalWens().process([topic_message(text, "", intent="bevestigen")])
    assert message.get("intent")["name"] == "signaal_doorgeven"
    [plain] = SignaalWens().process([topic_message("ja graag", "", intent="bevestigen")])
    assert plain.get("intent")["name"] == "bevestigen"


def test_a_wish_the_topic_classifier_was_unsure_of_starts_the_form_in_the_conversations_topic():
    message = topic_message("ik wil later wel doorgeven dat dit vaker gebeurt", "signaal")
    message.set("intent", {"name": "overlast_op_straat", "confidence": 0.2})
    [message] = SignaalWens().process([message])
    # Sure enough for no fallback; the guessed topic does not replace the conversation's.
    assert message.get("intent") == {"name": "signaal_doorgeven", "confidence": 1.0}
    assert "onderwerp" not in entities(message)


@pytest.mark.parametrize("text", ["ik wil geen signaal doorgeven, wie beslist over camera's?",
                                  "ik wil het niet doorgeven",
                                  "wat gebeurt er als ik wil doorgeven dat er overlast is?",
                                  "ik wil weten wat een signaal is",
                                  "ik wil een signaal doorgeven, hoe werkt dat?",
                                  "wil de gemeente dat ook weten?",
                                  "ik wil dat de gemeente eens uitlegt wie dat beslist",
                                  "ik wil niet dat de gemeente weet wie ik ben"])
def test_a_question_about_signals_is_no_wish(text):
    assert not is_plain_wish(text)


@pytest.mark.parametrize("text", ["Cool dat dit kan", "Hoek van de straat is donker",
                                  "Centrum voor Jeugd en Gezin helpt ons"])
def test_a_capital_at_the_start_of_a_sentence_makes_no_place(text):
    assert find_location(text) is None


@pytest.mark.parametrize("text", ["kan de wijkraad dit soort signalen doorgeven?",
                                  "en kunnen wijkraden ook signalen doorgeven aan de gemeente?",
                                  "mogen bewoners zo'n signaal ook doorgeven?"])
def test_a_question_what_others_can_pass_on_is_an_influence_follow_up_not_the_form(text):
    [message] = SignaalWens().process([topic_message(text, "", intent="signaal_doorgeven")])
    assert message.get("intent")["name"] == "vervolgvraag"
    assert entities(message)["vraagsoort"] == "invloed"


@pytest.mark.parametrize("intent, answered_as", [
    ("signaal_doorgeven", "vervolgvraag"), ("vervolgvraag", "vervolgvraag"),
    ("bevestigen", "vervolgvraag"), ("ontkennen", "vervolgvraag"),
    ("ondermijning", "ondermijning")])
def test_after_a_first_sentence_too_and_a_topic_read_keeps_its_topic(intent, answered_as):
    text = "nee laat maar. kan de wijkraad zulke signalen ook doorgeven?"
    [message] = SignaalWens().process([topic_message(text, "melden", intent=intent)])
    assert message.get("intent")["name"] == answered_as
    assert entities(message)["vraagsoort"] == "invloed"


@pytest.mark.parametrize("text", ["kan ik dit als signaal doorgeven?",
                                  "kan de wijkraad dit signaal over de hangjongeren doorgeven?",
                                  "Kan de wijkraad signalen doorgeven? Ik wil namelijk iets "
                                  "doorgeven over drugshandel"])
def test_a_wish_of_ones_own_still_starts_the_form(text):
    [message] = SignaalWens().process([topic_message(text, "", intent="signaal_doorgeven")])
    assert message.get("intent")["name"] == "signaal_doorgeven"


@pytest.mark.parametrize("text", [
    "kunnen bewoners overlast van de kroeg ook melden?",
    "er wordt elke avond gedeald bij de speeltuin. kunnen bewoners dat ergens melden?"])
def test_a_question_whether_residents_can_report_keeps_its_kind(text):
    [message] = SignaalWens().process([topic_message(text, "melden", intent="horeca")])
    assert message.get("intent")["name"] == "horeca"
    assert entities(message)["vraagsoort"] == "melden"


def test_asking_the_assistant_to_pass_it_on_starts_the_form_even_for_a_report():
    text = ("de bezoekers van het cafe bij ons op de hoek parkeren elke nacht dubbel en staan te "
            "toeteren. kun je dat doorgeven aan de gemeente?")
    [message] = SignaalWens().process([topic_message(text, "melden", intent="horeca")])
    assert message.get("intent")["name"] == "signaal_doorgeven"
    [plain] = SignaalWens().process([topic_message("ik wil doorgeven dat er gedeald wordt",
                                                   "melden", intent="horeca")])
    assert plain.get("intent")["name"] == "horeca"
    [where] = SignaalWens().process([topic_message(
        "er hangen jongens bij de school, kan ik dat ergens melden?", "melden", intent="horeca")])
    assert where.get("intent")["name"] == "horeca"


@pytest.mark.parametrize("text", [
    "kun je ook anoniem overlast doorgeven aan de gemeente?",
    "kun je me vertellen waar ik dat kan doorgeven?",
    "kunt u mij zeggen bij wie ik die overlast moet doorgeven?",
    "er wordt nu bij de buren ingebroken, kun je dat doorgeven aan de politie?",
])
def test_a_report_question_with_kun_je_is_no_request_to_pass_it_on(text):
    # a reviewer's examples: read as melden, they keep the answer where to report
    [message] = SignaalWens().process([topic_message(text, "melden", intent="overlast_op_straat")])
    assert message.get("intent")["name"] == "overlast_op_straat"


@pytest.mark.parametrize("text", ["waarom willen jullie dat weten?",
                                  "hoe willen jullie dat weten?",
                                  "kan ik via jullie website ook overlast doorgeven?"])
def test_a_question_about_what_they_want_to_know_or_a_website_starts_no_form(text):
    assert not is_plain_wish(text)
