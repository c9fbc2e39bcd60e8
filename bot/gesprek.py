"""The conversation's context: a message that only makes sense after the previous answer.

The NLU reads each message on its own. "Wie toetst die aanvraag?" or "waar geven ze hun
budget aan uit?" is not understood alone (fallback, or out of scope), but after an
answer about demonstrations or stadsmariniers it plainly asks about that topic. This
policy sees the whole conversation and predicts in these cases only:

- a message not understood alone that an item of the conversation's subject clearly fits,
  or that still looked like a follow-up, or asks who to contact: answered in that subject;
- a message the NLU read as another topic that the conversation's topic fits clearly
  better ("is er iets voor haar?" about a neighbour scammed online is no woonoverlast);
- at the start: the intent found next when only the follow-up's share made the NLU
  unsure, the introduction for a who-to-contact question or a long follow-up about safety
  in general, and a place with no question ("ik woon in Carnisse") is noted;
- a topic answer with no kind read or kept gets kind `uitleg`;
- after its own answer: listen (no rule knows that turn, so the core fallback would
  otherwise undo the message).

It sets the slots the answer is built from (`vraagsoort`, or `onderwerp` back to the
conversation's topic), so the answer, the quick replies, the "ja" to the offer after it
and the tools that read the slots all see the same turn. Every other turn is left to the
rules. Its priority is above RulePolicy's, whose rule for a fallback would otherwise win
the tie. The thresholds were chosen on the development conversations (tests/dev/ and the
spent held-out sets), never on a blind set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.antwoorden import (
    CONTACT_KINDS,
    QuestionRanker,
    normalise,
    question_ranker,
    wants_the_wijkmanager,
)
from wijkveiligheid.knowledge import FOLLOW_UP_INTENT, INTRODUCTION_INTENT, TOPIC_IDS

ANSWER = "utter_antwoord"
TOPIC_SLOT = "onderwerp"
KIND_SLOT = "vraagsoort"
OUT_OF_SCOPE_INTENT = "buiten_bereik"
# How like a question item of the conversation's topic a message must be (the nearest
# phrasing's cosine similarity), per what the NLU made of it: out of scope is a firmer
# verdict than "not sure", so it needs a closer match.
NOT_UNDERSTOOD = {"nlu_fallback": 0.25, OUT_OF_SCOPE_INTENT: 0.4}
# Small talk is a firmer verdict still; only a question ("?") that an item fits this well
# is taken as one.
SMALL_TALK = ("afscheid", "bedankt", "begroeting", "ben_je_een_robot")
SMALL_TALK_SIMILARITY = 0.45
# A message not understood alone that the NLU still found somewhat like a follow-up
# ("kunnen wij hier iets mee?"), and not clearly out of scope, is one: it is answered in
# the conversation's topic with the kind of question the NLU read.
FOLLOW_UP_SHARE = 0.15
# Out of scope this surely is never a follow-up: the follow-ups of the development
# conversations scored at most 0.55, plain out-of-scope questions 0.9 and more.
SURELY_OUT_OF_SCOPE = 0.7
# A message read as another topic stays in the conversation's topic when an item of that
# topic fits it at least this well, and clearly better than any item of the other topic
# ("waar worden die acties aangekondigd?" after burglary: not demonstrations).
STAY_SIMILARITY = 0.25
STAY_MARGIN = 0.05
# At the start of a conversation nothing can be followed up: a message the NLU was unsure
# of only because it also looked like a follow-up ("Beste, ik ben net gekozen in de
# wijkraad. Welke rol hebben wij bij veiligheid?") gets the intent it found next, when
# that one clears FallbackClassifier's threshold (config.yml) without the follow-up's share.
FALLBACK_THRESHOLD = 0.5
# A follow-up this long at the start is a question of its own; the introduction answers it
# when one of its items fits at least this well.
OWN_QUESTION_WORDS = 6
INTRODUCTION_SIMILARITY = 0.3
# A fallback at the start that speaks of safety, the wijkakkoord or the brochure in
# general, and that an introduction item fits this well, asks about the introduction.
# None of the 436 out-of-scope training examples passes both (most like the introduction
# are "heeft de wijkraad iets te zeggen over het afvalbeleid", without a safety word).
ABOUT_SAFETY = re.compile(r"\b(veilig\w*|onveilig\w*|wijkakkoord\w*|brochure"
                          r"|veiligheidsonderwerp\w*)\b")
SAFETY_SIMILARITY = 0.35
PLACE_ENTITIES = ("wijk", "gebied")
# "Ik woon in Carnisse", "wij zijn de wijkraad van Hoek van Holland": a place and no question.
PLACE_NOTED = "utter_plek_genoteerd"
ONLY_A_PLACE_WORDS = 12
# A question without its question mark is no mere place: a question word anywhere ("en
# wie moet ik hebben als ik een idee heb voor Spangen"), or a verb first ("werkt er ...").
ASKS_SOMETHING = re.compile(r"\b(wie|wat|waar|wanneer|waarom|hoe|welke|weten|vraag|vragen"
                            r"|willen|wil)\b")
QUESTION_START = re.compile(r"^((en|maar|dus|oke|ok) )?(kan|kun|kunnen|mag|mogen|moet|moeten"
                            r"|is|zijn|heeft|hebben|werkt|werken|doet|doen|gaat|wordt|worden)\b")
RESPONSE_OF = {"overzicht_invloed": "utter_overzicht_invloed",
               "wat_kan_ik_vragen": "utter_wat_kan_ik_vragen"}
# Intents answered by utter_antwoord; with no kind read or kept, the answer is of this kind.
ANSWERED = frozenset(TOPIC_IDS) | {FOLLOW_UP_INTENT, INTRODUCTION_INTENT}
DEFAULT_KIND = "uitleg"
# The overview of the wijkraad's influence answers what the introduction is about: a
# follow-up after it ("en wie moet ik hebben als ik meer wil weten?") is answered from it.
ABOUT_THE_INTRODUCTION = frozenset({"overzicht_invloed"})


def previous_subject(tracker: DialogueStateTracker) -> Optional[str]:
    """What the conversation was about before the latest message: a topic id, the
    brochure's introduction (intent wijkakkoord, which has no topic slot value), or None."""
    subject: Optional[str] = None
    latest = tracker.get_last_event_for(UserUttered)
    for event in tracker.events:
        if event is latest:
            break
        if isinstance(event, UserUttered):
            # A slot that keeps its value gets no new event: the intent says it.
            intent = (event.intent or {}).get("name")
            if intent in TOPIC_IDS or intent == INTRODUCTION_INTENT:
                subject = intent
            elif intent in ABOUT_THE_INTRODUCTION:
                subject = INTRODUCTION_INTENT
        elif isinstance(event, SlotSet) and event.key == TOPIC_SLOT:
            subject = event.value
    return subject


def nearest(ranker: QuestionRanker, topic: str, text: str) -> float:
    return ranker.closest(topic, text)[1]


@dataclass(frozen=True)
class Heard:
    """The latest message with what the conversation knew before it, worked out once
    per turn for the rules below."""

    text: str
    understood: Optional[str]        # the intent the NLU chose
    ranking: Dict[str, float]        # the NLU's intent ranking
    kind_read: Optional[str]         # the kind the NLU read in this message
    kind_kept: Optional[str]         # slot vraagsoort now
    subject: Optional[str]           # previous_subject
    place: Optional[str] = None      # a wijk or gebied the message names


def heard(tracker: DialogueStateTracker) -> Optional[Heard]:
    """The latest message, or None for no text or a button's payload."""
    message = tracker.latest_message
    if message is None or not message.text or message.text.startswith("/"):
        return None
    return Heard(
        text=message.text,
        understood=(message.intent or {}).get("name"),
        ranking={entry.get("name"): entry.get("confidence") or 0.0
                 for entry in message.parse_data.get("intent_ranking") or []},
        kind_read=next((entity.get("value") for entity in message.entities
                        if entity.get("entity") == KIND_SLOT), None),
        kind_kept=tracker.get_slot(KIND_SLOT),
        subject=previous_subject(tracker),
        place=next((entity.get("value") for entity in message.entities
                    if entity.get("entity") in PLACE_ENTITIES), None),
    )


def follow_up_kind(ranker: QuestionRanker, message: Heard) -> Optional[str]:
    """The kind of question to answer the message with in the conversation's subject,
    or None when the message is no follow-up this policy should take."""
    threshold = NOT_UNDERSTOOD.get(message.understood)
    if message.understood in SMALL_TALK and "?" in message.text and message.subject:
        # "tot welke leeftijd?" read as a goodbye: a question, answered when an item of
        # the subject fits it well.
        ranked = ranker.scores(message.subject, message.text, None)
        if ranked and max(entry[2] for entry in ranked) >= SMALL_TALK_SIMILARITY:
            return ranked[0][0].vraagsoort.value
        return None
    if threshold is None or not message.subject:
        return None
    if message.ranking.get(OUT_OF_SCOPE_INTENT, 0.0) >= SURELY_OUT_OF_SCOPE:
        return None  # "rijdt de metro naar Hoek van Holland?" stays out of scope
    if wants_the_wijkmanager(message.text, message.kind_read):
        # "bij wie kan ik daarvoor aankloppen?": the wijkmanager (where to report is the
        # report answer's own route)
        return next((kind for kind in (message.kind_read, message.kind_kept)
                     if kind in CONTACT_KINDS), "invloed")
    ranked = ranker.scores(message.subject, message.text, None)
    if ranked and max(entry[2] for entry in ranked) >= threshold:
        return ranked[0][0].vraagsoort.value
    if message.ranking.get(FOLLOW_UP_INTENT, 0.0) >= FOLLOW_UP_SHARE:
        return message.kind_read or message.kind_kept or DEFAULT_KIND
    return None


def stays_in_topic(ranker: QuestionRanker, message: Heard) -> Optional[str]:
    """The conversation's topic, when the message was read as another topic but the
    conversation's topic fits it clearly better; else None."""
    read_as, topic = message.understood, message.subject
    if topic not in TOPIC_IDS or read_as == topic or read_as not in TOPIC_IDS:
        return None
    here = nearest(ranker, topic, message.text)
    if here >= STAY_SIMILARITY and here >= nearest(ranker, read_as, message.text) + STAY_MARGIN:
        return topic
    return None


def without_follow_up(ranker: QuestionRanker, message: Heard) -> Optional[str]:
    """What a message at the start of a conversation asks when the NLU read it as a
    follow-up, or fell back only because it also looked like one; else None.

    The introduction for a question who to contact ("wie moet ik hebben als ik een idee
    heb?"); the intent found next, when it clears the fallback threshold without the
    follow-up's share; or, for a follow-up of some length with nothing to follow up
    ("Als wijkraad willen wij signalen kwijt kunnen. Via wie loopt dat?"), the brochure's
    introduction when one of its items fits."""
    if message.subject is not None:
        return None
    if message.understood in (*NOT_UNDERSTOOD, FOLLOW_UP_INTENT) \
            and wants_the_wijkmanager(message.text) and message.ranking.get(OUT_OF_SCOPE_INTENT, 0.0) < SURELY_OUT_OF_SCOPE:
        return INTRODUCTION_INTENT  # "wie moet ik hebben als ik een idee heb?"
    if message.understood not in ("nlu_fallback", FOLLOW_UP_INTENT):
        return None
    others = {intent: confidence for intent, confidence in message.ranking.items()
              if intent not in (FOLLOW_UP_INTENT, "nlu_fallback")}
    share = message.ranking.get(FOLLOW_UP_INTENT, 0.0)
    if others and share < 1.0:
        intent, confidence = max(others.items(), key=lambda entry: entry[1])
        if confidence / (1.0 - share) >= FALLBACK_THRESHOLD and (
                intent in TOPIC_IDS or intent in RESPONSE_OF or intent == INTRODUCTION_INTENT):
            return intent
    if message.understood == FOLLOW_UP_INTENT \
            and len(message.text.split()) >= OWN_QUESTION_WORDS \
            and nearest(ranker, INTRODUCTION_INTENT, message.text) >= INTRODUCTION_SIMILARITY:
        return INTRODUCTION_INTENT
    if message.understood == "nlu_fallback" and ABOUT_SAFETY.search(normalise(message.text)) \
            and nearest(ranker, INTRODUCTION_INTENT, message.text) >= SAFETY_SIMILARITY:
        # "mag de wijkraad zelf beslissen over de veiligheid in de wijk?"
        return INTRODUCTION_INTENT
    return None


def answered_here(tracker: DialogueStateTracker) -> bool:
    """Whether the latest action was this policy's answer to the latest message."""
    latest = tracker.get_last_event_for(ActionExecuted)
    return latest is not None and latest.action_name != ACTION_LISTEN_NAME \
        and GesprekPolicy.__name__ in (latest.policy or "")


def only_a_place(message: Heard) -> bool:
    """At the start, a message that names where the person lives or what they represent,
    and asks nothing yet: noted (slots `wijk`, `gebied`), then asked what they want to know."""
    return message.subject is None and message.place is not None \
        and message.understood in (*NOT_UNDERSTOOD, FOLLOW_UP_INTENT) \
        and message.ranking.get(OUT_OF_SCOPE_INTENT, 0.0) < SURELY_OUT_OF_SCOPE \
        and "?" not in message.text and len(message.text.split()) <= ONLY_A_PLACE_WORDS \
        and not QUESTION_START.match(normalise(message.text)) \
        and not ASKS_SOMETHING.search(normalise(message.text))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class GesprekPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # RulePolicy has priority 6: on a tie (both sure) this policy's answer wins.
        return {"priority": 7}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, execution_context: ExecutionContext,
                 **kwargs: Any) -> None:
        super().__init__(config, model_storage, resource, execution_context)
        self._ranker: Optional[QuestionRanker] = None

    @property
    def ranker(self) -> QuestionRanker:
        if self._ranker is None:
            self._ranker = question_ranker()
        return self._ranker

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the knowledge file is read at load

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        nothing = self._prediction(self._default_predictions(domain))
        if tracker.active_loop_name:
            return nothing
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            if answered_here(tracker):
                # No rule knows the turn this policy answered (a fallback answered with
                # the overview): without this the core fallback would undo the message.
                return self._prediction(confidence_scores_for(ACTION_LISTEN_NAME, 1.0, domain))
            return nothing
        message = heard(tracker)
        if message is None:
            return nothing
        kind = follow_up_kind(self.ranker, message)
        if kind is not None:
            return self._answer(domain, [SlotSet(KIND_SLOT, kind)])
        topic = stays_in_topic(self.ranker, message)
        if topic is not None:
            return self._answer(domain, [SlotSet(TOPIC_SLOT, topic)])
        if only_a_place(message):
            return self._prediction(confidence_scores_for(PLACE_NOTED, 1.0, domain))
        meant = without_follow_up(self.ranker, message)
        if meant in RESPONSE_OF:
            return self._prediction(confidence_scores_for(RESPONSE_OF[meant], 1.0, domain))
        if meant == INTRODUCTION_INTENT:  # bot/nlg.py answers it from the introduction
            return self._answer(domain, [])
        if meant is not None:
            return self._answer(domain, [SlotSet(TOPIC_SLOT, meant)])
        if message.understood in ANSWERED and message.kind_kept is None:
            # The slot says what was answered: tools outside the chat read it.
            return self._answer(domain, [SlotSet(KIND_SLOT, DEFAULT_KIND)])
        return nothing

    def _answer(self, domain: Domain, events: List[SlotSet]) -> PolicyPrediction:
        return self._prediction(confidence_scores_for(ANSWER, 1.0, domain),
                                optional_events=events)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "GesprekPolicy":
        return cls(config, model_storage, resource, execution_context)
