"""The linear topic and kind classifiers (bot/lineair.py) train, persist and predict."""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    ENTITIES,
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RANKING_KEY,
    METADATA,
    METADATA_INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer

from bot.onderwerp import OnderwerpClassifier, blend
from bot.vraagsoort import VraagsoortClassifier

EXAMPLES = {
    ("cameratoezicht", "uitleg"): ["wie besluit over camera's", "hoe werkt cameratoezicht",
                                   "wat doet de gemeente met camera's", "wie kijkt naar de camera",
                                   "waarom hangt hier een camera", "wanneer komt er een camera"],
    ("cameratoezicht", "melden"): ["waar meld ik een kapotte camera", "ik wil een camera melden",
                                   "camera stuk waar melden", "melden dat de camera weg is",
                                   "hoe meld ik iets over een camera", "meldpunt camera kapot"],
    ("horeca", "uitleg"): ["wie geeft een vergunning voor een cafe", "hoe laat moet de bar dicht",
                           "wat doet de gemeente tegen overlast van een cafe",
                           "wie besluit over terrassen", "wanneer moet de kroeg sluiten",
                           "regels voor de horeca"],
    ("horeca", "melden"): ["waar meld ik herrie van het cafe", "ik wil de kroeg melden",
                           "cafe te laat open waar melden", "melden dat de bar lawaai maakt",
                           "hoe meld ik overlast van een terras", "meldpunt horeca overlast"],
    ("hallo", None): ["hallo", "hoi", "goedemorgen", "hey daar", "dag", "hallo daar"],
}
VECTORIZER = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(
    [text for texts in EXAMPLES.values() for text in texts])


def message(text: str, intent: str | None = None, kind: str | None = None) -> Message:
    data = {TEXT: text}
    if intent:
        data[INTENT] = intent
    if kind:
        data[METADATA] = {METADATA_INTENT: {"vraagsoort": kind}}
    parsed = Message(data=data)
    if text:
        parsed.add_features(Features(VECTORIZER.transform([text]), FEATURE_TYPE_SENTENCE, TEXT,
                                     "CountVectorsFeaturizer"))
    return parsed


@pytest.fixture()
def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    data = TrainingData([message(text, intent, kind)
                         for (intent, kind), texts in EXAMPLES.items() for text in texts])
    components = {}
    for cls in (OnderwerpClassifier, VraagsoortClassifier):
        resource = Resource(cls.__name__)
        cls.create({}, storage, resource, context).train(data)
        components[cls] = cls.load({}, storage, resource, context)  # as a server loads it
    return components[OnderwerpClassifier], components[VraagsoortClassifier]


def parse(classifiers, text: str) -> Message:
    parsed = message(text)
    for classifier in classifiers:
        classifier.process([parsed])
    return parsed


def test_the_topic_is_the_intent_with_a_ranking_of_probabilities(trained):
    parsed = parse(trained, "wie besluit over camera's in de straat")
    ranking = parsed.get(INTENT_RANKING_KEY)
    assert parsed.get(INTENT)["name"] == ranking[0]["name"] == "cameratoezicht"
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert {r["name"] for r in ranking} == {"cameratoezicht", "horeca", "hallo"}


def test_the_kind_is_an_entity_for_topics_only(trained):
    reported = parse(trained, "waar meld ik herrie van de kroeg")
    assert reported.get(INTENT)["name"] == "horeca"
    [kind] = [e for e in reported.get(ENTITIES) if e["entity"] == "vraagsoort"]
    assert kind["value"] == "melden" and kind["end"] == len("waar meld ik herrie van de kroeg")
    greeting = parse(trained, "hallo daar")
    assert greeting.get(INTENT)["name"] == "hallo"
    assert not [e for e in greeting.get(ENTITIES) or [] if e["entity"] == "vraagsoort"]


def test_an_empty_message_gets_no_intent_and_no_error(trained):
    parsed = parse(trained, "")
    assert parsed.get(INTENT) == {"name": None, "confidence": 0.0}
    assert parsed.get(INTENT_RANKING_KEY) == []


def test_blend_weighs_the_earlier_ranking_and_this_one():
    earlier = [{"name": "horeca", "confidence": 0.9}, {"name": "noodgeval", "confidence": 0.1}]
    blended = dict(blend(earlier, [("cameratoezicht", 0.6), ("horeca", 0.4)], share=0.7))
    assert blended == pytest.approx({"horeca": 0.3 * 0.9 + 0.7 * 0.4,
                                     "cameratoezicht": 0.7 * 0.6, "noodgeval": 0.3 * 0.1})
    assert blend([], [("horeca", 0.4)], share=0.7) == [("horeca", 0.4)]


def test_after_diet_the_intent_is_the_best_of_the_blend(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    data = TrainingData([message(text, intent, kind)
                         for (intent, kind), texts in EXAMPLES.items() for text in texts])
    OnderwerpClassifier.create({}, storage, Resource("o"), context).train(data)
    blending = OnderwerpClassifier.load({"share": 0.7}, storage, Resource("o"), context)

    def after_diet(text: str, diet_ranking: list) -> Message:
        parsed = message(text)
        parsed.set(INTENT, diet_ranking[0])
        parsed.set(INTENT_RANKING_KEY, diet_ranking)
        return blending.process([parsed])[0]

    # DIET unsure between two topics: the linear classifier settles it.
    unsure = [{"name": "horeca", "confidence": 0.5}, {"name": "cameratoezicht", "confidence": 0.5}]
    parsed = after_diet("wie besluit over camera's in de straat", unsure)
    ranking = parsed.get(INTENT_RANKING_KEY)
    assert parsed.get(INTENT)["name"] == ranking[0]["name"] == "cameratoezicht"
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    # DIET's emergency confidence carries over (30%), so NoodgevalVoorrang still sees it.
    alarmed = [{"name": "noodgeval", "confidence": 1.0}]
    emergency = {r["name"]: r["confidence"] for r in
                 after_diet("waar meld ik herrie van de kroeg", alarmed).get(INTENT_RANKING_KEY)}
    assert emergency["noodgeval"] == pytest.approx(0.3)
    # An empty message has no features: DIET's ranking stands.
    assert after_diet("", unsure).get(INTENT_RANKING_KEY) == unsure


def test_too_little_data_trains_nothing_and_predicts_nothing(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    classifier = OnderwerpClassifier.create({}, storage, Resource("o"), context)
    classifier.train(TrainingData([message("hallo", "hallo"), message("camera", "cameratoezicht")]))
    loaded = OnderwerpClassifier.load({}, storage, Resource("o"), context)
    assert loaded.process([message("camera")])[0].get(INTENT)["name"] is None


def test_a_change_in_the_shared_code_retrains():
    # Rasa's cache would otherwise reuse a model trained by older bot/lineair.py code.
    addon = OnderwerpClassifier.fingerprint_addon({})
    assert "def linear_model" in addon and addon == VraagsoortClassifier.fingerprint_addon({})


def kind_entity(classifier: VraagsoortClassifier, text: str, ranking) -> str:
    parsed = message(text)
    classifier.use(parsed, ranking)
    return next(e["value"] for e in parsed.get(ENTITIES) if e["entity"] == "vraagsoort")


@pytest.mark.parametrize("text", ["hangen er bij ons eigenlijk al camera's?",
                                  "mijn moeder is opgelicht via whatsapp. is er iets voor slachtoffers?"])
def test_a_yes_or_no_question_without_a_word_about_reporting_is_no_report_question(trained, text):
    ranking = [("melden", 0.5), ("geen", 0.3), ("uitleg", 0.15), ("invloed", 0.05)]
    assert kind_entity(trained[1], text, ranking) == "uitleg"


@pytest.mark.parametrize("text", ["waar meld ik herrie van de kroeg?",
                                  "er hangen jongens bij de school, kan ik dat ergens kwijt?",
                                  "er wordt gedeald op het plein",
                                  "moet ik hiermee naar het veiligheidsloket?",
                                  "moet ik de politie inschakelen?",
                                  "als ik langs het plein loop, staan er jongeren te dealen"])
def test_report_questions_and_statements_stay_report_questions(trained, text):
    ranking = [("melden", 0.5), ("uitleg", 0.3), ("invloed", 0.2)]
    assert kind_entity(trained[1], text, ranking) == "melden"


@pytest.mark.parametrize("text", [
    "Wij krijgen als wijkraad veel klachten over hangjongeren. Wat doet de gemeente daaraan?",
    "Als wijkraad krijgen we vragen over het festival. Hoe beoordeelt de gemeente zo'n vergunning?",
    "Wij zijn als wijkraad net begonnen aan ons wijkakkoord. Uit welke onderdelen bestaat zo'n "
    "akkoord eigenlijk?",
    # a modal verb alone names no asker
    "voor welke doelgroepen kunnen er trainingen over online fraude worden gegeven?",
    "welke maatregelen kan een stadsmarinier nemen?",
])
def test_who_asks_does_not_make_a_question_about_others_one_of_influence(trained, text):
    ranking = [("invloed", 0.6), ("uitleg", 0.3), ("melden", 0.1)]
    assert kind_entity(trained[1], text, ranking) == "uitleg"


@pytest.mark.parametrize("text", [
    "wat kan de wijkraad daarmee?",
    "er is een demo aangekondigd. wat kunnen we daarmee?",
    "Kan onze wijkraad een cyberevent voor bewoners organiseren, en wat kost dat?",
    "hebben wij inspraak in het horecagebiedsplan?",
    "we willen meepraten over de horeca. wanneer is de volgende inspraakavond?",
    # the asker named before the question's modal verb
    "als wijkraad willen we een wijkschouw laten doen, wanneer kan dat?",
    "Namens de wijkraad van Delfshaven: hoe kan er een wijkschouw georganiseerd worden?",
])
def test_questions_of_influence_stay_so(trained, text):
    ranking = [("invloed", 0.6), ("uitleg", 0.3), ("melden", 0.1)]
    assert kind_entity(trained[1], text, ranking) == "invloed"


@pytest.mark.parametrize("text", [
    "goedemiddag, wij zijn de wijkraad van carnisse. is er bij ons een stadsmarinier actief?",
    "wij zijn de wijkraad van oud-mathenesse. werken hier stadsmariniers?",
    "Wij vermoeden als wijkraad dat een pand wordt overbewoond. Valt dat onder ondermijning?",
    "wat is dat zomeroffensief waar de wijkraadcoordinator het over had?",
    "wij als wijkraad merken dat ouderen 's avonds niet naar buiten durven. wat kan de gemeente "
    "daaraan doen?",
    "ik zit in de wijkraad en er is zaterdag een demonstratie bij ons. wie beslist of dat mag?",
    "Als wijkraad willen wij weten wat een stadsmarinier precies doet.",
    "als wijkraad willen wij graag weten welke veiligheidsfunctionarissen hier actief zijn.",
])
def test_a_question_about_how_things_are_is_no_question_of_influence(trained, text):
    ranking = [("invloed", 0.6), ("uitleg", 0.3), ("melden", 0.1)]
    assert kind_entity(trained[1], text, ranking) == "uitleg"


@pytest.mark.parametrize("text", [
    "zijn er trainingen over polarisatie voor wijkraadsleden?",
    "weten we niet goed wie wat mag bij evenementen, is daar uitleg voor wijkraden over?",
    "wij zitten in de wijkraad, is er bij ons ook een budget waar we over mee mogen praten?",
    "Als wijkraad willen wij meer weten over wie wat beslist. Is daar een bijeenkomst voor?",
    "wil de gemeente dat ook horen?",
    "wat kan de gemeente daar samen met ons aan doen?",
    # a reviewer's examples
    "worden wij daar ook bij betrokken?",
    "wordt er naar ons geluisterd?",
    "zijn er mogelijkheden voor ons om mee te praten?",
    "wat houdt ons adviesrecht in?",
    "wie beslist er over het cameratoezicht en hebben wij als wijkraad daar inspraak in?",
    "hoe zorgen we als wijkraad dat bewoners vaker overlast melden?",
    "wanneer worden de afspraken over participatie gemaakt?",
    "Als wijkraad willen we graag weten hoe vaak de gemeente ons om advies vraagt.",
    "wij willen weten wat de wijkraad kan doen tegen de overlast",
])
def test_what_the_wijkraad_may_get_or_do_stays_a_question_of_influence(trained, text):
    ranking = [("invloed", 0.6), ("uitleg", 0.3), ("melden", 0.1)]
    assert kind_entity(trained[1], text, ranking) == "invloed"


@pytest.mark.parametrize("text", [
    "en waar hangen bij ons nu eigenlijk precies camera's?",
    "en waar gaat dat geld bij ons in Oud-Mathenesse naartoe?",
    "hoe zit het met de supporters die door onze straat lopen?",
    "wie beslist er over de route van de supporters?",
    "ik voel me niet veilig terwijl ze zeggen dat de criminaliteit daalt. hoe zit dat?",
])
def test_where_things_are_and_who_decides_are_no_report_questions(trained, text):
    ranking = [("melden", 0.6), ("uitleg", 0.3), ("invloed", 0.1)]
    assert kind_entity(trained[1], text, ranking) == "uitleg"


def test_how_it_is_that_is_no_signal_or_influence_question(trained):
    text = ("Als wijkraadslid hoor ik dat bewoners zich niet veilig voelen, terwijl de politie "
            "zegt dat er weinig gebeurt. Hoe kan dat?")
    for ranking in ([("invloed", 0.6), ("signaal", 0.3), ("uitleg", 0.1)],
                    [("signaal", 0.6), ("melden", 0.3), ("uitleg", 0.1)]):
        assert kind_entity(trained[1], text, ranking) == "uitleg"


@pytest.mark.parametrize("text", [
    "politie is er inmiddels, iedereen is ok. Even terug: waar moeten bewoners die overlast "
    "van die jongeren melden?",
    "en bij wie kan ik dat melden?",
])
def test_asking_where_to_report_is_a_report_question_whatever_was_read(trained, text):
    ranking = [("uitleg", 0.6), ("melden", 0.3), ("invloed", 0.1)]
    assert kind_entity(trained[1], text, ranking) == "melden"


def test_a_signal_about_reporting_stays_a_signal(trained):
    text = "ik wil doorgeven hoe vaak bewoners hier overlast melden zonder dat er iets gebeurt"
    ranking = [("signaal", 0.6), ("melden", 0.3), ("uitleg", 0.1)]
    assert kind_entity(trained[1], text, ranking) == "signaal"


def test_a_topic_switch_that_asks_about_the_wijkraads_say_keeps_the_earlier_kind(trained):
    parsed = message("en hoe zit het met de inspraak van de wijkraad?")
    trained[1].use(parsed, [("geen", 0.7), ("uitleg", 0.2), ("invloed", 0.1)])
    assert not [e for e in parsed.get(ENTITIES) or [] if e["entity"] == "vraagsoort"]
    switch = message("en over horeca, hoe zit het met dat horecagebiedsplan?")
    trained[1].use(switch, [("geen", 0.7), ("invloed", 0.2), ("uitleg", 0.1)])
    assert [e["value"] for e in switch.get(ENTITIES) if e["entity"] == "vraagsoort"] == ["uitleg"]
    when = message("en bij ons in delfshaven, wanneer is dat weer?")
    trained[1].use(when, [("geen", 0.7), ("invloed", 0.2), ("uitleg", 0.1)])
    assert [e["value"] for e in when.get(ENTITIES) if e["entity"] == "vraagsoort"] == ["uitleg"]


@pytest.mark.parametrize("text, kind", [
    ("de buren hebben al 3 uur de muziek keihard aan, is er iemand die daar wat aan kan doen?",
     "melden"),
    ("die jongens scheuren al uren over het plein. kan iemand hier wat aan doen?", "melden"),
    ("ouderen durven 's avonds niet naar buiten, is er iemand die daar iets aan doet?", "uitleg"),
    # a reviewer's examples: no situation before it, or someone named
    ("hoe kan iemand iets tegen phishing doen?", "uitleg"),
    ("kan iemand als bewoner iets tegen inbraken doen?", "uitleg"),
    ("kan er iemand vanuit de wijkraad wat aan doen?", "uitleg"),
])
def test_asking_someone_to_act_now_is_a_report_question(trained, text, kind):
    ranking = [("uitleg", 0.6), ("melden", 0.3), ("invloed", 0.1)]
    assert kind_entity(trained[1], text, ranking) == kind
