"""The signal form: asks one thing at a time, checks each answer, stores after a yes.

Thin actions: checking answers lives in small functions here, wijk matching in
``wijkveiligheid.wijken``, redaction in ``wijkveiligheid.redaction`` and storage in
``wijkveiligheid.storage``. Database work runs in a worker thread so the action server's
event loop never waits on it.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Dict, List, Optional, Text

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from rapidfuzz import fuzz, process
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from wijkveiligheid.knowledge import FOLLOW_UP_INTENT, TOPIC_IDS, knowledge
from wijkveiligheid.models import REPORTER_ROLES
from wijkveiligheid.redaction import redact
from wijkveiligheid.settings import MAX_MESSAGE_CHARS
from wijkveiligheid.storage import (
    InvalidSignal,
    NewSignal,
    SignalStore,
    hash_conversation,
    idempotency_key,
)
from wijkveiligheid.wijken import match_location

logger = logging.getLogger(__name__)

FORM_SLOTS = [
    "signaal_onderwerp", "signaal_wijk", "signaal_beschrijving", "signaal_rol",
    "signaal_contact_toestemming", "signaal_contact", "signaal_bevestigd",
]
HELPER_SLOTS = ["signaal_gebied", "signaal_mislukt", "signaal_afgebroken"]
MAX_FAILURES = 3
# The description is one chat message, so the channel's limit is its limit too.
MIN_WORDS, MAX_DESCRIPTION = 3, MAX_MESSAGE_CHARS

YES = {"ja", "jazeker", "ja hoor", "ja graag", "graag", "klopt", "prima", "goed", "oke",
       "ok", "oké", "is goed", "dat klopt", "yes", "jawel", "zeker", "akkoord", "j"}
# Typed "stop" during the form is usually the `stoppen` intent (a rule stops the form);
# these phrases stop it too when the NLU took them for something else.
CANCEL = {"stop", "stoppen", "laat maar", "laat maar zitten", "laat ook maar", "annuleer",
          "annuleren", "ik wil stoppen", "hou maar op", "afbreken", "stop maar"}
NO = {"nee", "nee dank je", "nee bedankt", "neen", "no", "liever niet", "niet",
      "klopt niet", "nope", "n", "nee hoor", "andere", "ander onderwerp"}


def normalise(text: Optional[str]) -> str:
    return re.sub(r"[^\w\s]", "", (text or "").lower()).strip()


def yes_or_no(text: Optional[str]) -> Optional[bool]:
    if "@" in (text or ""):
        return None  # an e-mail address ("neeltje@...") is neither yes nor no
    answer = normalise(text)
    first = answer.split()[:1]
    if answer in YES or first == ["ja"]:
        return True
    if answer in NO or first == ["nee"]:  # "nee hoor", not "neem maar op" or "Neeltje"
        return False
    return None


MIN_FUZZY_CHARS = 4


def match_topic(text: Optional[str], intent: Optional[str]) -> Optional[str]:
    """A topic from a button title, a topic id, or what the NLU understood."""
    answer = normalise(text)
    names = {normalise(t.naam): t.id for t in knowledge().topics.values()}
    names.update({t: t for t in TOPIC_IDS})
    if answer in names:
        return names[answer]
    # Fuzzy only for answers of some length: WRatio matches "a" or "de" inside any name.
    best = len(answer) >= MIN_FUZZY_CHARS and process.extractOne(
        answer, list(names), scorer=fuzz.WRatio, score_cutoff=88)
    if best:
        return names[best[0]]
    return intent if intent in TOPIC_IDS else None


def match_role(text: Optional[str]) -> Optional[str]:
    answer = normalise(text)
    for role in REPORTER_ROLES:
        if role in answer:
            return role
    best = process.extractOne(answer, REPORTER_ROLES, scorer=fuzz.ratio, score_cutoff=75)
    return best[0] if best else None


def valid_contact(text: Optional[str]) -> Optional[str]:
    """An e-mail address or a Dutch phone number, normalised; None when neither."""
    answer = (text or "").strip()
    if "@" in answer:
        try:
            return validate_email(answer, check_deliverability=False).normalized
        except EmailNotValidError:
            return None
    try:
        number = phonenumbers.parse(answer, "NL")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


# Slots whose answer is a choice (yes/no, a topic, a wijk, a role): a question typed
# there is no answer. The description may well be worded as a question, so it is not here.
CHOICE_SLOTS = {"signaal_onderwerp", "signaal_wijk", "signaal_rol",
                "signaal_contact_toestemming", "signaal_bevestigd"}
QUESTION_KINDS = {"uitleg", "invloed", "melden"}
MIN_QUESTION_WORDS = 5
# While the form waits for the description, only a short message that opens as a question
# ("wie beslist daar eigenlijk over?", "hoe lang duurt het voor er iets gebeurt?") is taken
# for a question: a description worded as one is longer, or complains ("waarom staan ze
# daar elke avond?", "hoe kan het dat daar elke avond gedeald wordt?").
DESCRIPTION_SLOT = "signaal_beschrijving"
OPENS_AS_A_QUESTION = re.compile(
    r"^((en|maar|oke|ok|dus) )?(wie|wat|waar|hoe(?! (kan|komt) (het|dat))|wanneer|welke"
    r"|kan ik|kunnen we|kunnen wij|mag ik|mogen we|mogen wij|moet ik)\b")
MAX_QUESTION_WORDS_AT_DESCRIPTION = 12


def asks_a_question(tracker: Tracker) -> bool:
    """Whether the message typed while the form waits for a choice, or a short question
    typed instead of the description, is a question of its own about a topic ("kan er
    iemand bij ons uitleg geven over het horecabeleid?"), or about the signal's topic
    ("moet ik het daarnaast nog ergens anders melden?")."""
    message = tracker.latest_message or {}
    text = (message.get("text") or "").strip()
    requested = tracker.get_slot("requested_slot")
    normalised = normalise(text)
    words = normalised.split()
    if requested == DESCRIPTION_SLOT:
        if len(words) > MAX_QUESTION_WORDS_AT_DESCRIPTION \
                or not OPENS_AS_A_QUESTION.match(normalised):
            return False
    elif requested not in CHOICE_SLOTS:
        return False
    if not text.endswith("?") or len(words) < MIN_QUESTION_WORDS or yes_or_no(text) is not None:
        return False
    kinds = {entity.get("value") for entity in message.get("entities") or []
             if entity.get("entity") == "vraagsoort"}
    intent = (message.get("intent") or {}).get("name")
    # A follow-up names no topic: it is about the signal's topic only while the form asks
    # to confirm that topic or to describe it ("wie krijgt mijn nummer te zien?" at the
    # consent step is no topic question).
    about_the_signal = intent == FOLLOW_UP_INTENT and tracker.get_slot("onderwerp") \
        and requested in ("signaal_onderwerp", DESCRIPTION_SLOT)
    return (intent in TOPIC_IDS or bool(about_the_signal)) and bool(kinds & QUESTION_KINDS)


class ValidateSignaalForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_signaal_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if normalise(tracker.latest_message.get("text")) in CANCEL:
            dispatcher.utter_message(response="utter_signaal_gestopt")
            # requested_slot None ends the form; action_signaal_opslaan then forgets it all.
            return [SlotSet("signaal_afgebroken", True), SlotSet("requested_slot", None)]
        if asks_a_question(tracker):
            # Answer it (Rasa composes utter_antwoord from the knowledge), then the form
            # asks its question again: the question is not taken as the answer. Other
            # slots the message filled (a wijk it names) are checked as usual.
            dispatcher.utter_message(response="utter_antwoord")
            requested = tracker.get_slot("requested_slot")
            events: List[EventType] = []
            for slot, value in tracker.slots_to_validate().items():
                check = getattr(self, f"validate_{slot}", None)
                if slot == requested or check is None:
                    continue
                events += [SlotSet(name, checked) for name, checked
                           in check(value, dispatcher, tracker, domain).items()]
            # requested_slot kept: the same question comes again, not the domain's next.
            return events + [SlotSet(requested, None), SlotSet("requested_slot", requested)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("signaal_afgebroken"):
            return []  # too many failed answers: end the form, nothing is stored
        slots = list(FORM_SLOTS)
        if tracker.get_slot("signaal_contact_toestemming") is False:
            slots.remove("signaal_contact")
        return slots

    def _failed(self, slot: str, response: str, dispatcher: CollectingDispatcher,
                tracker: Tracker, **values: Any) -> Dict[Text, Any]:
        """Says why the answer was not taken (a response of the domain) and counts it."""
        failures = int(tracker.get_slot("signaal_mislukt") or 0) + 1
        if failures >= MAX_FAILURES:
            dispatcher.utter_message(response="utter_signaal_te_vaak_mislukt")
            return {slot: None, "signaal_mislukt": failures, "signaal_afgebroken": True}
        dispatcher.utter_message(response=response, **values)
        return {slot: None, "signaal_mislukt": failures}

    @staticmethod
    def _ok(**slots: Any) -> Dict[Text, Any]:
        return {**slots, "signaal_mislukt": 0}

    def validate_signaal_onderwerp(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        known = tracker.get_slot("onderwerp")
        answer = yes_or_no(value)
        if known in TOPIC_IDS and answer is True:
            return self._ok(signaal_onderwerp=known)
        if answer is False:  # "not that topic": ask again with all topics
            return {"signaal_onderwerp": None, "onderwerp": None}
        topic = match_topic(value, (tracker.latest_message.get("intent") or {}).get("name"))
        if topic:
            return self._ok(signaal_onderwerp=topic, onderwerp=topic)
        return self._failed("signaal_onderwerp", "utter_signaal_onderwerp_onbekend",
                            dispatcher, tracker)

    def validate_signaal_wijk(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        location = match_location(value or "")
        if location:
            return self._ok(signaal_wijk=location.wijk or location.gebied,
                            signaal_gebied=location.gebied)
        return self._failed("signaal_wijk", "utter_signaal_wijk_onbekend", dispatcher, tracker)

    def validate_signaal_beschrijving(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = " ".join((value or "").split())
        if len(text) > MAX_DESCRIPTION:
            return self._failed("signaal_beschrijving", "utter_signaal_beschrijving_te_lang",
                                dispatcher, tracker, lengte=len(text), maximum=MAX_DESCRIPTION)
        if len(text.split()) < MIN_WORDS or len(text) < 10:
            return self._failed("signaal_beschrijving", "utter_signaal_beschrijving_te_kort",
                                dispatcher, tracker)
        cleaned = redact(text)
        if cleaned != text:
            dispatcher.utter_message(response="utter_signaal_persoonsgegevens_weggehaald")
        return self._ok(signaal_beschrijving=cleaned)

    def validate_signaal_rol(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        role = match_role(value)
        if role:
            return self._ok(signaal_rol=role)
        return self._failed("signaal_rol", "utter_signaal_rol_onbekend", dispatcher, tracker)

    def validate_signaal_contact_toestemming(
            self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> Dict[Text, Any]:
        answer = yes_or_no(value)
        if answer is None:
            return self._failed("signaal_contact_toestemming", "utter_ja_of_nee",
                                dispatcher, tracker)
        return self._ok(signaal_contact_toestemming=answer)

    def validate_signaal_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if yes_or_no(value) is False:  # changed their mind: no contact details
            return self._ok(signaal_contact_toestemming=False, signaal_contact=None)
        contact = valid_contact(value)
        if contact:
            return self._ok(signaal_contact=contact)
        return self._failed("signaal_contact", "utter_signaal_contact_ongeldig",
                            dispatcher, tracker)

    def validate_signaal_bevestigd(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        answer = yes_or_no(value)
        if answer is None:
            return self._failed("signaal_bevestigd", "utter_ja_of_nee", dispatcher, tracker)
        return self._ok(signaal_bevestigd=answer)


class AskSignaalOnderwerp(Action):
    """Confirms the topic the conversation was about, or offers all topics."""

    def name(self) -> Text:
        return "action_ask_signaal_onderwerp"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        known = tracker.get_slot("onderwerp")
        if known in TOPIC_IDS:
            dispatcher.utter_message(response="utter_signaal_onderwerp_bevestigen",
                                     onderwerp_naam=knowledge().topic(known).naam)
        else:
            dispatcher.utter_message(response="utter_signaal_onderwerp_kiezen")
        return []


def topic_name(topic_id: Any) -> str:
    """The topic's name; an unknown id (never from the form itself) is not shown."""
    return knowledge().topic(topic_id).naam if topic_id in TOPIC_IDS else "onbekend onderwerp"


class AskSignaalBevestigd(Action):
    """Shows a summary and asks for confirmation before anything is stored."""

    def name(self) -> Text:
        return "action_ask_signaal_bevestigd"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        slot = tracker.get_slot
        # The contact is filled in from its slot by the response, never passed as a value.
        dispatcher.utter_message(response="utter_signaal_samenvatting",
                                 onderwerp_naam=topic_name(slot("signaal_onderwerp")))
        return []


def submission_id(tracker: Tracker) -> str:
    """Identifies this form submission: the time of the user's confirming message."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return str(users[-1].get("timestamp")) if users else "onbekend"


def reset_form() -> List[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS + HELPER_SLOTS]


class ActionSignaalOpslaan(Action):
    """Stores a confirmed signal; confirms only after the commit, or says it is queued."""

    def name(self) -> Text:
        return "action_signaal_opslaan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        slot = tracker.get_slot
        if slot("signaal_afgebroken"):
            return reset_form()  # the reason was already given
        if not slot("signaal_bevestigd"):
            dispatcher.utter_message(response="utter_signaal_niet_opgeslagen")
            return reset_form()
        consent = bool(slot("signaal_contact_toestemming"))
        new = NewSignal(
            onderwerp=slot("signaal_onderwerp"),
            wijk=slot("signaal_wijk"),
            gebied=slot("signaal_gebied"),
            beschrijving=redact(slot("signaal_beschrijving") or ""),
            rol=slot("signaal_rol"),
            contact_toestemming=consent,
            contact=slot("signaal_contact") if consent else None,
            kanaal=tracker.get_latest_input_channel() or "chat",
            gesprek_hash=hash_conversation(tracker.sender_id),
            idempotentie_sleutel=idempotency_key(tracker.sender_id, submission_id(tracker)),
        )
        try:
            reference = await asyncio.to_thread(SignalStore().store_or_queue, new)
        except InvalidSignal as error:  # only a forged conversation gets here
            logger.warning("%s", error)  # names the field, never its value
            dispatcher.utter_message(response="utter_signaal_niet_opgeslagen")
            return reset_form()
        if reference:
            dispatcher.utter_message(response="utter_signaal_opgeslagen", referentie=reference)
        else:
            dispatcher.utter_message(response="utter_signaal_in_wachtrij")
        return reset_form() + [SlotSet("signaal_referentie", reference)]


class ActionSignaalGestopt(Action):
    """Forgets everything the stopped form collected."""

    def name(self) -> Text:
        return "action_signaal_gestopt"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        return reset_form()
