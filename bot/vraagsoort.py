"""Classifies the *kind* of question (uitleg, invloed, melden, signaal) next to the topic.

The topic is the intent (DIETClassifier blended with bot/onderwerp.py). The kind is a
second, independent label on the same message, so it gets its own classifier of the
same linear kind (bot/lineair.py). A message labelled `geen` names no kind: a bare topic
switch keeps the kind of the previous question. Its labels come from the intent-level metadata in
``bot/data/nlu.yml`` (``metadata: {vraagsoort: ...}``). The result is added as entity
``vraagsoort`` spanning the whole message, so Rasa's own slot mapping (``from_entity``)
fills slot ``vraagsoort`` and test stories can state the expected kind with an ordinary
entity annotation.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    METADATA,
    METADATA_INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.antwoorden import WHO_DECIDES
from bot.lineair import LinearTextClassifier
from bot.noodgeval import SOMEONE_TO_ACT

ENTITY_NAME = "vraagsoort"
# A training label, not a kind: the message names no kind ("en over demonstraties?"), so
# no entity is set and slot `vraagsoort` keeps the kind of the previous question.
NO_KIND = "geen"
REPORT = "melden"
EXPLANATION = "uitleg"
SIGNAL = "signaal"
# A yes-or-no question without a single word about reporting ("hangen er bij ons al
# camera's?", "..., is er iets voor slachtoffers?") asks what there is, not where to report:
# read as `melden`, it gets the next kind instead. Blind writers labelled 4 of 355 such
# questions `melden`; on the spent sets this rule gets 9 more of 779 questions and 3 more
# of 686 conversation turns right, and none of 2,522 older held-out examples wrong. Only
# for a question mark: after a fronted clause a plain report puts its verb first too
# ("als ik langs het plein loop, staan er jongeren te dealen").
REPORT_WORDS = re.compile(
    r"\b(meld\w*|gemeld|klacht\w*|klag\w*|klaag\w*|doorgeven|door te geven|aangifte|kwijt"
    r"|bellen|bel|terecht|contact|\w*loket\w*|meldpunt|aanmelden|waar moet|bij wie|wie moet ik"
    r"|tip\w*|signal\w*|aankaarten|aangeven|neerleggen|zeggen|laten weten|politie|wijkagent"
    r"|inschakelen|waarschuwen|mailen|anoniem|nummer|14 ?010)\b")
# "en", "maar", "oke" ... before the question proper.
OPENING = r"^((en|maar|dus|oke|ok|hmm)\W+)*"
# Verbs of something being there ("werken hier stadsmariniers?", "hangen er camera's?").
BEING_THERE = r"is|zijn|werkt|werken|komt|komen|hangt|hangen|staat|staan|zit|zitten|wordt|worden"
YES_NO_QUESTION = re.compile(
    OPENING + r"(kan|kun|kunnen|mag|mogen|moet|moeten|heeft|hebben|doet|doen|gaat|"
    + BEING_THERE + r")\b")
# "en waar hangen bij ons camera's?", "wat is ...?", "wie is ons aanspreekpunt?": asks
# where something is or what it is, not where to report. On the spent sets +5 of 820
# conversation turns and +1 of 963 questions, none lost.
WHERE_OR_WHAT_THINGS_ARE = re.compile(
    OPENING + r"(waar (\w+ )?(hangen|hangt|gaat|gaan|zit|zitten|staan|staat|komen|komt|werken"
    r"|werkt|wonen)|wat is|wat zijn|wie is)\b")
LAST_CLAUSE = re.compile(r"(?<=[.!?:])\s+|,\s+")
# "Even terug: waar moeten bewoners die overlast melden?" asks where to report, whatever
# the classifier read, unless it read a signal (+1 of 820 conversation turns on the spent
# sets, none lost). Not "hoe zorgen we dat bewoners vaker melden?".
WHERE_TO_REPORT = re.compile(
    r"\b(waar|bij wie|via wie)\b[^?]*\b(meld|melden|meldt|aangifte doen)\b"
    r"|\bhoe (kan|kun|moet|kunnen|moeten) (ik|je|we|wij|bewoners) [^?]*\b(melden|aangifte doen)\b")
# "de buren hebben al 3 uur de muziek keihard aan, kan iemand daar iets aan doen?" asks for
# someone to act now: where to report it (as the training data labels it; "is er iemand
# die daar iets aan doet?" asks whether someone does, and is not here).
ASKS_FOR_ACTION = re.compile(
    OPENING + r"((kan|kunnen) (er )?" + SOMEONE_TO_ACT
    + r"|is er iemand die ((hier|daar|er) )?(iets|wat) (aan|tegen) kan doen)\b")
INFLUENCE = "invloed"
# "Als wijkraad krijgen we veel klachten over ... Wat doet de gemeente daaraan?": who asks
# does not make the question one of influence. A last clause that opens with a question
# word and names neither the asker nor the wijkraad nor any word of influence asks what
# others do; read as `invloed`, it gets the next kind, unless an earlier clause asks what
# the wijkraad may do ("Kan onze wijkraad een cyberevent organiseren, en wat kost dat?").
# On the spent sets: +8 of 686 conversation turns, +1 of 779 questions, none lost. A
# modal verb alone names no asker ("voor welke groepen kunnen er projecten worden
# georganiseerd?"), unless an earlier clause named one ("onze wijkraad wil advies geven
# over camera's, wanneer kan dat?"): +7 of 1,142 spent questions (session 12).
QUESTION_WORD_FIRST = re.compile(OPENING + r"((uit|in|bij|van|met|voor|over|op|door) )?"
                                 r"(wat|wie|hoe|waarom|welke|wanneer|waar|waarvoor|waaraan)\b")
ASKER_OR_INFLUENCE = re.compile(
    r"\b(wij|we|ons|onze|wijkraad\w*|invloed|inspraak\w*|mee\w+|advies\w*|adviseren|rol|zeggen"
    r"|betekenen|bijdragen|samen|participatie|vragen|aanvragen|krijgen"
    r"|ik|mij|mijn|je|jij|jullie|u)\b")
MODALS = r"(kan|kunnen|mag|mogen)"
MODAL = re.compile(r"\b" + MODALS + r"\b")
ASKS_WHAT_THE_WIJKRAAD_MAY = re.compile(r"\b" + MODALS + r" (de |onze |een )?(wijkraad|wij|we)\b")
# Questions about how things are, whoever asks: who decides, how it is that, what
# something is, whether something is there, what the municipality does. "Wij zijn de
# wijkraad van Carnisse. Is er bij ons een stadsmarinier actief?" asks a fact, not what the
# wijkraad may do. Read as `invloed`, they get the next kind; who decides is `uitleg`
# whatever was read. Not when the same clause, its places left out ("bij ons in Carnisse"),
# names the wijkraad or its members, influence, or something the wijkraad may get or do
# ("is daar een training voor?", "worden wij daarbij betrokken?").
HOW_COME = re.compile(r"\bhoe (kan|komt|zit) (dat|het)\b")
WHAT_IT_IS = re.compile(OPENING + r"(wat (is|zijn|betekent|houdt)\b|valt (dat|dit|het)\b"
                        r"|wanneer (is|zijn|komt|komen|gebeurt|wordt|worden)\b)"
                        r"|\bvalt (dat|dit|het) (ook )?onder\b")
WHETHER_IT_IS_THERE = re.compile(
    OPENING + r"(" + BEING_THERE + r"|gebeurt)( \w+){0,2} (er|daar|hier)\b")
WHAT_THE_MUNICIPALITY_DOES = re.compile(
    OPENING + r"((wat|hoe) (kan|gaat|doet|wil|zal) de gemeente|heeft de gemeente (eigenlijk |wel "
    r"|ook )?invloed)\b(?!.*\b(samen|ons|onze|wij|we|wijkraad\w*)\b)")
# "Als wijkraad willen wij weten wat een stadsmarinier precies doet."
WANTS_TO_KNOW = re.compile(r"\b(wil|willen|wilt) (ik|wij|we|graag)( graag| eigenlijk| even)?"
                           r" (weten|horen) (wat|welke|wie|hoe|waar|wanneer|waarom)\b(?P<what>.*)")
PLACES = re.compile(r"\bbij ons( in( de)? [\w-]+)?|\bonze (wijk|buurt|straat|plein|flat|portiek)\b")
NAMES_THE_WIJKRAAD = re.compile(
    r"\b(wijkraad|wijkraden|wijkraadslid|wijkraadsleden|wij|we|ons|onze|invloed|inspraak\w*"
    r"|mee(beslissen|praten|denken|doen)|mee te (beslissen|praten|denken|doen)|rol"
    r"|participatie\w*)\b")
WHAT_THE_WIJKRAAD_MAY_GET = re.compile(
    r"\b(mogen|mag|kan|kunnen|training\w*|sessie\w*|bijeenkomst\w*|advies\w*|adviseren"
    r"|betrokken|geluisterd)\b|\bvoor\W*$")


def names_the_wijkraad(clause: str, or_what_it_may_get: bool = True) -> bool:
    clause = PLACES.sub(" ", clause)
    return bool(NAMES_THE_WIJKRAAD.search(clause)) or (
        or_what_it_may_get and bool(WHAT_THE_WIJKRAAD_MAY_GET.search(clause)))


def lowered_and_last_clause(text: str) -> Tuple[str, str]:
    lowered = (text or "").strip().lower()
    return lowered, LAST_CLAUSE.split(lowered)[-1]


def asks_what_others_do(text: str) -> bool:
    """The last clause asks what others do, and nothing asks what the wijkraad may do."""
    lowered, last = lowered_and_last_clause(text)
    if not QUESTION_WORD_FIRST.search(last) or ASKER_OR_INFLUENCE.search(last) \
            or ASKS_WHAT_THE_WIJKRAAD_MAY.search(lowered):
        return False
    earlier = lowered[:len(lowered) - len(last)]
    return not (MODAL.search(last) and names_the_wijkraad(earlier, or_what_it_may_get=False))


def asks_how_things_are(text: str) -> bool:
    """The last clause asks who decides, how it is that, what something is, whether it is
    there, or what the municipality does, and nothing asks what the wijkraad may do."""
    lowered, last = lowered_and_last_clause(text)
    if ASKS_WHAT_THE_WIJKRAAD_MAY.search(lowered):
        return False
    if asks_who_decides_or_why(text) or WHAT_THE_MUNICIPALITY_DOES.search(last):
        return True
    wants_to_know = WANTS_TO_KNOW.search(lowered)
    if wants_to_know and not names_the_wijkraad(wants_to_know["what"]):
        return True
    return bool(WHAT_IT_IS.search(last) or WHETHER_IT_IS_THERE.search(last)) \
        and not names_the_wijkraad(last)


def wants_to_report(text: str) -> bool:
    """The last clause asks where to report, or, after a situation, for someone to act."""
    lowered, last = lowered_and_last_clause(text)
    return bool(WHERE_TO_REPORT.search(last)) or (
        bool(ASKS_FOR_ACTION.search(last)) and len(LAST_CLAUSE.split(lowered)) > 1)


def asks_who_decides_or_why(text: str) -> bool:
    """The last clause asks who decides ("wie beslist of dat mag?") or how it is that
    ("hoe kan dat?"), and names neither the wijkraad nor its influence ("wie beslist, en
    hebben wij daar inspraak in?")."""
    last = lowered_and_last_clause(text)[1]
    return bool(WHO_DECIDES.search(last) or HOW_COME.search(last)) \
        and not names_the_wijkraad(last, or_what_it_may_get=False)


def asks_what_there_is(text: str) -> bool:
    """A yes-or-no question, or one where or how something is (its last clause), with no
    word about reporting anywhere."""
    lowered, last = lowered_and_last_clause(text)
    return lowered.endswith("?") and not REPORT_WORDS.search(lowered) \
        and bool(YES_NO_QUESTION.search(last) or WHERE_OR_WHAT_THINGS_ARE.search(last))


def label_of(message: Message) -> Optional[Text]:
    """The kind of question a training example is labelled with, if any."""
    metadata = message.get(METADATA) or {}
    return (metadata.get(METADATA_INTENT) or {}).get(ENTITY_NAME)


def set_kind(message: Message, kind: Optional[Text], extractor: Text,
             confidence: Optional[float] = None) -> None:
    """Puts the kind on the message as entity `vraagsoort` spanning the whole text (slot
    `vraagsoort` follows by Rasa's own mapping); None removes it, so the slot keeps the
    kind it had."""
    entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != ENTITY_NAME]
    if kind is not None:
        entity = {"entity": ENTITY_NAME, "value": kind, "start": 0,
                  "end": len(message.get(TEXT) or ""), "extractor": extractor}
        if confidence is not None:
            entity["confidence_entity"] = confidence
        entities.append(entity)
    message.set(ENTITIES, entities, add_to_output=True)


def ruled_out(kind: Text, text: str) -> bool:
    """Whether the message's own words rule this kind out (then the next kind is taken).
    Ruling out `geen` too ("en komen er bij ons ook camera's?" keeps no earlier kind) made
    no difference on the spent sets (+2 turns, -2), so a topic switch keeps its kind."""
    if kind in (REPORT, SIGNAL) and asks_who_decides_or_why(text):
        return True
    if kind == REPORT:
        return asks_what_there_is(text)
    return kind == INFLUENCE and (asks_what_others_do(text) or asks_how_things_are(text))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class VraagsoortClassifier(LinearTextClassifier):
    """Predicts the kind of question for messages whose intent carries one."""

    def label_of(self, example: Message) -> Optional[Text]:
        return label_of(example)

    def remember(self, training_data: TrainingData) -> Dict[Text, Any]:
        return {"intents": sorted({example.get(INTENT) for example in training_data.intent_examples
                                   if label_of(example) is not None})}

    def wants(self, message: Message) -> bool:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        return intent in self.extra.get("intents", [])

    def use(self, message: Message, ranking: List[Tuple[Text, float]]) -> None:
        if not ranking:
            return
        text = message.get(TEXT) or ""
        kind, confidence = ranking[0]
        if wants_to_report(text) and kind != SIGNAL:
            kind, confidence = REPORT, dict(ranking).get(REPORT, confidence)
        elif kind == NO_KIND and asks_how_things_are(text):
            # "en over horeca, hoe zit het met dat horecagebiedsplan?": a topic switch that
            # asks how things are does not keep an earlier question's influence.
            kind, confidence = EXPLANATION, dict(ranking).get(EXPLANATION, confidence)
        elif ruled_out(kind, text):
            kind, confidence = next(((label, value) for label, value in ranking[1:]
                                     if label != NO_KIND and not ruled_out(label, text)),
                                    ranking[0])
        set_kind(message, None if kind == NO_KIND else kind, type(self).__name__, confidence)
