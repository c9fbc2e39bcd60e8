"""Acute danger goes first: a message that may well be an emergency is treated as one.

Missing an emergency costs far more than answering "bel 112" once too often, so the
emergency intent wins whenever the topic classifier gives it at least `threshold`,
even when a topic, a follow-up, an out-of-scope question or the low-confidence
fallback scored higher. When a topic scored higher, that topic is kept as entity
`onderwerp`: a rule then gives 112 first and the topic answer after it, so a message
that was no emergency after all still gets its answer. Small talk ("hallo", "ja",
"stop") is never overridden: those words are no emergency, however the classifier
ranks them. The threshold is chosen on a split of the training data
(scripts/noodgeval_drempel.py), never on a held-out set. It runs after
FallbackClassifier, which leaves the original ranking in place.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from wijkveiligheid.knowledge import FOLLOW_UP_INTENT, TOPIC_IDS

EMERGENCY_INTENT = "noodgeval"
TOPIC_ENTITY = "onderwerp"  # fills slot onderwerp, so utter_antwoord can follow the 112
# The intents whose messages may hide an emergency ("er wordt ingebroken bij de buren",
# "mijn ex staat voor de deur en dreigt me iets aan te doen" read as passing on a signal).
MAY_HIDE_AN_EMERGENCY = frozenset(TOPIC_IDS) | {
    FOLLOW_UP_INTENT, "buiten_bereik", "nlu_fallback", "signaal_doorgeven"}

# Words of acute danger. Without one of them, a short follow-up ("en wie beslist dat?",
# "en bij ons in Charlois?") or a message that says plainly it is not acute ("ik vermoed",
# "al weken", "sinds de zomer") is never turned into an emergency: the classifier's
# emergency score on such messages comes from topic words, not from danger.
ACUTE = re.compile(
    r"\b(hulp|help|112|ambulance|brand|rook|vuur|gas|steek\w*|mes(sen)?|wapen\w*|pistool"
    r"|vuurwapen|schiet\w*|geschoten|schoten|bloed\w*|gewond\w*|bewusteloos|ademt|reanim\w*"
    r"|slaa?t|sla(an|g)|schop\w*|vecht\w*|aanval\w*|dreig\w*|bedreig\w*|achtervolg\w*"
    r"|inbreker\w*|inbraak bezig|bezig|overval\w*|ontvoer\w*|verkracht\w*|zelfmoord"
    r"|dood|sterven|explo\w*|bom|verdrink\w*|kwijt|vermist|gevaar\w*|onveilig|bang|nood"
    # "mijn moeder met dementie is sinds gisteravond zoek", "niet thuisgekomen"
    r"|(is|zijn|raakt|raakte)( [\w']+){0,6} zoek(?! naar)|zoekgeraakt"
    r"|niet (meer )?thuis ?gekomen"
    # "er wordt nu bij de buren ingebroken"
    r"|wordt (nu|net|zojuist|op dit moment|momenteel)( \w+){0,4} ingebroken"
    r"|(breekt|breken) (nu|net|op dit moment)( \w+){0,4} in)\b")
NOT_ACUTE = re.compile(
    r"\b(vermoed\w*|vermoeden|al (weken|maanden|jaren|dagen|uren|een tijd|tijden|de hele \w+)"
    r"|al (\d+|twee|drie|vier|vijf|een paar|een aantal) (uur|dagen|weken|maanden|jaar)"
    r"|sinds|vorige (week|maand|keer)|vorig jaar|gisteren|elke (dag|week|avond|nacht)"
    r"|iedere (dag|week|avond)|steeds|regelmatig|vaak|vaker|later)\b")
SHORT_FOLLOW_UP_WORDS = 6
# Help that has come ("de ambulance is er", "politie en ambulance zijn er nu"), not help
# still awaited ("de ambulance is er nog niet").
HELP_HAS_COME = re.compile(
    r"\b(de )?(ambulance|politie|brandweer|hulpdiensten)( en (de )?(ambulance|politie"
    r"|brandweer))? (is|zijn) (er|hier|gekomen|geweest|al geweest)( (nu|inmiddels|gelukkig"
    r"|eindelijk))*\b(?! (nog|pas|zo|zometeen|straks|over|binnen|na|niet|steeds)\b)")
# Nuisance, however loud or late, is no danger without a word of danger ("het terras is
# nu nog open, heel veel lawaai"): the Veiligheidsloket, not 112.
NUISANCE = re.compile(r"\b(lawaai\w*|herrie|muziek|geluidsoverlast|te hard|blow\w*|rommel"
                      r"|troep|afval|vuilnis)\b")
# A question about the topic ("en kan er niet eens iets georganiseerd worden?", "en als
# iemand al slachtoffer is geworden?") is no emergency without a word of danger; "wat moet
# ik doen?" or "als hij niet meer reageert, wie moet ik bellen?" may well be one. No
# emergency example of the training data or the held-out NLU sets opens with "en als".
QUESTION_WORDS = (r"(wie|wat|waar|waarom|wanneer|welke|hoe|kan|kun|kunnen|kunt|mag|mogen|moet"
                  r"|moeten|is er|zijn er|heeft|hebben|krijg|krijgen|bestaat|doet|gaat)\b")
ASKS_WHAT_TO_DO = r"\b(wat|wie|hoe) (moet|moeten|kan|kun|kunnen|doe|bel) (ik|we|wij|je)\b"
QUESTION = re.compile(
    r"^\W*((en|maar|oke|ok|oké|dus|nou)\W+)*(((en|maar) )als\b(?!.*" + ASKS_WHAT_TO_DO + r")|"
    + QUESTION_WORDS + r"(?! (moet|kan|moeten|kunnen) (ik|we|wij) doen))[^.!]*\?\s*$")

# The last clause of a message is a question about the topic.
LAST_QUESTION = re.compile(
    r"[,.!?]\s*((en|maar|oke|ok|dus) )?" + QUESTION_WORDS
    + r"(?! (moet|kan|moeten|kunnen|kun) (ik|we|wij|je) (doen|bellen))[^.!,]*\?\s*$")
# A danger that is over ("vorige week is de snackbar overvallen", "bij de laatste
# bewonersavond liep het bijna uit op een vechtpartij"): told with a time in the past and
# nothing that says it goes on now. Of the 903 emergency examples none loses its 112
# (scripts/noodgeval_drempel.py's data and the spent conversations); 57 of 9,012 other
# messages lose a needless one.
PAST_EVENT = re.compile(
    r"\b(gisteren|gisteravond|gisternacht|eergisteren|vorige (week|maand|keer|zomer|winter)"
    r"|vorig (jaar|weekend)|afgelopen (week|maand|weekend|zomer|jaar)|laatst|bij de laatste)\b")
# It goes on now or is still to come ("... en nu staat hij weer voor de deur", "hij dreigt",
# "hij komt vanavond terug"): the 112 stays, however long ago it began.
GOES_ON = (r"net|zojuist|op dit moment|momenteel|weer|nog|vanavond|vannacht|straks|zometeen"
           r"|morgen|terug\w*|thuiskom\w*|staat|staan|komt|komen|zit|zitten|loopt|lopen|rond"
           r"|bezig|bereiken|help\w*|hulp|112|ademt|reageert|bloedt|ligt|slaat|dreigt|bedreigt"
           r"|achtervolgt|vecht|vechten|schiet|steekt|krijgt|nergens|probeert")
STILL_GOING = re.compile(r"\b(nu|hier|" + GOES_ON + r")\b")
GOES_ON_NOW = re.compile(r"\b(" + GOES_ON + r")\b")
# A danger that lasts ("sinds gisteren vermist") or is among the gravest keeps the 112
# whenever it was told of.
LASTING_OR_GRAVE = re.compile(r"\b(vermist|kwijt|zoek|weg|zoekgeraakt|thuisgekomen|thuis gekomen"
                              r"|bewusteloos|brand|rook|zelfmoord|suicid\w*|overdosis|mes(sen)?"
                              r"|wapen\w*|pistool|vuurwapen|bang|durf\w*|dood|vermoord\w*)\b")


# After "de politie is er", what the person goes on to ask or wish ("maar is het normaal
# dat ...?", "ik wil later een klacht indienen") rather than what happens.
ASKS_OR_WISHES = re.compile(r"\?|\b(ik wil|ik wou|wij willen|we willen|ik zou graag)\b")


def help_has_come(lowered: str) -> bool:
    """"ambulance is er. maar is het normaal dat ...?": help has come, and the rest asks or
    wishes something with no word of danger, of a danger going on ("hij staat weer voor de
    deur", "ze reageert niet"), or of a lasting or grave one. Of 910 emergency examples none
    says so."""
    rest = HELP_HAS_COME.sub(" ", lowered)
    return bool(HELP_HAS_COME.search(lowered)) and bool(ASKS_OR_WISHES.search(rest)) \
        and not ACUTE.search(rest) and not LASTING_OR_GRAVE.search(rest) \
        and not GOES_ON_NOW.search(rest)


def over_and_done(lowered: str) -> bool:
    return bool(PAST_EVENT.search(lowered)) and not STILL_GOING.search(lowered) \
        and not LASTING_OR_GRAVE.search(lowered)


# "kan iemand hier iets aan doen?" (bot/vraagsoort.py reads it as a report question too)
SOMEONE_TO_ACT = r"iemand ((hier|daar|er) )?(iets|wat) (aan|tegen) (\w+ )?doen"
URGENT = re.compile(r"\b(help\w*|hulp|snel|nu|direct|meteen|spoed|iemand (komen|langs)|"
                    + SOMEONE_TO_ACT + r")\b")


def emergency_first(text: str, understood: Optional[str], emergency: float,
                    threshold: float) -> bool:
    """The product's rule: does this message get the emergency answer (112) first?

    `understood` is the intent the classifiers chose, `emergency` the emergency intent's
    confidence in their ranking. scripts/noodgeval_drempel.py measures this same function.
    """
    if emergency < threshold or understood not in MAY_HIDE_AN_EMERGENCY:
        return False
    lowered = (text or "").lower()
    if over_and_done(lowered):
        return False  # over and done: the police's non-urgent number, not 112
    if help_has_come(lowered):
        return False
    # "de ambulance en politie zijn er nu" says help has come: no danger word by itself.
    if ACUTE.search(HELP_HAS_COME.sub(" ", lowered)):
        return True
    short = understood == FOLLOW_UP_INTENT or len(lowered.split()) <= SHORT_FOLLOW_UP_WORDS
    return not (short or NOT_ACUTE.search(lowered) or NUISANCE.search(lowered)
                or QUESTION.search(lowered) or asks_about_a_topic_last(lowered))


def asks_about_a_topic_last(lowered: str) -> bool:
    """A situation, then a question about the topic ("er zijn bij ons twee mensen beroofd,
    doet de gemeente daar iets aan?"): no 112 without a danger word, unless the question
    itself asks for help now ("..., wie kan me helpen?")."""
    question = LAST_QUESTION.search(lowered)
    return bool(question) and not URGENT.search(question.group(0))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class NoodgevalVoorrang(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.2}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.threshold = float(config["threshold"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "NoodgevalVoorrang":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            emergency = emergency_confidence(message)
            intent = message.get(INTENT) or {}
            understood = intent.get(INTENT_NAME_KEY)
            if emergency_first(message.get(TEXT) or "", understood, emergency, self.threshold):
                message.set(INTENT, {INTENT_NAME_KEY: EMERGENCY_INTENT,
                                     PREDICTED_CONFIDENCE_KEY: emergency}, add_to_output=True)
                if understood in TOPIC_IDS:
                    keep_topic(message, understood)
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class HulpIsGekomen(GraphComponent):
    """After an emergency, "ambulance is er. ik wil doorgeven dat dit vaker gebeurt" is no
    emergency any more: when the classifier chose `noodgeval` only for the words of help
    that has come, the next intent in its ranking is taken. It runs right after the topic
    classifier, so the kind of question and a wish to pass a signal on are read as for any
    other message."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "HulpIsGekomen":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == EMERGENCY_INTENT \
                    and help_has_come((message.get(TEXT) or "").lower()):
                next_intent = next((ranked for ranked in message.get(INTENT_RANKING_KEY) or []
                                    if ranked.get(INTENT_NAME_KEY) != EMERGENCY_INTENT), None)
                if next_intent is not None:
                    message.set(INTENT, {INTENT_NAME_KEY: next_intent[INTENT_NAME_KEY],
                                         PREDICTED_CONFIDENCE_KEY:
                                             next_intent[PREDICTED_CONFIDENCE_KEY]},
                                add_to_output=True)
        return messages


def answers_with_112(understood: str, emergency: float, threshold: float, text: str) -> bool:
    """Whether the assistant puts 112 first: the classifier chose the emergency itself
    (unless it only says help has come), or the rule overrides its choice.
    scripts/noodgeval_drempel.py measures this."""
    if understood == EMERGENCY_INTENT:
        return not help_has_come((text or "").lower())
    return emergency_first(text, understood, emergency, threshold)


def keep_topic(message: Message, topic: str) -> None:
    entity = {"entity": TOPIC_ENTITY, "value": topic, "start": 0,
              "end": len(message.get(TEXT) or ""), "extractor": NoodgevalVoorrang.__name__}
    message.set(ENTITIES, (message.get(ENTITIES) or []) + [entity], add_to_output=True)


def emergency_confidence(message: Message) -> float:
    for ranked in message.get(INTENT_RANKING_KEY) or []:
        if ranked.get(INTENT_NAME_KEY) == EMERGENCY_INTENT:
            return float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    return 0.0
